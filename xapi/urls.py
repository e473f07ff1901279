from django.urls import path

from xapi import views

app_name = "xapi"

urlpatterns = [
    path("activities/page/<int:page_id>/", views.activity, name="activity"),
]

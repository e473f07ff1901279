from django.urls import path

from accounts import join_views

app_name = "join"

urlpatterns = [path("<str:token>/", join_views.join, name="join")]

from django.urls import path

from scorm import views

app_name = "scorm"

urlpatterns = [
    path("content/<str:key>/<path:path>", views.content, name="content"),
    path("<int:item_id>/attempt/", views.attempt_open, name="attempt"),
    path("attempts/<uuid:uuid>/commit/", views.attempt_commit, name="commit"),
]

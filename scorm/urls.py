from django.urls import path

from scorm import views

app_name = "scorm"

urlpatterns = [
    # The content host's copy of our SCORM API script (scorm.hosts); "_" is never a package's key.
    path("content/_/sco-api.js", views.content_runtime, name="content_runtime"),
    path("content/<str:key>/<path:path>", views.content, name="content"),
    path("<int:item_id>/attempt/", views.attempt_open, name="attempt"),
    path("attempts/<uuid:uuid>/commit/", views.attempt_commit, name="commit"),
]

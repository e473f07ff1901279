"""Admin URLs for marking written answers, mounted under /admin/marking/ by wagtail_hooks.py."""

from django.urls import path

from quizzes import marking_views

app_name = "quizzes_marking"

urlpatterns = [
    path("", marking_views.MarkingQueueView.as_view(), name="queue"),
    path("<uuid:uuid>/", marking_views.AttemptMarkView.as_view(), name="attempt"),
]

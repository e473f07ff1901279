from django.urls import path

from xapi.admin_views import DownloadView, LearningRecordsView

app_name = "xapi_admin"

urlpatterns = [
    path("", LearningRecordsView.as_view(), name="index"),
    path("download/", DownloadView.as_view(), name="download"),
]

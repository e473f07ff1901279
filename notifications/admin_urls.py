from django.urls import path

from notifications.admin_views import FailedDeliveriesReportView

app_name = "notifications_admin"

urlpatterns = [
    path("", FailedDeliveriesReportView.as_view(), name="failed_deliveries"),
    path("results/", FailedDeliveriesReportView.as_view(results_only=True), name="failed_deliveries_results"),
]

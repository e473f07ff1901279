"""The administrators' report of messages that could not be sent (read-only): which person, which
channel, how many tries and the provider's last error. Site administrators only."""

from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.reports import ReportView

from core.rights import forbidden
from notifications.models import Delivery


def user_can_see_failed_deliveries(user) -> bool:
    return bool(user.is_active and user.is_superuser)


class FailedDeliveriesReportView(ReportView):
    """One query for the page (the delivery with its notification and recipient) and one count."""

    page_title = _("Messages not sent")
    header_icon = "warning"
    index_url_name = "notifications_admin:failed_deliveries"
    index_results_url_name = "notifications_admin:failed_deliveries_results"
    results_template_name = "wagtailadmin/reports/base_report_results.html"
    export_filename = "messages-not-sent"
    list_export = [
        "notification.recipient.username",
        "notification.recipient.name",
        "channel",
        "notification.subject",
        "attempts",
        "last_error",
        "created_at",
    ]
    export_headings = {
        "notification.recipient.username": _("Username"),
        "notification.recipient.name": _("Name"),
        "channel": _("Channel"),
        "notification.subject": _("Reminder"),
        "attempts": _("Tries"),
        "last_error": _("Last error"),
        "created_at": _("Created at"),
    }

    def dispatch(self, request, *args, **kwargs):
        if not user_can_see_failed_deliveries(request.user):
            return forbidden(request)
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def columns(self):
        return [
            Column("recipient", label=_("Person"), accessor="recipient_label"),
            Column("channel", label=_("Channel"), accessor="get_channel_display"),
            Column("subject", label=_("Reminder"), accessor="notification.subject"),
            Column("attempts", label=_("Tries")),
            Column("last_error", label=_("Last error")),
            DateColumn("created_at", label=_("Created at")),
        ]

    def get_queryset(self):
        return (
            Delivery.objects.filter(state=Delivery.State.FAILED)
            .select_related("notification__recipient")
            .order_by("-created_at", "-pk")
        )

    def decorate_paginated_queryset(self, object_list):
        for delivery in object_list:
            person = delivery.notification.recipient
            delivery.recipient_label = f"{person.name or person.username} ({person.username})"
        return object_list

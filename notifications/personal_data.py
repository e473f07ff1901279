"""The person's reminders and their email choices, for their data download."""

from django.db.models import OuterRef, Subquery

from core.personal_data import coded
from notifications.models import Delivery, Notification, ReminderPreference


def notification_personal_data(user) -> dict:
    preference = ReminderPreference.objects.filter(user=user).first() or ReminderPreference(user=user)
    return {
        "notifications": [
            {**row, "kind": coded(row["kind"], Notification.Kind)}
            for row in Notification.objects.filter(recipient=user)
            .annotate(
                emailed_at=Subquery(
                    Delivery.objects.filter(
                        notification=OuterRef("pk"), channel=Delivery.Channel.EMAIL, state=Delivery.State.SENT
                    ).values("sent_at")[:1]
                )
            )
            .order_by("created_at")
            .values("kind", "subject", "body", "link", "created_at", "read_at", "emailed_at")
        ],
        "reminder_email_choices": {
            "due_soon": preference.email_due_soon,
            "overdue": preference.email_overdue,
            "certificate_expiring": preference.email_certificate_expiring,
            "digest": preference.email_digest,
            "course_assigned": preference.email_course_assigned,
            "session": preference.email_session,
        },
        "reminder_channel_choices": {"sms": preference.sms, "wecom": preference.wecom},
    }

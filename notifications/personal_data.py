"""The person's reminders and their email choices, for their data download."""

from core.personal_data import coded
from notifications.models import Notification, ReminderPreference


def notification_personal_data(user) -> dict:
    preference = ReminderPreference.objects.filter(user=user).first() or ReminderPreference(user=user)
    return {
        "notifications": [
            {**row, "kind": coded(row["kind"], Notification.Kind)}
            for row in Notification.objects.filter(recipient=user)
            .order_by("created_at")
            .values("kind", "subject", "body", "link", "created_at", "read_at", "emailed_at")
        ],
        "reminder_email_choices": {
            "due_soon": preference.email_due_soon,
            "overdue": preference.email_overdue,
            "certificate_expiring": preference.email_certificate_expiring,
            "digest": preference.email_digest,
        },
    }

"""Reminders a person receives: in the app always, by email when they have an address, want it,
and the site sends email.

Each reminder exists once: ``dedupe_key`` names the event it is about (the course and due date,
the certificate and expiry date, the manager and ISO week), unique per recipient, so a rerun of
the daily work inserts nothing new and emails nobody twice.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Course due soon")
        OVERDUE = "overdue", _("Course overdue")
        CERTIFICATE_EXPIRING = "certificate_expiring", _("Certificate expiring")
        MANAGER_DIGEST = "manager_digest", _("Overdue staff digest")
        COURSE_COMPLETED = "course_completed", _("Course completed")
        QUIZ_MARKED = "quiz_marked", _("Quiz marked")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    dedupe_key = models.CharField(_("reminder key"), max_length=120)
    # The text as first written (in the site's language) and sent by email; the list page
    # words it again from ``params`` in the reader's language (notifications.texts).
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    params = models.JSONField(_("details"), default=dict, blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # True while an email is still owed; cleared when it is sent or no longer wanted.
    email_pending = models.BooleanField(_("email pending"), default=False)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="unique_notification_per_event")
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_recent"),
            # The badge counts these; most rows are read, so the index stays small.
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"),
            # The email queue: only rows still owed an email.
            models.Index(fields=["id"], condition=Q(email_pending=True), name="notification_email_pending"),
        ]

    def __str__(self):
        return f"{self.recipient_id} · {self.dedupe_key}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class ReminderPreference(models.Model):
    """Which reminders come by email as well. In-app reminders are always on; no row = all on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="reminder_preference",
        verbose_name=_("user"),
    )
    email_due_soon = models.BooleanField(_("a course due soon"), default=True)
    email_overdue = models.BooleanField(_("a course overdue"), default=True)
    email_certificate_expiring = models.BooleanField(_("a certificate about to expire"), default=True)
    email_digest = models.BooleanField(_("the weekly list of my staff's overdue training"), default=True)

    class Meta:
        verbose_name = _("reminder preference")
        verbose_name_plural = _("reminder preferences")

    def __str__(self):
        return str(self.user_id)

    FIELD_FOR_KIND = {
        Notification.Kind.DUE_SOON: "email_due_soon",
        Notification.Kind.OVERDUE: "email_overdue",
        Notification.Kind.CERTIFICATE_EXPIRING: "email_certificate_expiring",
        Notification.Kind.MANAGER_DIGEST: "email_digest",
    }

    def wants_email(self, kind: str) -> bool:
        """Kinds without a choice here (a course completed: the learner is on the page) are in-app only."""
        field = self.FIELD_FOR_KIND.get(kind)
        return bool(field) and getattr(self, field)

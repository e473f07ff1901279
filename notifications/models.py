"""Reminders a person receives: in the app always, and by each other channel (email, text message,
WeCom) that the organisation turns on, the person can be reached by and has not turned off.

Each reminder exists once: ``dedupe_key`` names the event it is about (the course and due date,
the certificate and expiry date, the manager and ISO week, the assignment), unique per recipient, so
a rerun of the daily work inserts nothing new. Each channel's copy of it is one `Delivery` row,
unique per (notification, channel): the sending loop (notifications.deliveries) sends each once.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Course due soon")
        OVERDUE = "overdue", _("Course overdue")
        CERTIFICATE_EXPIRING = "certificate_expiring", _("Certificate expiring")
        MANAGER_DIGEST = "manager_digest", _("Overdue staff digest")
        COURSE_COMPLETED = "course_completed", _("Course completed")
        QUIZ_MARKED = "quiz_marked", _("Quiz marked")
        COURSE_ASSIGNED = "course_assigned", _("Course assigned")
        SESSION_INVITED = "session_invited", _("Invited to an in-person session")
        SESSION_CHANGED = "session_changed", _("In-person session changed")
        SESSION_REMINDER = "session_reminder", _("In-person session tomorrow")

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
        ]

    def __str__(self):
        return f"{self.recipient_id} · {self.dedupe_key}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Delivery(models.Model):
    """One notification's copy on one outward channel: owed (pending), sent, failed or dropped.

    Claimed by one worker at a time (``SELECT … FOR UPDATE SKIP LOCKED``), stamped ``sending_at`` while
    it may be with the provider, and marked sent with the stamp cleared; a stamp left by a worker that
    died is reconciled with the provider before anything is sent again (notifications.deliveries)."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("Text message")
        WECOM = "wecom", _("WeCom")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to send")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        DROPPED = "dropped", _("Not sent (no longer wanted)")

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("notification")
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_try_at = models.DateTimeField(_("next try at"), default=timezone.now)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    provider_id = models.CharField(_("provider's message id"), max_length=100, blank=True)
    sending_at = models.DateTimeField(_("sending since"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="unique_delivery_per_channel")
        ]
        indexes = [
            # The queue: only rows still owed, in the order they fall due.
            models.Index(fields=["next_try_at", "id"], condition=Q(state="pending"), name="delivery_pending"),
            models.Index(fields=["-created_at"], condition=Q(state="failed"), name="delivery_failed"),
            # In flight: stamped by a worker, not yet recorded (a handful at most).
            models.Index(
                fields=["id"],
                condition=Q(state="pending", sending_at__isnull=False),
                name="delivery_in_flight",
            ),
        ]

    def __str__(self):
        return f"{self.notification_id} · {self.channel} · {self.state}"


class ReminderPreference(models.Model):
    """Which reminders come by email, and whether text messages and WeCom messages come at all.
    In-app reminders are always on; no row = all on."""

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
    email_course_assigned = models.BooleanField(_("a new course assigned to me"), default=True)
    email_session = models.BooleanField(_("an in-person session I am invited to"), default=True)
    sms = models.BooleanField(_("by text message"), default=True)
    wecom = models.BooleanField(_("by WeCom message"), default=True)

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
        Notification.Kind.COURSE_ASSIGNED: "email_course_assigned",
        Notification.Kind.SESSION_INVITED: "email_session",
        Notification.Kind.SESSION_CHANGED: "email_session",
        Notification.Kind.SESSION_REMINDER: "email_session",
    }
    CHANNEL_FIELDS = ("sms", "wecom")

    def wants_email(self, kind: str) -> bool:
        """Kinds without a choice here (a course completed: the learner is on the page) are in-app only."""
        field = self.FIELD_FOR_KIND.get(kind)
        return bool(field) and getattr(self, field)

    def wants(self, channel: str, kind: str) -> bool:
        """Whether this reminder should come by ``channel`` too. Only the kinds that have an email
        choice go outward at all; text messages and WeCom are one switch each."""
        if not self.wants_email(kind) and channel == Delivery.Channel.EMAIL:
            return False
        if kind not in self.FIELD_FOR_KIND:
            return False
        if channel == Delivery.Channel.EMAIL:
            return True
        return bool(getattr(self, channel, False))

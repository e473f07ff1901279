"""In-person sessions (线下培训) and who attended them (签到).

A session belongs to one unit (the part of the tree whose managers see it) and is run by one trainer.
It invites people by units (everyone in them and below) and optionally positions; when it closes,
attendees get its course (or the lessons the trainer ticks as covered) completed as of the session's
date, and its hours count as study hours (学时). See `classroom.services`.
"""

import secrets
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class TrainingSession(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        OPEN = "open", _("Check-in open")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=200)
    # No course: a briefing (e.g. before a volunteer shift) that counts hours only.
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Leave empty for a briefing that is not part of a course."),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200)
    capacity = models.PositiveIntegerField(
        _("capacity"), validators=[MinValueValidator(1), MaxValueValidator(10000)]
    )
    # A deleted account leaves the session and its attendance as they were, with no trainer named.
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainer"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="training_sessions",
    )
    unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("organised by"),
        on_delete=models.PROTECT,
        related_name="training_sessions",
    )
    invited_units = models.ManyToManyField(
        "accounts.OrgUnit",
        verbose_name=_("invited units"),
        blank=True,
        related_name="+",
        help_text=_("Everyone in these units and every unit below them. Empty: the organising unit."),
    )
    invited_positions = models.ManyToManyField(
        "accounts.Position",
        verbose_name=_("invited positions"),
        blank=True,
        related_name="+",
        help_text=_("Only people in these positions. Leave empty for every position."),
    )
    hours = models.DecimalField(
        _("study hours"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("1.0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("99"))],
    )
    allow_uninvited = models.BooleanField(
        _("accept people not invited"),
        default=True,
        help_text=_("Whether someone who was not invited may check in. They are marked as such."),
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PLANNED)
    # The lessons the trainer ticked as covered when closing (empty: the whole course).
    covered_items = models.JSONField(_("lessons covered"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("planned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("planned at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("in-person session")
        verbose_name_plural = _("in-person sessions")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["unit", "starts_at"], name="session_unit_starts")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            )
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The session must end after it starts.")})

    @property
    def closed(self) -> bool:
        return self.status == self.Status.CLOSED


class SessionAttendance(models.Model):
    class Method(models.TextChoices):
        QR = "qr", _("Scanned the code")
        ROSTER = "roster", _("Checked in by the trainer")
        OFFLINE = "offline", _("Checked in offline")

    session = models.ForeignKey(
        TrainingSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="attendances"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="session_attendances",
    )
    checked_in_at = models.DateTimeField(_("checked in at"))
    method = models.CharField(_("how"), max_length=8, choices=Method.choices)
    invited = models.BooleanField(_("invited"), default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("session attendance")
        verbose_name_plural = _("session attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "learner"], name="unique_session_attendance")
        ]
        indexes = [models.Index(fields=["learner", "checked_in_at"], name="attendance_learner_time")]

    def __str__(self):
        return f"{self.learner_id} @ {self.session_id}"


class RefusedCheckIn(models.Model):
    """Someone not invited who tried to check in at a session that accepts only invited people: shown on
    the roster, where the trainer may still check them in."""

    session = models.ForeignKey(
        TrainingSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="refusals"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("learner"), on_delete=models.CASCADE, related_name="+"
    )
    tried_at = models.DateTimeField(_("tried at"))

    class Meta:
        verbose_name = _("refused check-in")
        verbose_name_plural = _("refused check-ins")
        constraints = [models.UniqueConstraint(fields=["session", "learner"], name="unique_refused_check_in")]

    def __str__(self):
        return f"{self.learner_id} ✗ {self.session_id}"


class OfflineCheckIn(models.Model):
    """A tap on the trainer's roster made with no signal, as it reached the server: the phone's key for
    it (each key is taken once per trainer, so a retried or repeated send changes nothing), who was
    tapped, the phone's time of the tap, and what became of it (repeats are answered with this)."""

    class Outcome(models.TextChoices):
        RECORDED = "recorded", _("Checked in")
        ALREADY = "already", _("Already checked in")
        CLOSED = "closed", _("Session closed before the tap reached the server")
        FUTURE = "future", _("Time in the future")
        TOO_EARLY = "too_early", _("Time before check-in opened")
        FULL = "full", _("Session full")
        NOT_ON_ROSTER = "not_on_roster", _("Not on the roster")

    ACCEPTED = frozenset({Outcome.RECORDED, Outcome.ALREADY})

    session = models.ForeignKey(
        TrainingSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="offline_check_ins"
    )
    key = models.UUIDField(_("key"))
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("learner"), on_delete=models.CASCADE, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.CASCADE, related_name="+"
    )
    tapped_at = models.DateTimeField(_("tapped at (phone's time)"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)

    class Meta:
        verbose_name = _("offline check-in")
        verbose_name_plural = _("offline check-ins")
        constraints = [
            models.UniqueConstraint(fields=["recorded_by", "key"], name="unique_offline_check_in_key")
        ]

    def __str__(self):
        return f"{self.recorded_by_id} · {self.key}"

    @property
    def accepted(self) -> bool:
        return self.outcome in self.ACCEPTED


def photo_path(instance, filename: str) -> str:
    """Where an evidence photo is stored: under two random names (nothing in it can be guessed from the
    session, the person or the original file name), with the extension of its checked kind."""
    return f"session-photos/{secrets.token_urlsafe(18)}/{uuid.uuid4().hex}.{instance.kind or 'jpg'}"


class SessionPhoto(models.Model):
    """A photo of the signed sheet or of the room, kept as evidence of a session. Served only through
    the session's screens (`classroom.views.photo`), to those who may see the session."""

    class Kind(models.TextChoices):
        JPEG = "jpg", "JPEG"
        PNG = "png", "PNG"
        WEBP = "webp", "WebP"

    session = models.ForeignKey(
        TrainingSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField(_("photo"), upload_to=photo_path, max_length=255)
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("session photo")
        verbose_name_plural = _("session photos")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return f"{self.session_id} · {self.pk}"

"""Certificates: proof of a completed course that the holder can show and anyone can verify.

A certificate is issued once per course completion (certificates.services) and keeps snapshots of
what it says — the holder's name, the course title, the issuing organisation, the completion date —
so it reads the same after the course is renamed or deleted. It is never edited afterwards; an
administrator may only revoke it, with a reason.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certificates.codes import code_display


class CertificateState(models.TextChoices):
    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class Certificate(models.Model):
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,  # personal data: goes with the person's account
        related_name="certificates",
        verbose_name=_("holder"),
    )
    # Pages are referenced without a database constraint, like progress rows: deleting a course
    # never deletes the certificates given for it.
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("course"),
    )
    completion = models.OneToOneField(
        "progress.CourseCompletion",
        on_delete=models.SET_NULL,  # a completion reset for re-training leaves the old proof
        null=True,
        blank=True,
        related_name="certificate",
        verbose_name=_("course completion"),
    )
    code = models.CharField(_("verification code"), max_length=16, unique=True, editable=False)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed on"))
    holder_name = models.CharField(_("holder's name"), max_length=150)
    course_title = models.CharField(_("course title"), max_length=255)
    organisation_name = models.CharField(_("issuing organisation"), max_length=120)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    revoke_reason = models.CharField(_("reason for revoking"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            # Revoked means a time and a reason, never one without the other.
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True, revoke_reason="")
                | (Q(revoked_at__isnull=False) & ~Q(revoke_reason="")),
                name="certificate_revoked_with_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["learner", "issued_at"], name="certificate_learner_issued"),
            models.Index(
                fields=["expires_at"],
                condition=Q(expires_at__isnull=False, revoked_at__isnull=True),
                name="certificate_expiring",
            ),
        ]

    def __str__(self):
        return f"{self.holder_name} · {self.course_title} · {self.display_code}"

    def get_absolute_url(self) -> str:
        """The holder's page for this certificate (others get 404 there)."""
        return reverse("certificates:detail", args=[self.display_code])

    @property
    def display_code(self) -> str:
        return code_display(self.code)

    def state(self, now=None) -> str:
        if self.revoked_at is not None:
            return CertificateState.REVOKED
        if self.expires_at is not None and self.expires_at <= (now or timezone.now()):
            return CertificateState.EXPIRED
        return CertificateState.VALID

    @property
    def current_state(self) -> str:
        return self.state()

    def get_current_state_display(self) -> str:
        return CertificateState(self.current_state).label

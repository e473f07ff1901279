"""The outbox of xAPI statements: each statement once, with its id, as it will be sent.

A row is written in the transaction of the learning event it describes (xapi.events), so a rolled-back
event leaves no statement and a committed one always has its statement. The id is deterministic
(xapi.statements), and the row is the primary key's owner: the same event recorded twice is one row, and
a retry sends the stored JSON as it was — never the same event under another id.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Statement(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to send")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(_("statement id"), primary_key=True, editable=False)
    verb = models.CharField(_("verb"), max_length=40)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,  # personal data: goes with the person's account
        related_name="+",
        verbose_name=_("learner"),
    )
    timestamp = models.DateTimeField(_("happened at"))
    payload = models.JSONField(_("statement"))
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("tries"), default=0)
    next_try_at = models.DateTimeField(_("next try at"), default=timezone.now)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("xAPI statement")
        verbose_name_plural = _("xAPI statements")
        indexes = [
            # The queue: only statements still owed, in the order they fall due.
            models.Index(
                fields=["next_try_at", "created_at"],
                condition=Q(state="pending"),
                name="xapi_statement_owed",
            ),
            models.Index(fields=["timestamp"], name="xapi_statement_timestamp"),
            models.Index(fields=["state", "created_at"], name="xapi_statement_state"),
        ]

    def __str__(self):
        return f"{self.verb} {self.id}"

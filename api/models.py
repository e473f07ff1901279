"""API clients: one per integration (an HR system, a street office's dashboard), scoped like a training
manager to a unit of the organisation tree and everything below it.

A client acts through its own account (``account``): a training manager of ``unit`` that cannot sign in
(no usable password, no mobile number, placed in no unit, so no manager's screens list it). Every rule
of the project — scope (accounts.scope), who may be acted on (accounts.rights), the staff import's
checks, the assignment services — then applies to the client exactly as to a person, and the audit log
names the client: its account carries the client's name. The token is shown once when it is made; only
its SHA-256 is stored (a 256-bit random token needs no slow hash)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

STRUCTURE_PERMISSIONS = (
    ("accounts", "add_orgunit"),
    ("accounts", "change_orgunit"),
    ("accounts", "add_position"),
    ("accounts", "change_position"),
)
"""What ``may_change_structure`` gives the client's account, as user permissions."""


class ApiClient(models.Model):
    class Access(models.TextChoices):
        READ = "read", _("Read only")
        READ_WRITE = "read_write", _("Read and write")

    name = models.CharField(_("name"), max_length=50, unique=True)
    unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("organisation unit"),
        on_delete=models.PROTECT,
        related_name="api_clients",
        help_text=_(
            "The client sees and changes this unit and everything below it, like its training manager."
        ),
    )
    access = models.CharField(_("access"), max_length=12, choices=Access.choices, default=Access.READ)
    may_change_structure = models.BooleanField(
        _("may change units and positions"),
        default=False,
        help_text=_(
            "For a read-and-write client: it may also create and change units below its own and positions, "
            "as a site administrator does in Settings."
        ),
    )
    requests_per_minute = models.PositiveIntegerField(
        _("requests per minute"), default=120, help_text=_("More requests in a minute are refused (429).")
    )
    token_prefix = models.CharField(_("token begins with"), max_length=12, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_client", editable=False
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def can_write(self) -> bool:
        return self.access == self.Access.READ_WRITE

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from treebeard.mp_tree import MP_Node

mobile_validator = RegexValidator(
    r"^1[3-9]\d{9}$", _("Enter an 11-digit mainland China mobile number, e.g. 13800138000.")
)


class OrgUnit(MP_Node):
    """A node of the organisation tree: city > district > street > community > grid, any depth.

    Stored as a materialised path, so "this unit and everything below it" is one indexed
    prefix query (``path LIKE '0001000B%'``) and moving a unit moves its whole subtree.
    """

    class Level(models.TextChoices):
        CITY = "city", _("City")
        DISTRICT = "district", _("District")
        STREET = "street", _("Street")
        COMMUNITY = "community", _("Community")
        GRID = "grid", _("Grid")
        OTHER = "other", _("Other")

    # "名称", not a person's "姓名" (GLOSSARY): the context keeps the two apart.
    name = models.CharField(pgettext_lazy("unit or position", "name"), max_length=100)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.COMMUNITY)
    code = models.CharField(
        _("code"), max_length=40, blank=True, help_text=_("Optional administrative code, e.g. 500103.")
    )
    # When the unit was last changed, for integrations that sync only what changed (the REST API's
    # changed_since). Services that write with update() set it themselves; rows inserted by SQL (the
    # city generator's COPY) get the database's default.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_default=Now(), db_index=True)

    node_order_by = ["name"]

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")

    def __str__(self):
        return self.name

    @property
    def indented_name(self) -> str:
        return "\u3000" * (self.depth - 1) + self.name


class Position(models.Model):
    """A job a staff member holds: community worker, grid worker, volunteer…"""

    name = models.CharField(pgettext_lazy("unit or position", "name"), max_length=60, unique=True)
    description = models.CharField(_("description"), max_length=255, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_default=Now(), db_index=True)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")

    def __str__(self):
        return self.name


class User(AbstractUser):
    """A person who uses the platform: learner, trainer, reviewer or manager.

    Chinese names are one field, so ``name`` replaces first/last name for display.
    """

    name = models.CharField(_("name"), max_length=50, blank=True)
    mobile = models.CharField(
        _("mobile number"),
        max_length=11,
        blank=True,
        null=True,
        unique=True,
        validators=[mobile_validator],
        help_text=_("Staff can sign in with this number instead of a username."),
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("organisation unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    position = models.ForeignKey(
        Position,
        verbose_name=_("position"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="holders",
    )
    managed_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("manages"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="managers",
        help_text=_(
            "For training managers: the part of the organisation they manage. They see and act on this "
            "unit and everything below it only."
        ),
    )
    # The person's id in the system their record comes from (a grid-management or HR system), so an
    # integration can find them again even without the mobile number (the REST API's staff upsert).
    external_id = models.CharField(
        _("external id"),
        max_length=64,
        blank=True,
        null=True,
        unique=True,
        help_text=_("The person's id in the HR or grid-management system their record comes from."),
    )
    # Last change of the account's record (changed_since of the REST API); the staff import and the
    # services that write with update() set it themselves.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_default=Now(), db_index=True)
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("Asked to choose a new password at the next sign-in."),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.username

    def get_full_name(self):
        return self.name or super().get_full_name().strip()

    def get_short_name(self):
        return self.name or self.first_name or self.username

    def clean(self):
        super().clean()
        if self.mobile == "":
            self.mobile = None  # blank numbers must not collide on the unique index
        if self.external_id == "":
            self.external_id = None


class Invitation(models.Model):
    """A poster's promise: whoever scans it may join ``org_unit`` as ``position`` (accounts.invitations).

    The join URL carries ``token`` (192 random bits, unique): it cannot be guessed or derived, and a
    changed character finds nothing. ``uses`` counts the joins it has taken, pending ones included; it
    is only ever raised by a conditional UPDATE, so parallel joins never pass ``max_uses``."""

    token = models.CharField(max_length=64, unique=True, editable=False)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("organisation unit"), on_delete=models.PROTECT, related_name="invitations"
    )
    position = models.ForeignKey(
        Position, verbose_name=_("position"), on_delete=models.PROTECT, related_name="invitations"
    )
    created_by = models.ForeignKey(
        User, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(
        _("expires at"),
        null=True,
        blank=True,
        help_text=_("Leave empty for an invitation that does not expire."),
    )
    max_uses = models.PositiveIntegerField(
        _("maximum number of joins"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    uses = models.PositiveIntegerField(_("joins"), default=0)
    needs_approval = models.BooleanField(
        _("each join needs approval"),
        default=False,
        help_text=_("A training manager approves or rejects each person before their account is made."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_uses__isnull=True) | models.Q(uses__lte=models.F("max_uses")),
                name="invitation_uses_within_limit",
            )
        ]

    def __str__(self):
        return f"{self.org_unit} · {self.position}"


class JoinRequest(models.Model):
    """One person who joined, or asked to join, through an invitation."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    invitation = models.ForeignKey(
        Invitation, verbose_name=_("invitation"), on_delete=models.CASCADE, related_name="join_requests"
    )
    name = models.CharField(_("name"), max_length=50)
    mobile = models.CharField(_("mobile number"), max_length=11, validators=[mobile_validator])
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        User, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    user = models.ForeignKey(
        User,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="join_requests",
    )

    class Meta:
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        constraints = [
            # One waiting request per number: a second submit (a double tap, a retry) is refused.
            models.UniqueConstraint(
                fields=["mobile"], condition=models.Q(status="pending"), name="one_pending_join_per_mobile"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.mobile})"


class ExternalIdentity(models.Model):
    """A person's account at WeCom (企业微信) or WeChat, bound to their staff record by a code sent to
    the staff record's mobile number (accounts.external_sign_in). Signing in with the provider then
    signs in as that person; nobody gets a second account this way."""

    class Provider(models.TextChoices):
        WECOM = "wecom", _("WeCom")
        WECHAT = "wechat", _("WeChat")

    provider = models.CharField(_("provider"), max_length=20, choices=Provider.choices)
    # WeCom's UserID within the organisation, or the WeChat official account's OpenID.
    subject = models.CharField(_("account at the provider"), max_length=128)
    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="external_identities"
    )
    bound_at = models.DateTimeField(_("bound at"), auto_now_add=True)

    class Meta:
        verbose_name = _("external sign-in")
        verbose_name_plural = _("external sign-ins")
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="external_identity_one_person"),
            models.UniqueConstraint(fields=["provider", "user"], name="external_identity_one_per_provider"),
        ]

    def __str__(self):
        return f"{self.get_provider_display()}: {self.subject}"

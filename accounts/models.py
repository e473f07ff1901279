from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

mobile_validator = RegexValidator(
    r"^1[3-9]\d{9}$", _("Enter an 11-digit mainland China mobile number, e.g. 13800138000.")
)


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

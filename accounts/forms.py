import unicodedata

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordMixin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm

from accounts import phone_codes, throttle
from accounts.backends import sign_in_account
from accounts.mobile import MOBILE_INVALID, MobileNumberField, looks_like_a_mobile_number
from accounts.models import OrgUnit, User
from accounts.passwords import (
    initial_password,
    initial_password_compact,
    initial_password_display,
    initial_password_matches,
)
from accounts.rights import ROLE_HELP, Role, grantable_roles, manageable_units, role_of


class SignInForm(AuthenticationForm):
    """Username or mobile number and password; 'keep me signed in' is on by default."""

    username = forms.CharField(
        label=_("Username or mobile number"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "autofocus": True}
        ),
    )
    remember = forms.BooleanField(
        label=_("Keep me signed in on this phone"),
        required=False,
        initial=True,
        help_text=_("Untick on a shared phone: you will be signed out when the browser closes."),
    )

    error_messages = {
        "invalid_login": _("The username, mobile number or password is not right. Please try again."),
        "inactive": _("This account has been turned off. Ask your training manager."),
        "throttled": _("Too many failed attempts. Please wait %(minutes)s minutes and try again."),
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            # The lock is the found account's, whichever way it was typed (see accounts.throttle).
            user, account = sign_in_account(username)
            if throttle.is_locked(account, throttle.client_address(self.request)):
                raise self._throttled()
            if user is None and looks_like_a_mobile_number(username):
                # No account is named so: say what is wrong with the number (it names nobody).
                raise forms.ValidationError(MOBILE_INVALID, code="invalid_mobile", params={"value": username})
            # A lock reached meanwhile makes the backend refuse, which authenticate() returns as None.
            self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data

    def _throttled(self):
        return forms.ValidationError(
            self.error_messages["throttled"], code="throttled", params={"minutes": throttle.lock_minutes()}
        )


class MobileForm(forms.Form):
    """The first step of signing in (or resetting a password) by a code: the mobile number to text."""

    mobile = MobileNumberField(
        label=_("Mobile number"),
        widget=forms.TextInput(attrs={"autofocus": True}),
        error_messages={"required": _("Type your mobile number.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.prefix:  # a second form on the sign-in page: the first one's field has the focus
            self.fields["mobile"].widget.attrs.pop("autofocus", None)


class CodeField(forms.CharField):
    """The six digits texted to the phone, typed with spaces or full-width digits if need be; the
    phone's keyboard shows digits and offers the code from the message (one-time-code)."""

    default_error_messages = {"invalid_code": _("The code is the 6 digits in the text message.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Code from the text message"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("error_messages", {"required": _("Type the code from the text message.")})
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update(
            {"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*", "maxlength": "20"}
        )
        return attrs

    def to_python(self, value):
        value = "".join(unicodedata.normalize("NFKC", super().to_python(value)).split())
        if value and not (value.isascii() and value.isdigit() and len(value) == phone_codes.CODE_DIGITS):
            raise forms.ValidationError(self.error_messages["invalid_code"], code="invalid_code")
        return value


class CodeCheckMixin(forms.Form):
    """The code for ``mobile``, checked by accounts.backends.PhoneCodeBackend under the sign-in lock-out.
    Sets ``user_cache`` to the person the code signs in."""

    purpose = "sign_in"
    mobile = MobileNumberField(widget=forms.HiddenInput)
    code = CodeField()

    error_messages = {
        "wrong_code": _(
            "This code is not right, has expired or has been used. Check the latest text message, or ask "
            "for a new code."
        ),
        "throttled": SignInForm.error_messages["throttled"],
    }

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user_cache = None
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs["autofocus"] = True

    def code_check(self) -> None:
        mobile, code = self.cleaned_data.get("mobile"), self.cleaned_data.get("code")
        if not mobile or not code:
            return
        _user, account = sign_in_account(mobile)
        if throttle.is_locked(account, throttle.client_address(self.request)):
            minutes = throttle.lock_minutes()
            raise forms.ValidationError(
                self.error_messages["throttled"], code="throttled", params={"minutes": minutes}
            )
        self.user_cache = authenticate(self.request, mobile=mobile, code=code, purpose=self.purpose)
        if self.user_cache is None:
            raise forms.ValidationError(self.error_messages["wrong_code"], code="wrong_code")


class CodeSignInForm(CodeCheckMixin):
    """The second step of signing in by a code: the code, and whether to stay signed in."""

    remember = SignInForm.base_fields["remember"]
    field_order = ["mobile", "code", "remember"]

    def clean(self):
        cleaned = super().clean()
        self.code_check()
        return cleaned


class PasswordResetByCodeForm(SetPasswordMixin, CodeCheckMixin):
    """The second step of resetting a forgotten password: the code and the new password twice (Django's
    fields and validators, as on the password change page). The passwords are checked first, so a
    typing slip does not use the code up."""

    purpose = "reset"
    error_messages = {**CodeCheckMixin.error_messages, **SetPasswordMixin.error_messages}
    new_password1, new_password2 = SetPasswordMixin.create_password_fields(
        label1=_("New password"), label2=_("New password confirmation")
    )

    def clean(self):
        cleaned = super().clean()
        self.validate_passwords("new_password1", "new_password2")
        if self.cleaned_data.get("mobile") and not self.has_error("new_password2"):
            # The account's own words (name, username) are refused in its password, as everywhere.
            user, _account = sign_in_account(self.cleaned_data["mobile"])
            self.validate_password_for_user(user, "new_password2")
        if not self.errors:
            self.code_check()
        return cleaned


class StaffPasswordChangeForm(PasswordChangeForm):
    """Django's, but the initial password may be typed as it was handed over: in its groups."""

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        if not initial_password_matches(self.user, old_password):
            raise forms.ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password


class OrgUnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.indented_name


def _org_unit_field(**kwargs):
    return OrgUnitChoiceField(
        queryset=OrgUnit.objects.order_by("path"),
        label=_("organisation unit"),
        **kwargs,
    )


class StaffFieldsMixin(forms.ModelForm):
    """The fields a Wagtail admin sets on every account: name, mobile, unit, position.

    Many frontline staff have no email address, so email is optional here (Wagtail's own
    form requires it).
    """

    email = forms.EmailField(required=False, label=_("Email"))
    # Typed as people type it (spaces, dashes, +86, full-width digits), stored as the 11 digits.
    mobile = MobileNumberField(
        required=False,
        label=User._meta.get_field("mobile").verbose_name,
        help_text=User._meta.get_field("mobile").help_text,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"] = _org_unit_field(required=False)
        if self.instance and self.instance.pk:
            self.fields["org_unit"].initial = self.instance.org_unit_id
        for name in ("first_name", "last_name"):
            self.fields.pop(name, None)
        if "username" in self.fields:  # Wagtail's help text has no Chinese
            self.fields["username"].help_text = _(
                "Letters, digits and @ . + - _ only, e.g. zhangwei. Staff can also sign in with their mobile "
                "number."
            )


class RoleFieldsMixin(forms.Form):
    """The person's role in the words people use, and the unit a training manager manages, in place of
    Wagtail's "administrator" flag and group checkboxes. What an editor may give is set by
    :meth:`limit_to` (accounts.rights); the view saves it through ``accounts.services.user_role_set``."""

    # Not required: a form sent without it (a script, an old page) leaves the role as it is.
    role = forms.ChoiceField(
        label=_("Role"), choices=Role.choices, initial=Role.LEARNER, widget=forms.RadioSelect, required=False
    )
    managed_unit = OrgUnitChoiceField(
        queryset=OrgUnit.objects.order_by("path"),
        label=_("Unit managed"),
        required=False,
        help_text=_("For a training manager: they see and act on this unit and everything below it only."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("is_superuser", "groups"):
            self.fields.pop(name, None)
        if self.instance and self.instance.pk:
            self.fields["role"].initial = role_of(self.instance)
            self.fields["managed_unit"].initial = self.instance.managed_unit_id

    def limit_to(self, actor, *, editing_self: bool = False) -> None:
        """Offer only what ``actor`` may give; nobody changes their own role."""
        if editing_self:
            self.fields.pop("role")
            self.fields.pop("managed_unit")
            return
        roles = grantable_roles(actor)
        self.fields["role"].choices = [(role.value, role.label) for role in roles]
        self.fields["role"].help_text = format_html_join(
            "",
            '<span class="w-block">{}</span>',
            (
                (gettext("%(role)s: %(help)s") % {"role": role.label, "help": ROLE_HELP[role]},)
                for role in roles
            ),
        )
        self.fields["managed_unit"].queryset = manageable_units(actor).order_by("path")

    def clean(self):
        cleaned = super().clean()
        if "role" not in self.fields:
            return cleaned
        if cleaned.get("role") == Role.MANAGER:
            if not cleaned.get("managed_unit"):
                self.add_error("managed_unit", _("Choose the unit this training manager manages."))
        else:
            cleaned["managed_unit"] = None
        return cleaned


class InitialPasswordMixin(forms.Form):
    """The password an admin sets is a temporary one (the person chooses their own at first sign-in):
    the form suggests an initial password to read aloud (accounts.passwords); typed in its groups, it
    is stored without the spaces, as the staff import stores them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "password1" in self.fields and not self.is_bound:
            suggestion = initial_password_display(initial_password())
            self.fields["password1"].help_text = format_html(
                "{}<br>{}",
                self.fields["password1"].help_text,
                gettext("Suggested initial password: %(password)s (spaces are optional when typing it)")
                % {"password": suggestion},
            )

    def clean(self):
        cleaned = super().clean()
        for name in ("password1", "password2"):
            if cleaned.get(name):
                cleaned[name] = initial_password_compact(cleaned[name])
        return cleaned


class StaffCreationForm(InitialPasswordMixin, RoleFieldsMixin, StaffFieldsMixin, UserCreationForm):
    """New accounts made by an admin must choose their own password at first sign-in."""

    class Meta(UserCreationForm.Meta):
        model = User
        fields = (UserCreationForm.Meta.fields - {"is_superuser", "groups"}) | {
            "name",
            "mobile",
            "org_unit",
            "position",
        }

    def save(self, commit=True):
        self.instance.must_change_password = True
        return super().save(commit=commit)


class StaffEditForm(InitialPasswordMixin, RoleFieldsMixin, StaffFieldsMixin, UserEditForm):
    class Meta(UserEditForm.Meta):
        model = User
        fields = (UserEditForm.Meta.fields - {"is_superuser", "groups"}) | {
            "name",
            "mobile",
            "org_unit",
            "position",
            "must_change_password",
        }


class OrgUnitForm(forms.ModelForm):
    """Name, level and code, plus where the unit sits in the tree (moving it moves its subtree)."""

    parent = OrgUnitChoiceField(
        queryset=OrgUnit.objects.order_by("path"),
        label=_("parent unit"),
        required=False,
        help_text=_("Leave empty for a top-level unit (usually the city)."),
    )

    class Meta:
        model = OrgUnit
        fields = ["name", "level", "code"]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["parent"].initial = self.instance.get_parent()
            # A unit can never move under itself or its own descendants.
            self.fields["parent"].queryset = OrgUnit.objects.exclude(
                path__startswith=self.instance.path
            ).order_by("path")

    def clean(self):
        cleaned = super().clean()
        name, parent = cleaned.get("name"), cleaned.get("parent")
        if name:
            siblings = parent.get_children() if parent else OrgUnit.get_root_nodes()
            if siblings.filter(name=name).exclude(pk=self.instance.pk).exists():
                self.add_error("name", _("There is already a unit with this name at this place in the tree."))
        return cleaned

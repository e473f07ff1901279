from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm

from accounts import throttle
from accounts.models import OrgUnit, User


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
            address = throttle.client_address(self.request)
            if throttle.is_locked(username.strip(), address):
                raise self._throttled()
            try:
                self.user_cache = authenticate(self.request, username=username, password=password)
            except PermissionDenied:
                raise self._throttled() from None
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data

    def _throttled(self):
        return forms.ValidationError(
            self.error_messages["throttled"], code="throttled", params={"minutes": throttle.lock_minutes()}
        )


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"] = _org_unit_field(required=False)
        if self.instance and self.instance.pk:
            self.fields["org_unit"].initial = self.instance.org_unit_id
        for name in ("first_name", "last_name"):
            self.fields.pop(name, None)

    def clean_mobile(self):
        return self.cleaned_data.get("mobile") or None


class StaffCreationForm(StaffFieldsMixin, UserCreationForm):
    """New accounts made by an admin must choose their own password at first sign-in."""

    class Meta(UserCreationForm.Meta):
        model = User
        fields = UserCreationForm.Meta.fields | {"name", "mobile", "org_unit", "position"}

    def save(self, commit=True):
        self.instance.must_change_password = True
        return super().save(commit=commit)


class StaffEditForm(StaffFieldsMixin, UserEditForm):
    class Meta(UserEditForm.Meta):
        model = User
        fields = UserEditForm.Meta.fields | {"name", "mobile", "org_unit", "position", "must_change_password"}


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

"""The user listing's bulk actions that change people, through accounts.services.

"Set role" replaces Wagtail's "assign role", which adds any group to anyone: here the choices are the
roles the viewer may give, each person gets exactly that role through ``accounts.services.user_role_set``
(the same checks, audit log and cache drop as the edit form), and nobody can pick themselves.

"Set active state" replaces Wagtail's own, a bare ``queryset.update()``, with
``accounts.services.users_active_set``: the same one statement, plus the cache drop and the
announcement that the people were placed (deactivated staff leave their course assignments).

Which people may be selected at all is the user permission policy's answer (core.rights loads them
through it).
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.users.views.bulk_actions.set_active_state import (
    SetActiveStateBulkAction as WagtailSetActiveStateBulkAction,
)
from wagtail.users.views.bulk_actions.user_bulk_action import UserBulkAction

from accounts import services
from accounts.forms import OrgUnitChoiceField
from accounts.models import OrgUnit
from accounts.rights import Role, grantable_roles, manageable_units, may_manage


class RoleBulkForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, widget=forms.RadioSelect)
    managed_unit = OrgUnitChoiceField(
        queryset=OrgUnit.objects.none(),
        label=_("Unit managed"),
        required=False,
        help_text=_("For a training manager: they see and act on this unit and everything below it only."),
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(role.value, role.label) for role in grantable_roles(actor)]
        self.fields["managed_unit"].queryset = manageable_units(actor).order_by("path")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") == Role.MANAGER and not cleaned.get("managed_unit"):
            self.add_error("managed_unit", _("Choose the unit this training manager manages."))
        return cleaned


class SetRoleBulkAction(UserBulkAction):
    display_name = _("Set role")
    action_type = "assign_role"  # Wagtail's "assign role" is replaced, at its URL
    aria_label = _("Set the role of the selected users")
    template_name = "wagtailusers/bulk_actions/confirm_bulk_assign_role.html"
    action_priority = 30
    form_class = RoleBulkForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "actor": self.request.user}

    def check_perm(self, obj):
        user = self.request.user
        return obj.pk != user.pk and bool(grantable_roles(user)) and may_manage(user, obj)

    def get_execution_context(self):
        data = self.cleaned_form.cleaned_data
        return {"role": data["role"], "managed_unit": data.get("managed_unit"), "actor": self.request.user}

    @classmethod
    def execute_action(cls, objects, role=None, managed_unit=None, actor=None, **kwargs):
        for user in objects:
            services.user_role_set(user=user, role=role, managed_unit=managed_unit, actor=actor)
        return len(objects), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d person is now: %(role)s",
            "%(count)d people are now: %(role)s",
            num_parent_objects,
        ) % {"count": num_parent_objects, "role": Role(self.cleaned_form.cleaned_data["role"]).label}


class SetActiveStateBulkAction(WagtailSetActiveStateBulkAction):
    """Wagtail's "set active state" (same URL, form and messages), written by the accounts service."""

    @classmethod
    def execute_action(cls, objects, mark_as_active=False, user=None, **kwargs):
        return services.users_active_set(users=objects, active=mark_as_active, actor=user), 0

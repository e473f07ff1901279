"""Wagtail hooks of the accounts app: only registration. The screens live in viewsets.py,
bulk_actions.py and invitation_admin.py."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet

from accounts import (
    invitations,
    staff_import_hooks,  # noqa: F401  (registers the staff import)
)
from accounts.bulk_actions import SetActiveStateBulkAction, SetRoleBulkAction
from accounts.invitation_admin import InvitationViewSet
from accounts.rights import Role
from accounts.services import PASSWORD_RESET_LOG_ACTION, ROLE_LOG_ACTION
from accounts.viewsets import OrgUnitViewSet, PositionViewSet


@hooks.register("register_admin_viewset")
def register_org_unit_viewset():
    return OrgUnitViewSet("org_units")


@hooks.register("register_admin_viewset")
def register_invitation_viewset():
    return InvitationViewSet("invitations")


@hooks.register("register_admin_menu_item")
def register_join_requests_menu_item():
    from django.urls import reverse
    from wagtail.admin.menu import MenuItem

    class JoinRequestsMenuItem(MenuItem):
        def is_shown(self, request):
            return request.user.has_perm("accounts.change_invitation")

    return JoinRequestsMenuItem(
        _("Join requests"), reverse("invitations:approvals"), icon_name="user", order=261
    )


register_snippet(PositionViewSet)

# The hook's value is the action class itself (defined in bulk_actions.py), so it is registered by a call,
# as Wagtail registers its own bulk actions. Later than Wagtail's own (order 0): the registry keeps the
# last class for an action name, so these replace Wagtail's "assign role" and "set active state".
hooks.register("register_bulk_action", SetRoleBulkAction, order=100)
hooks.register("register_bulk_action", SetActiveStateBulkAction, order=100)


@hooks.register("register_log_actions")
def register_role_log_action(actions):
    @actions.register_action(ROLE_LOG_ACTION)
    class RoleFormatter(LogFormatter):
        label = _("Change role")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            labels = {role.value: role.label for role in Role}
            message = _("Role changed from %(before)s to %(after)s") % {
                "before": labels.get(data.get("from"), data.get("from", "")),
                "after": labels.get(data.get("to"), data.get("to", "")),
            }
            if data.get("unit"):
                message += _(" (manages %(unit)s)") % {"unit": data["unit"]}
            return message


@hooks.register("register_log_actions")
def register_invitation_log_actions(actions):
    def named(message):
        class Formatter(LogFormatter):
            label = message

            def format_message(self, log_entry):
                data = log_entry.data or {}
                return f"{self.label}: {data.get('name', '')} {data.get('mobile', '')}".strip()

        return Formatter

    actions.register_action(invitations.JOIN_LOG_ACTION)(named(_("Joined by invitation")))
    actions.register_action(invitations.JOIN_REQUEST_LOG_ACTION)(named(_("Asked to join")))
    actions.register_action(invitations.JOIN_APPROVE_LOG_ACTION)(named(_("Join approved")))
    actions.register_action(invitations.JOIN_REJECT_LOG_ACTION)(named(_("Join rejected")))
    actions.register_action(
        invitations.DEACTIVATE_LOG_ACTION, _("Deactivate invitation"), _("Invitation deactivated")
    )


@hooks.register("register_log_actions")
def register_password_reset_log_action(actions):
    actions.register_action(
        PASSWORD_RESET_LOG_ACTION,
        _("Reset password"),
        _("Password reset by the person with a code texted to their mobile number"),
    )

from wagtail import hooks
from wagtail.snippets.models import register_snippet

from accounts import staff_import_hooks  # noqa: F401  (registers the staff import)
from accounts.bulk_actions import SetRoleBulkAction
from accounts.viewsets import OrgUnitViewSet, PositionViewSet


@hooks.register("register_admin_viewset")
def register_org_unit_viewset():
    return OrgUnitViewSet("org_units")


register_snippet(PositionViewSet)

# Later than Wagtail's own (order 0): the registry keeps the last class for an action name.
hooks.register("register_bulk_action", SetRoleBulkAction, order=100)


@hooks.register("register_log_actions")
def register_role_log_action(actions):
    from django.utils.translation import gettext_lazy as _
    from wagtail.log_actions import LogFormatter

    from accounts.rights import Role
    from accounts.services import ROLE_LOG_ACTION

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


@hooks.register("after_bulk_action")
def forget_users_after_bulk_activation(request, action_type, objects, action_class_instance):
    """Wagtail's bulk "mark as active/inactive" is a queryset update: drop the cached users it changed,
    once committed, so that a deactivated person is signed out at their next click, as with a save."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from accounts.backends import forget_cached_users

    if action_type == "set_active_state" and objects and isinstance(objects[0], get_user_model()):
        ids = [user.pk for user in objects]
        transaction.on_commit(lambda: forget_cached_users(ids))

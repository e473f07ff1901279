from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter

from assignments import services
from assignments.viewsets import AssignmentViewSet


@hooks.register("register_admin_viewset")
def register_assignment_viewset():
    return AssignmentViewSet("assignments")


@hooks.register("after_bulk_action")
def refresh_assignments_after_bulk_activation(request, action_type, objects, action_class_instance):
    """Wagtail's bulk "mark as active/inactive" on users is a queryset update: no post_save, so the
    people it changes are re-matched here (deactivated staff leave their assignments)."""
    from django.contrib.auth import get_user_model

    if action_type == "set_active_state" and objects and isinstance(objects[0], get_user_model()):
        services.learners_assignments_refresh_on_commit([user.pk for user in objects])


class _AssignmentLogFormatter(LogFormatter):
    message_text = ""

    def format_message(self, log_entry):
        data = log_entry.data or {}
        return self.message_text % {
            "course": data.get("course_title", ""),
            "units": "、".join(data.get("units") or []) or _("whole organisation"),
            "count": data.get("covered", 0),
        }


@hooks.register("register_log_actions")
def register_assignment_log_actions(actions):
    @actions.register_action(services.ASSIGN_LOG_ACTION)
    class AssignFormatter(_AssignmentLogFormatter):
        label = _("Assign course")
        message_text = _("Assigned “%(course)s” to %(units)s (%(count)s people)")

    @actions.register_action(services.CHANGE_LOG_ACTION)
    class ChangeFormatter(_AssignmentLogFormatter):
        label = _("Change assignment")
        message_text = _("Changed the assignment of “%(course)s” to %(units)s (%(count)s people)")

    @actions.register_action(services.END_LOG_ACTION)
    class EndFormatter(_AssignmentLogFormatter):
        label = _("End assignment")
        message_text = _("Ended the assignment of “%(course)s” to %(units)s (%(count)s people)")

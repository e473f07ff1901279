"""Wagtail hooks of the assignments app: only registration. The screens live in viewsets.py and views.py."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter

from accounts.services import PEOPLE_PLACED_HOOK
from assignments import services
from assignments.viewsets import AssignmentViewSet


@hooks.register("register_admin_viewset")
def register_assignment_viewset():
    return AssignmentViewSet("assignments")


@hooks.register(PEOPLE_PLACED_HOOK)
def refresh_assignments_of_placed_people(user_ids):
    """People created, moved or (de)activated by an accounts service (admin forms, staff import, bulk
    activation, a unit moved): re-matched against the assignments once the transaction commits, every
    announcement of one transaction in one batch."""
    services.learners_assignments_refresh_on_commit(user_ids)


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

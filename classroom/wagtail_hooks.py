"""Wagtail hooks of the classroom app: only registration. The screens live in viewsets.py and views.py."""

from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter

from classroom import services
from classroom.models import RefusedCheckIn
from classroom.selectors import attendance_of, hours_of, upcoming_sessions_for
from progress.views import MY_LEARNING_SECTIONS_HOOK


@hooks.register("register_admin_viewset")
def register_session_viewset():
    from classroom.viewsets import TrainingSessionViewSet

    return TrainingSessionViewSet("classroom_sessions")


@hooks.register(MY_LEARNING_SECTIONS_HOOK)
def my_learning_sessions(request):
    """My learning: the in-person sessions the learner is invited to, and their study hours this year."""
    return render_to_string(
        "classroom/_my_learning.html",
        {"sessions": upcoming_sessions_for(request.user), "hours": hours_of(request.user)},
        request=request,
    )


@hooks.register("register_personal_data")
def personal_data_sessions(user):
    return {
        "session_attendance": [
            {
                "session": attendance.session.title,
                "place": attendance.session.place,
                "starts_at": attendance.session.starts_at,
                "checked_in_at": attendance.checked_in_at,
                "method": attendance.get_method_display(),
                "hours": str(attendance.session.hours),
            }
            for attendance in attendance_of(user)
        ],
        "session_check_ins_refused": [
            {"session": refusal.session.title, "tried_at": refusal.tried_at}
            for refusal in RefusedCheckIn.objects.filter(learner=user).select_related("session")
        ],
    }


class _SessionLogFormatter(LogFormatter):
    message_text = ""

    def format_message(self, log_entry):
        data = log_entry.data or {}
        return self.message_text % {
            "title": data.get("title", ""),
            "name": data.get("name", ""),
            "count": data.get("attended", 0),
        }


@hooks.register("register_log_actions")
def register_session_log_actions(actions):
    @actions.register_action(services.CREATE_LOG_ACTION)
    class CreateFormatter(_SessionLogFormatter):
        label = _("Plan in-person session")
        message_text = _("Planned the in-person session “%(title)s”")

    @actions.register_action(services.CHANGE_LOG_ACTION)
    class ChangeFormatter(_SessionLogFormatter):
        label = _("Change in-person session")
        message_text = _("Changed the in-person session “%(title)s”")

    @actions.register_action(services.CLOSE_LOG_ACTION)
    class CloseFormatter(_SessionLogFormatter):
        label = _("Close in-person session")
        message_text = _("Closed the in-person session “%(title)s” (%(count)s attended)")

    @actions.register_action(services.CHECK_IN_LOG_ACTION)
    class CheckInFormatter(_SessionLogFormatter):
        label = _("Check-in")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            return gettext("%(name)s checked in") % {"name": data.get("name", "")}

    @actions.register_action(services.PHOTO_LOG_ACTION)
    class PhotoFormatter(_SessionLogFormatter):
        label = _("Add session photo")
        message_text = _("Added a photo to the in-person session “%(title)s”")

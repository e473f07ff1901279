"""Wagtail hooks of the notifications app: only registration."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from assignments.services import COURSE_ASSIGNED_HOOK
from classroom.services import SESSION_PLANNED_HOOK
from notifications import admin_urls, services
from notifications.admin_views import user_can_see_failed_deliveries
from notifications.personal_data import notification_personal_data
from progress.services import COURSE_COMPLETED_HOOK
from quizzes.marking import ATTEMPT_MARKED_HOOK


@hooks.register("register_personal_data")
def add_notifications_to_personal_data(user):
    """A section of the person's own data download (progress.exports)."""
    return notification_personal_data(user)


@hooks.register(COURSE_COMPLETED_HOOK)
def tell_the_learner_their_course_is_complete(completion):
    """「你已完成《…》」 in the learner's notifications, however the completion was recorded."""
    services.notification_course_completed_on_commit(completion=completion)


@hooks.register(ATTEMPT_MARKED_HOOK)
def tell_the_learner_their_quiz_is_marked(attempt):
    """「你的测验「…」已批改：得分 …」 in the learner's notifications, once the marks commit."""
    services.notification_quiz_marked_on_commit(attempt=attempt)


@hooks.register(COURSE_ASSIGNED_HOOK)
def tell_people_of_their_new_course(assignment_id, learner_ids):
    """「你有一门新课程：《…》，请在 12月20日前完成」 in the app and the channels they use, once each."""
    services.notifications_course_assigned_on_commit(assignment_id=assignment_id, learner_ids=learner_ids)


@hooks.register(SESSION_PLANNED_HOOK)
def invite_people_to_a_session(session_id, moved):
    """「你受邀参加线下培训…」 (or its change of time or place) in the app and the channels they use."""
    services.notifications_session_planned_on_commit(session_id=session_id, moved=moved)


@hooks.register("register_admin_urls")
def register_failed_deliveries_report():
    return [path("messages-not-sent/", include(admin_urls, namespace="notifications_admin"))]


class FailedDeliveriesMenuItem(MenuItem):
    def is_shown(self, request):
        return user_can_see_failed_deliveries(request.user)


@hooks.register("register_settings_menu_item")
def register_failed_deliveries_menu_item():
    return FailedDeliveriesMenuItem(
        _("Messages not sent"),
        reverse("notifications_admin:failed_deliveries"),
        name="messages-not-sent",
        icon_name="warning",
        order=900,
    )

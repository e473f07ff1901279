"""Wagtail hooks of the notifications app: only registration."""

from wagtail import hooks

from notifications import services
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

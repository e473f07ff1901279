"""Wagtail hooks of the xapi app: only registration. Each learning event the services announce becomes
statements in the outbox (xapi.events); the administrators' page is xapi.admin_views."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from certificates.services import CERTIFICATE_ISSUED_HOOK
from classroom.services import SESSION_ATTENDED_HOOK
from progress.services import COURSE_COMPLETED_HOOK, ITEM_SEEN_HOOK, ITEMS_COMPLETED_HOOK
from quizzes.services import QUIZ_RESULT_HOOK
from xapi import admin_urls, events
from xapi.admin_views import user_can_manage_statements
from xapi.personal_data import xapi_personal_data


@hooks.register(ITEM_SEEN_HOOK)
def lesson_experienced(*, learner, item, course):
    events.item_seen(learner=learner, item=item, course=course)


@hooks.register(ITEMS_COMPLETED_HOOK)
def items_completed(*, learner, course, item_ids):
    events.items_completed(learner=learner, course=course, item_ids=item_ids)


@hooks.register(QUIZ_RESULT_HOOK)
def quiz_result(attempt):
    events.quiz_result(attempt)


@hooks.register(COURSE_COMPLETED_HOOK)
def course_completed(completion):
    events.course_completed(completion)


@hooks.register(SESSION_ATTENDED_HOOK)
def session_attended(*, attendance):
    events.session_attended(attendance)


@hooks.register(CERTIFICATE_ISSUED_HOOK)
def certificate_issued(certificate):
    events.certificate_issued(certificate)


@hooks.register("register_admin_urls")
def register_xapi_admin():
    return [path("learning-records/", include(admin_urls, namespace="xapi_admin"))]


class LearningRecordsMenuItem(MenuItem):
    def is_shown(self, request):
        return user_can_manage_statements(request.user)


@hooks.register("register_settings_menu_item")
def register_learning_records_menu_item():
    return LearningRecordsMenuItem(
        _("Learning records (xAPI)"),
        reverse("xapi_admin:index"),
        name="learning-records",
        icon_name="code",
        order=910,
    )


@hooks.register("register_personal_data")
def add_xapi_statements_to_personal_data(user):
    """A section of the person's own data download (progress.exports)."""
    return xapi_personal_data(user)

"""Wagtail hooks of the AI helpers: registration only."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button

from assistant import admin_urls, personal_data, selectors, services, trainer_views
from assistant.access import config_for
from assistant.admin_views import UsageViewSet
from assistant.conf import ASK, QUESTION_DRAFTS, READABILITY, SIMPLIFY
from courses.models import ITEM_CONTEXT_HOOK, LessonPage


@hooks.register(ITEM_CONTEXT_HOOK)
def add_learner_helpers_to_lesson(request, page, context):
    """The lesson page's 「AI 助手」 button, for a signed-in person, when a learner helper is on."""
    if not isinstance(page, LessonPage) or not request.user.is_authenticated:
        return
    if getattr(request, "is_preview", False):
        return
    settings_now = config_for(request.user, request)
    simplify, ask = settings_now.is_on(SIMPLIFY), settings_now.is_on(ASK)
    if not (simplify or ask):
        return
    accepted = selectors.policy_accepted(request.user)
    context["ai_helpers"] = {"simplify": simplify, "ask": ask, "policy_accepted": accepted}
    if context.get("page_cache_key"):
        context["page_cache_key"] = (*context["page_cache_key"], "ai", simplify, ask, accepted)


@hooks.register("register_admin_viewset")
def register_usage_viewset():
    return UsageViewSet("assistant_usage")


@hooks.register("register_personal_data")
def add_ai_helper_use_to_personal_data(user):
    """A section of the person's own data download (progress.exports)."""
    return personal_data.assistant_personal_data(user)


@hooks.register("register_log_actions")
def register_assistant_log_actions(actions):
    actions.register_action(services.CALL_LOG_ACTION, _("AI helper call"), _("Used an AI helper"))
    actions.register_action(
        services.POLICY_LOG_ACTION, _("Accept AI helpers rules"), _("Accepted the AI helpers' rules")
    )
    actions.register_action(
        services.QUESTION_DRAFTS_LOG_ACTION, _("AI question draft"), _("Question drafted by an AI helper")
    )
    actions.register_action(
        services.ALT_TEXT_LOG_ACTION, _("AI alt text"), _("Alt text from an AI helper accepted")
    )


@hooks.register("register_admin_urls")
def register_trainer_helper_urls():
    return [path("ai/", include(admin_urls, namespace="assistant_admin"))]


@hooks.register("register_page_header_buttons")
def lesson_helper_buttons(page, user, next_url=None, view_name=None):
    """「生成题目草稿」 and 「检查易读性」 in a lesson's editor header, when those helpers are on."""
    if view_name != "edit" or not trainer_views.page_is_lesson(page):
        return []
    settings_now = config_for(user)
    buttons = []
    if settings_now.is_on(QUESTION_DRAFTS):
        buttons.append(
            Button(
                _("Draft questions"),
                reverse("assistant_admin:question_drafts", args=[page.pk]),
                icon_name="help",
                priority=60,
            )
        )
    if settings_now.is_on(READABILITY):
        buttons.append(
            Button(
                _("Check readability"),
                reverse("assistant_admin:readability", args=[page.pk]),
                icon_name="doc-full",
                priority=61,
            )
        )
    return buttons

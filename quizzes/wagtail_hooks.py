"""Wagtail hooks of the quizzes app: only registration. The screens live in viewsets.py (question bank),
admin_views.py (import, export, statistics) and views.py (taking a quiz)."""

from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet

from core import content_cache
from courses.models import COURSE_CONTEXT_HOOK
from quizzes import admin_urls, marking_urls
from quizzes.admin_views import user_can_import_questions, user_can_see_question_bank
from quizzes.importing import IMPORT_LOG_ACTION
from quizzes.marking import user_can_mark
from quizzes.models import QUIZ_CONTEXT_HOOK, QuestionCategory
from quizzes.personal_data import quiz_personal_data
from quizzes.selectors import quiz_state
from quizzes.testout import course_test_out_offers
from quizzes.viewsets import QuestionCategoryViewSet, QuestionViewSet

register_snippet(QuestionViewSet)
register_snippet(QuestionCategoryViewSet)


@hooks.register("insert_editor_js")
def question_form_js():
    return format_html('<script src="{}" defer></script>', static("quizzes/question-form.js"))


# -- question import, export and statistics (admin_views.py) -----------------------------------------


@hooks.register("register_log_actions")
def register_question_import_log_action(actions):
    actions.register_action(IMPORT_LOG_ACTION, _("Import"), _("Imported from a file"))


@hooks.register("register_admin_urls")
def register_question_tool_urls():
    return [path("question-bank/", include(admin_urls, namespace="quizzes_admin"))]


class QuestionToolMenuItem(MenuItem):
    def __init__(self, *args, permission_test, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission_test = permission_test

    def is_shown(self, request):
        return self.permission_test(request.user)


@hooks.register("register_admin_menu_item")
def register_question_tools_menu():
    tools = Menu(
        items=[
            QuestionToolMenuItem(
                _("Import questions"),
                reverse("quizzes_admin:import"),
                name="question-import",
                icon_name="upload",
                order=1,
                permission_test=user_can_import_questions,
            ),
            QuestionToolMenuItem(
                _("Question statistics"),
                reverse("quizzes_admin:statistics"),
                name="question-statistics",
                icon_name="table",
                order=2,
                permission_test=user_can_see_question_bank,
            ),
        ]
    )
    # Right below "Question bank" (menu_order 210); hidden when the user may use neither tool.
    return SubmenuMenuItem(_("Question tools"), tools, name="question-tools", icon_name="tasks", order=211)


# -- marking written answers (marking_views.py) -------------------------------------------------------


@hooks.register("register_admin_urls")
def register_marking_urls():
    return [path("marking/", include(marking_urls, namespace="quizzes_marking"))]


@hooks.register("register_admin_menu_item")
def register_marking_menu():
    return QuestionToolMenuItem(
        _("Awaiting marking"),
        reverse("quizzes_marking:queue"),
        name="marking",
        icon_name="edit",
        order=212,
        permission_test=user_can_mark,
    )


@hooks.register("register_snippet_listing_buttons")
def question_category_export_button(snippet, user, next_url=None):
    if isinstance(snippet, QuestionCategory) and user_can_see_question_bank(user):
        yield Button(
            _("Export to GIFT"),
            reverse("quizzes_admin:category_export_gift", args=[snippet.pk]),
            icon_name="download",
            priority=60,
        )
        yield Button(
            _("Export to Moodle XML"),
            reverse("quizzes_admin:category_export_moodlexml", args=[snippet.pk]),
            icon_name="download",
            priority=61,
        )


# -- the learner's side ---------------------------------------------------------------------------


@hooks.register(QUIZ_CONTEXT_HOOK)
def add_quiz_state(request, page, context):
    """The learner's attempts on the quiz page (not in previews), and how many questions it asks."""
    if request.user.is_authenticated and not getattr(request, "is_preview", False):
        context["quiz_state"] = quiz_state(learner=request.user, quiz=page)
    context["question_count"] = sum(
        1 if block.block_type == "question" else block.value["count"] for block in page.questions
    )


@hooks.register(COURSE_CONTEXT_HOOK, order=10)  # after progress has added the learner's state
def add_test_out_offers(request, page, context):
    """The course's test-outs, offered first on the course page: "already know this? pass a short quiz
    and skip N lessons". Not once the learner passed it, nor when every lesson it covers is done."""

    def build():
        offers = course_test_out_offers(page)
        for offer in offers:
            offer.url = offer.quiz.get_url(request)
        return offers

    if getattr(request, "is_preview", False):
        offers = build()
    else:
        offers = content_cache.get_or_build(("course-test-outs", page.pk), build, request)
    state = context.get("learner_state")
    if state is not None:
        if state.completion is not None:
            return
        done = {row.item.pk for row in state.rows if row.done}
        offers = [
            offer
            for offer in offers
            if offer.quiz.pk not in done and any(lesson.pk not in done for lesson in offer.lessons)
        ]
    context["test_outs"] = offers


@hooks.register("register_personal_data")
def add_quiz_history_to_personal_data(user):
    """A section of the person's own data download (progress.exports)."""
    return quiz_personal_data(user)

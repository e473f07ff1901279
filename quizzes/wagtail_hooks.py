import django_filters
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import LiveStatusTagColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from quizzes.models import KIND_CHOICES, Question, QuestionCategory
from quizzes.personal_data import quiz_personal_data


class QuestionFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(label=_("question type"), choices=KIND_CHOICES)
    category = django_filters.ModelChoiceFilter(label=_("category"), queryset=QuestionCategory.objects.all())

    class Meta:
        model = Question
        fields = ["kind", "category", "live"]


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    menu_label = _("Question bank")
    menu_order = 210
    add_to_admin_menu = True
    # A bare "live" printed True/False; the status tag says 已发布/草稿 like the rest of the admin.
    list_display = ["__str__", "kind", "category", LiveStatusTagColumn(label=_("Status"))]
    list_per_page = 50
    filterset_class = QuestionFilterSet
    search_fields = ["text", "title"]


class QuestionCategoryViewSet(SnippetViewSet):
    model = QuestionCategory
    icon = "folder-open-inverse"
    menu_label = _("Question categories")
    list_display = ["name", "description"]
    search_fields = ["name"]


register_snippet(QuestionViewSet)
register_snippet(QuestionCategoryViewSet)


@hooks.register("insert_editor_js")
def question_form_js():
    return format_html('<script src="{}" defer></script>', static("quizzes/question-form.js"))


# -- question import, export and statistics (quizzes/admin_views.py) ---------------------------------
# Imports are local so that this block only adds to the module.


@hooks.register("register_log_actions")
def register_question_import_log_action(actions):
    from quizzes.importing import IMPORT_LOG_ACTION

    actions.register_action(IMPORT_LOG_ACTION, _("Import"), _("Imported from a file"))


@hooks.register("register_admin_urls")
def register_question_tool_urls():
    from django.urls import include, path

    from quizzes import admin_urls

    return [path("question-bank/", include(admin_urls, namespace="quizzes_admin"))]


@hooks.register("register_admin_menu_item")
def register_question_tools_menu():
    from django.urls import reverse
    from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

    from quizzes.admin_views import user_can_import_questions, user_can_see_question_bank

    class QuestionToolMenuItem(MenuItem):
        def __init__(self, *args, permission_test, **kwargs):
            super().__init__(*args, **kwargs)
            self.permission_test = permission_test

        def is_shown(self, request):
            return self.permission_test(request.user)

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


@hooks.register("register_snippet_listing_buttons")
def question_category_export_button(snippet, user, next_url=None):
    from django.urls import reverse
    from wagtail.admin.widgets import Button

    from quizzes.admin_views import user_can_see_question_bank

    if isinstance(snippet, QuestionCategory) and user_can_see_question_bank(user):
        yield Button(
            _("Export to GIFT"),
            reverse("quizzes_admin:category_export_gift", args=[snippet.pk]),
            icon_name="download",
            priority=60,
        )


# A section of the person's own data download (progress.exports).
hooks.register("register_personal_data", quiz_personal_data)

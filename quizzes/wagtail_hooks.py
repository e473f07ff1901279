from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet
import django_filters

from quizzes.models import KIND_CHOICES, Question, QuestionCategory


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
    list_display = ["__str__", "kind", "category", "live"]
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

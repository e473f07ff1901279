"""The question bank in the Wagtail admin: questions and their categories as snippets (drafts,
revisions, locking come with Wagtail's snippet views)."""

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import LiveStatusTagColumn
from wagtail.snippets.views.snippets import SnippetViewSet

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

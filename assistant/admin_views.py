"""The AI helpers in the Wagtail admin: the usage log (site administrators) and the trainers' helpers."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.model import ModelViewSet

from assistant.models import AssistantUsage, Helper


class UsageFilterSet(WagtailFilterSet):
    helper = django_filters.ChoiceFilter(label=_("helper"), choices=Helper.choices)
    outcome = django_filters.ChoiceFilter(label=_("outcome"), choices=AssistantUsage.Outcome.choices)
    created_at = django_filters.DateFromToRangeFilter(label=_("time"), widget=DateRangePickerWidget)

    class Meta:
        model = AssistantUsage
        fields = ["helper", "outcome", "created_at"]


class UsageViewSet(ModelViewSet):
    """「AI 助手使用记录」: who used which helper when, tokens, time and outcome — never the words unless
    AI_AUDIT_TEXT is on. Read-only; only site administrators hold its permissions."""

    model = AssistantUsage
    icon = "history"
    menu_label = _("AI helpers usage log")
    menu_order = 650
    add_to_settings_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    list_per_page = 50
    filterset_class = UsageFilterSet
    list_display = [
        DateColumn("created_at", label=_("time")),
        Column("user", label=_("person")),
        Column("helper", label=_("helper"), accessor="get_helper_display"),
        Column("page", label=_("page")),
        Column("tokens_in", label=_("tokens in")),
        Column("tokens_out", label=_("tokens out")),
        Column("duration_ms", label=_("duration (ms)")),
        Column("outcome", label=_("outcome"), accessor="get_outcome_display"),
    ]
    inspect_view_fields = [
        "created_at",
        "user",
        "helper",
        "page",
        "model_name",
        "tokens_in",
        "tokens_out",
        "duration_ms",
        "outcome",
        "question_text",
        "answer_text",
    ]

    form_fields: list[str] = []  # never edited: the add, edit and delete screens are not served

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            **{"add_url_name": None, "edit_url_name": None, "delete_url_name": None, **kwargs}
        )

    def get_urlpatterns(self):
        kept = {"index", "index_results", "inspect", "history", "history_results"}
        return [pattern for pattern in super().get_urlpatterns() if pattern.name in kept]

    def get_queryset(self, request):
        return AssistantUsage.objects.select_related("user", "page")

"""Admin screens for the question bank: import (upload → preview → confirm, core.staged_import's
pipeline run by quizzes.importing.QUESTION_IMPORT), import templates, GIFT export of a category, and
per-question answer statistics.

Every view checks its own permission (the menu only hides links) and answers 403 when it is missing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import django_filters
from django import forms
from django.db.models import Count, F, FloatField, Max, Q, QuerySet, Window
from django.db.models.functions import Cast, RowNumber
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.permissions import policy_registry

from accounts.scope import scope_for
from core import rights
from core.percent import format_percent, percent_value
from core.staged_import_views import (
    XLSX_CONTENT_TYPE,
    StagedImportForm,
    StagedImportPreviewView,
    StagedImportUploadView,
    attachment,
)
from quizzes import importing
from quizzes.formats import spreadsheet
from quizzes.importing import QUESTION_IMPORT
from quizzes.kinds import REGISTRY, question_type
from quizzes.models import AttemptAnswer, Question, QuestionCategory, QuizAttempt, QuizPage
from quizzes.questiondata import QuestionData

BANK_LISTING_URL_NAME = "wagtailsnippets_quizzes_question:list"

# -- permissions -----------------------------------------------------------------------------------


def _policy():
    return policy_registry.get_by_type(Question)


def user_can_import_questions(user) -> bool:
    # An import publishes what it creates, so it needs what "create and publish" needs in the editor.
    policy = _policy()
    return policy.user_has_permission(user, "add") and policy.user_has_permission(user, "publish")


def user_can_see_question_bank(user) -> bool:
    return _policy().user_has_any_permission(user, ["view", "change"])


def forbidden(request) -> TemplateResponse:
    return rights.forbidden(
        request,
        gettext(
            "You do not have permission to use this part of the question bank. Ask an administrator if you "
            "need it."
        ),
    )


class QuestionBankPermissionMixin:
    """`permission_test(user) -> bool` decides; the view itself answers 403 when it says no."""

    permission_test = staticmethod(user_can_see_question_bank)

    def dispatch(self, request, *args, **kwargs):
        if not type(self).permission_test(request.user):
            return forbidden(request)
        return super().dispatch(request, *args, **kwargs)


# -- import: upload --------------------------------------------------------------------------------

FORMAT_CHOICES = [
    (importing.FORMAT_AUTO, _("Detect from the file")),
    (importing.FORMAT_GIFT, _("GIFT (Moodle)")),
    (importing.FORMAT_AIKEN, _("Aiken")),
    (importing.FORMAT_SPREADSHEET, _("Spreadsheet (CSV or Excel .xlsx)")),
    (importing.FORMAT_MOODLE_XML, _("Moodle XML")),
]


class QuestionImportForm(StagedImportForm):
    accepted_extensions = importing.ACCEPTED_EXTENSIONS
    help_text = _(
        "GIFT or Aiken (.gift, .txt), Moodle XML (.xml), or a spreadsheet from our template (.csv, .xlsx). "
        "Up to 2 MB."
    )

    file_format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES, initial=importing.FORMAT_AUTO)
    default_category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=QuestionCategory.objects.all(),
        required=False,
        empty_label=_("No category"),
        help_text=_("For questions whose file gives no category ($CATEGORY in GIFT, the 分类 column)."),
    )

    def extension_allowed(self, extension, cleaned_data):
        # A format chosen by hand reads any file name; detecting it needs a known extension.
        return cleaned_data.get("file_format") != importing.FORMAT_AUTO or super().extension_allowed(
            extension, cleaned_data
        )

    def upload_options(self):
        file_format = self.cleaned_data["file_format"]
        if file_format == importing.FORMAT_AUTO:
            file_format = importing.import_format_detect(self.cleaned_data["file"].name, self.raw)
        category = self.cleaned_data["default_category"]
        return {"file_format": file_format, "default_category_id": category.pk if category else None}


class QuestionImportView(QuestionBankPermissionMixin, StagedImportUploadView):
    permission_test = staticmethod(user_can_import_questions)
    kind = QUESTION_IMPORT
    form_class = QuestionImportForm
    preview_url_name = "quizzes_admin:import_preview"
    template_name = "quizzes/admin/import.html"
    page_title = _("Import questions")

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(BANK_LISTING_URL_NAME), "label": gettext("Question bank")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            max_megabytes=importing.MAX_BYTES // (1024 * 1024),
            max_questions=importing.MAX_IMPORT_QUESTIONS,
            template_csv_url=reverse("quizzes_admin:import_template", args=["csv"]),
            template_xlsx_url=reverse("quizzes_admin:import_template", args=["xlsx"]),
        )
        return context


# -- import: preview and confirm -------------------------------------------------------------------


class QuestionImportPreviewView(QuestionBankPermissionMixin, StagedImportPreviewView):
    """GET shows a page of what the staged upload will import; POST imports it, all or nothing, once."""

    permission_test = staticmethod(user_can_import_questions)
    kind = QUESTION_IMPORT
    upload_url_name = "quizzes_admin:import"
    template_name = "quizzes/admin/import_preview.html"
    page_title = _("Import questions")
    page_subtitle = _("Check before importing")

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(BANK_LISTING_URL_NAME), "label": gettext("Question bank")},
            {"url": reverse("quizzes_admin:import"), "label": gettext("Import questions")},
            {"url": "", "label": gettext("Check before importing")},
        ]

    def preview_context(self, staged):
        return {
            "format_label": dict(FORMAT_CHOICES).get(
                staged.options["file_format"], staged.options["file_format"]
            ),
            "max_questions": importing.MAX_IMPORT_QUESTIONS,
        }

    def confirmed(self, token, created):
        messages.success(
            self.request,
            ngettext(
                "%(count)s question was imported and published.",
                "%(count)s questions were imported and published.",
                len(created),
            )
            % {"count": len(created)},
        )
        return redirect(BANK_LISTING_URL_NAME)

    def done_url(self, token):
        return reverse(BANK_LISTING_URL_NAME)


# -- templates and export --------------------------------------------------------------------------

TEMPLATE_FILES = {
    "csv": ("text/csv; charset=utf-8", spreadsheet.template_csv),
    "xlsx": (XLSX_CONTENT_TYPE, spreadsheet.template_xlsx),
}


class ImportTemplateView(QuestionBankPermissionMixin, View):
    permission_test = staticmethod(user_can_import_questions)

    def get(self, request, file_type):
        if file_type not in TEMPLATE_FILES:
            raise Http404
        content_type, build = TEMPLATE_FILES[file_type]
        response = HttpResponse(build(), content_type=content_type)
        return attachment(response, f"题目导入模板.{file_type}", f"question-import-template.{file_type}")


class CategoryExportGiftView(QuestionBankPermissionMixin, View):
    def get(self, request, pk):
        category = get_object_or_404(QuestionCategory, pk=pk)
        response = HttpResponse(
            importing.category_export_gift(category), content_type="text/plain; charset=utf-8"
        )
        name = category.name.replace("/", "-")
        return attachment(response, f"{name}.gift", f"question-category-{category.pk}.gift")


class CategoryExportMoodleXmlView(QuestionBankPermissionMixin, View):
    """The same questions as the GIFT export, as Moodle XML (same rights)."""

    def get(self, request, pk):
        category = get_object_or_404(QuestionCategory, pk=pk)
        response = HttpResponse(
            importing.category_export_moodlexml(category), content_type="application/xml; charset=utf-8"
        )
        name = category.name.replace("/", "-")
        return attachment(response, f"{name}.xml", f"question-category-{category.pk}.xml")


# -- statistics ------------------------------------------------------------------------------------

GRADED_STATES = (QuizAttempt.State.SUBMITTED, QuizAttempt.State.TIMED_OUT)
# Which kinds have a "most chosen wrong answer", and how it is found: their types say (quizzes.kinds).
CHOICE_KINDS = tuple(kind.value for kind, t in REGISTRY.items() if t.wrong_answer_statistics == "options")
KINDS_WITH_WRONG_ANSWER = tuple(kind.value for kind, t in REGISTRY.items() if t.wrong_answer_statistics)
NO_ANSWER = "—"
_CHUNK = 500


def _in_category(category: QuestionCategory) -> Q:
    return Q(category=category) | Q(category__name__startswith=category.name + "/")


def graded_answers(*, viewer) -> QuerySet[AttemptAnswer]:
    """Answers of submitted or timed-out attempts, by learners in the viewer's scope (accounts.scope,
    as in the training reports): a manager's subtree, the whole city for city admins and superusers.

    Question-bank users who manage no part of the tree (trainers, reviewers) write questions for the
    whole city and see the whole city's answers; anyone else sees none. The scope comes from the
    managed unit, never from where the viewer works (``org_unit``)."""
    # Attempts awaiting a trainer's marks are left out until they are marked.
    answers = AttemptAnswer.objects.filter(attempt__state__in=GRADED_STATES, attempt__awaiting_marking=False)
    scope = scope_for(viewer)
    if scope.nothing:
        return answers if user_can_see_question_bank(viewer) else answers.none()
    return answers.filter(scope.q("attempt__learner__org_unit"))


def question_statistics_rows(answers: QuerySet[AttemptAnswer]) -> QuerySet:
    """One row per question: times answered, times fully right and the percentage, aggregated in SQL."""
    return (
        answers.values("question_id")
        .annotate(answered=Count("pk"), correct_count=Count("pk", filter=Q(correct=True)))
        .annotate(correct_percent=Cast(F("correct_count"), FloatField()) * 100.0 / F("answered"))
    )


@dataclass(frozen=True)
class WrongAnswer:
    label: str
    times: int
    latest: int = 0  # the most recent answer behind it, for ties


def most_chosen_wrong_answers(
    answers: QuerySet[AttemptAnswer], question_ids: Iterable[int], *, choice_ids: Iterable[int] = ()
) -> dict[int, WrongAnswer]:
    """For each question, the wrong answer given most often (ties: the most recent), as text.

    A wrong answer is a response that scored less than full marks; for a choice question it is an
    *option* outside the correct set (see _most_chosen_wrong_options), so a right option ticked beside a
    wrong one is never reported. Texts come from the question as the learner saw it (the attempt's
    snapshot), so later edits do not relabel old answers.
    """
    choice_ids = set(choice_ids)
    ids = [pk for pk in question_ids if pk not in choice_ids]
    wrong = _most_chosen_wrong_options(answers, [pk for pk in question_ids if pk in choice_ids])
    top_by_question: dict[int, tuple[int, int]] = {}
    for start in range(0, len(ids), _CHUNK):
        grouped = (
            answers.filter(question_id__in=ids[start : start + _CHUNK], correct=False)
            .values("question_id", "response")
            .annotate(times=Count("pk"), sample=Max("pk"))
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[F("question_id")],
                    order_by=[F("times").desc(), F("sample").desc()],
                )
            )
            .filter(rank=1)
            .values_list("question_id", "times", "sample")
        )
        top_by_question.update({question_id: (times, sample) for question_id, times, sample in grouped})
    by_pk = _snapshots([sample for _times, sample in top_by_question.values()])
    for question_id, (times, sample) in top_by_question.items():
        row = by_pk.get(sample)
        if row is not None:
            wrong[question_id] = WrongAnswer(label=response_label(row), times=times)
    return wrong


def _snapshots(answer_pks: list[int]) -> dict[int, dict]:
    rows = AttemptAnswer.objects.filter(pk__in=answer_pks).values(
        "pk", "position", "response", "attempt__questions"
    )
    return {row["pk"]: row for row in rows}


def _snapshot_data(row: dict) -> QuestionData | None:
    try:
        return QuestionData.from_dict(row["attempt__questions"][row["position"]]["data"])
    except (IndexError, KeyError, TypeError, ValueError):
        return None


def _most_chosen_wrong_options(
    answers: QuerySet[AttemptAnswer], question_ids: list[int]
) -> dict[int, WrongAnswer]:
    """Choice questions: the option outside the correct set that was ticked most often.

    Responses are grouped in SQL (a question has few distinct responses); each group is read against
    one snapshot of the question it answered, and its wrong options are tallied by their text."""
    wrong: dict[int, WrongAnswer] = {}
    for start in range(0, len(question_ids), _CHUNK):
        groups = list(
            answers.filter(question_id__in=question_ids[start : start + _CHUNK], correct=False)
            .values("question_id", "response")
            .annotate(times=Count("pk"), sample=Max("pk"))
            .values_list("question_id", "response", "times", "sample")
        )
        by_pk = _snapshots([sample for *_rest, sample in groups])
        tally: dict[tuple[int, str], list[int]] = {}  # (question, option text) -> [times, latest answer]
        for question_id, response, times, sample in groups:
            data = _snapshot_data(by_pk[sample]) if sample in by_pk else None
            if data is None:
                continue
            chosen = response if isinstance(response, list) else [response]
            correct = data.correct_indexes()
            for index in chosen:
                if (
                    not isinstance(index, int)
                    or isinstance(index, bool)
                    or not 0 <= index < len(data.choices)
                ):
                    continue
                if index in correct:
                    continue
                entry = tally.setdefault((question_id, Truncator(data.choices[index].text).chars(60)), [0, 0])
                entry[0] += times
                entry[1] = max(entry[1], sample)
        for (question_id, label), (times, latest) in tally.items():
            best = wrong.get(question_id)
            if best is None or (times, latest) > (best.times, best.latest):
                wrong[question_id] = WrongAnswer(label=label, times=times, latest=latest)
    return wrong


def response_label(answer_row: dict) -> str:
    """A learner's response as text, read against the question they were shown."""
    data = _snapshot_data(answer_row)
    if data is None:
        return NO_ANSWER
    return question_type(data.kind).statistics_label(data, answer_row["response"])


def statistics_decorate(rows: list[dict], answers: QuerySet[AttemptAnswer]) -> list[dict]:
    """Add each row's question (title, type, category) and its most chosen wrong answer: three queries
    per chunk of rows, whatever the number of answers behind them."""
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start : start + _CHUNK]
        questions = Question.objects.select_related("category").in_bulk([row["question_id"] for row in chunk])
        wanted = [pk for pk, q in questions.items() if q.kind in KINDS_WITH_WRONG_ANSWER]
        choices = [pk for pk, q in questions.items() if q.kind in CHOICE_KINDS]
        wrong = most_chosen_wrong_answers(answers, wanted, choice_ids=choices)
        for row in chunk:
            question = questions.get(row["question_id"])
            top = wrong.get(row["question_id"])
            row.update(
                title=str(question)
                if question
                else gettext("(deleted question #%(id)s)") % {"id": row["question_id"]},
                edit_url=reverse("wagtailsnippets_quizzes_question:edit", args=[question.pk])
                if question
                else None,
                kind_label=question.get_kind_display() if question else "",
                category_name=question.category.name if question and question.category_id else "",
                correct_percent_display=format_percent(row["correct_count"], row["answered"]),
                correct_percent_rounded=float(percent_value(row["correct_count"], row["answered"]) or 0),
                wrong_answer=top.label if top else NO_ANSWER,
                wrong_times=top.times if top else None,
                wrong_display=(
                    gettext("%(answer)s (%(times)s times)") % {"answer": top.label, "times": top.times}
                    if top and top.label != NO_ANSWER
                    else NO_ANSWER
                ),
            )
    return rows


class QuestionStatisticsFilterSet(WagtailFilterSet):
    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=QuestionCategory.objects.all(), method="filter_category"
    )
    quiz = django_filters.ModelChoiceFilter(
        label=_("Quiz"), queryset=QuizPage.objects.order_by("title"), method="filter_quiz"
    )

    class Meta:
        model = AttemptAnswer
        fields: list[str] = []

    def filter_category(self, queryset, name, value):
        return queryset.filter(question_id__in=Question.objects.filter(_in_category(value)).values("pk"))

    def filter_quiz(self, queryset, name, value):
        return queryset.filter(attempt__quiz_id=value.pk)


class QuestionRowsPaginator(WagtailPaginator):
    """The statistics' rows are questions, not the answers they are grouped from: "7 questions"."""

    @cached_property
    def items_count_label(self):
        return ngettext("%(count)s question", "%(count)s questions", self.count) % {"count": self.count}


class QuestionStatisticsView(QuestionBankPermissionMixin, ReportView):
    page_title = _("Question statistics")
    paginator_class = QuestionRowsPaginator
    verbose_name = _("question")
    verbose_name_plural = _("questions")
    header_icon = "table"
    index_url_name = "quizzes_admin:statistics"
    index_results_url_name = "quizzes_admin:statistics_results"
    results_template_name = "quizzes/admin/statistics_results.html"
    filterset_class = QuestionStatisticsFilterSet
    default_ordering = "correct_percent"
    export_filename = "question-statistics"
    list_export = [
        "question_id",
        "title",
        "kind_label",
        "category_name",
        "answered",
        "correct_count",
        "correct_percent_rounded",
        "wrong_answer",
        "wrong_times",
    ]
    export_headings = {
        "question_id": _("ID"),
        "title": _("Question"),
        "kind_label": pgettext_lazy("question", "Type"),
        "category_name": _("Category"),
        "answered": _("Times answered"),
        "correct_count": _("Times right"),
        "correct_percent_rounded": _("% right"),
        "wrong_answer": _("Most chosen wrong answer"),
        "wrong_times": _("Times chosen"),
    }

    @cached_property
    def columns(self):
        return [
            TitleColumn("title", label=_("Question"), get_url=lambda row: row["edit_url"]),
            Column("kind_label", label=pgettext_lazy("question", "Type")),
            Column("category_name", label=_("Category")),
            Column("answered", label=_("Times answered"), sort_key="answered"),
            Column("correct_percent_display", label=_("% right"), sort_key="correct_percent"),
            Column("wrong_display", label=_("Most chosen wrong answer")),
        ]

    @cached_property
    def answers(self) -> QuerySet[AttemptAnswer]:
        return self.filter_queryset(graded_answers(viewer=self.request.user))

    def get_queryset(self):
        rows = question_statistics_rows(self.answers)
        ordering = self.ordering or self.default_ordering
        tiebreak = "-answered" if ordering.lstrip("-") != "answered" else "correct_percent"
        return rows.order_by(ordering, tiebreak, "question_id")

    def get_filtered_queryset(self):
        return self.get_queryset()  # filtered before grouping, in get_queryset

    def decorate_paginated_queryset(self, object_list):
        # The rows are dicts: decorating them in place also decorates what the table shows.
        return statistics_decorate(list(object_list), self.answers)

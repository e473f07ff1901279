"""Quiz results (attempts, pass rate and average score per quiz) and the question analysis of one quiz,
over the attempts of learners in the viewer's scope only."""

from __future__ import annotations

from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from reports import selectors
from reports.exports import ReportColumn, percent
from reports.filters import QuizResultsFilterSet
from reports.views.base import ScopedReportView

QUIZ_COLUMNS = [
    ReportColumn("quiz", _("Quiz"), lambda row: row.quiz),
    ReportColumn("course", _("Course"), lambda row: row.course),
    ReportColumn("attempts", _("Attempts"), lambda row: row.attempts),
    ReportColumn("learners", _("Learners"), lambda row: row.learners),
    ReportColumn("learners_passed", _("Learners passed"), lambda row: row.learners_passed),
    ReportColumn("pass_rate", _("Pass rate"), lambda row: percent(row.pass_rate)),
    ReportColumn("average", _("Average score"), lambda row: percent(row.average_percent)),
]

QUESTION_COLUMNS = [
    ReportColumn("question", _("Question"), lambda row: row["title"]),
    ReportColumn("kind", pgettext_lazy("question", "Type"), lambda row: row["kind_label"]),
    ReportColumn("category", _("Category"), lambda row: row["category_name"]),
    ReportColumn("answered", _("Times answered"), lambda row: row["answered"]),
    ReportColumn("correct", _("Times right"), lambda row: row["correct_count"]),
    ReportColumn("percent", _("% right"), lambda row: percent(round(row["correct_percent"]), places=0)),
    ReportColumn("wrong", _("Most chosen wrong answer"), lambda row: row["wrong_display"]),
]


class QuizResultsReportView(ScopedReportView):
    page_title = _("Quiz results")
    header_icon = "help"
    results_template_name = "reports/quiz_results.html"
    index_url_name = "reports:quizzes"
    index_results_url_name = "reports:quizzes_results"
    filterset_class = QuizResultsFilterSet
    export_basename = _("quiz-results")
    report_columns = QUIZ_COLUMNS

    @cached_property
    def rows(self):
        return selectors.quiz_result_rows(scope=self.scope, place=self.place, filters=self.report_filters)

    def get_queryset(self):
        return self.rows

    def get_filtered_queryset(self):
        return self.rows

    def export_rows(self):
        return self.rows

    def link_for(self, column):
        if column.name != "quiz":
            return None
        query = self.query_string()
        return lambda row: (
            reverse("reports:quiz_questions", args=[row.quiz_id]) + (f"?{query}" if query else "")
        )

    def get_page_subtitle(self):
        return self.place_label(self.place)


class QuizQuestionsReportView(ScopedReportView):
    page_title = _("Question analysis")
    header_icon = "help"
    results_template_name = "reports/quiz_results.html"
    index_url_name = "reports:quiz_questions"
    index_results_url_name = "reports:quiz_questions_results"
    filterset_class = QuizResultsFilterSet
    export_basename = _("question-analysis")
    report_columns = QUESTION_COLUMNS

    def get_index_url(self):
        return reverse(self.index_url_name, args=[self.kwargs["quiz_id"]])

    def get_index_results_url(self):
        return reverse(self.index_results_url_name, args=[self.kwargs["quiz_id"]])

    @cached_property
    def rows(self):
        return selectors.question_rows(
            scope=self.scope, place=self.place, filters=self.report_filters, quiz_id=self.kwargs["quiz_id"]
        )

    def get_queryset(self):
        return self.rows

    def get_filtered_queryset(self):
        return self.rows

    def export_rows(self):
        return self.rows

    @cached_property
    def quiz_title(self) -> str:
        return selectors.quiz_title(self.kwargs["quiz_id"])

    def get_page_subtitle(self):
        return self.quiz_title

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("reports:quizzes"), "label": gettext("Quiz results")},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

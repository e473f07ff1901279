"""The list of people behind the dashboard's numbers, and the overdue list."""

from __future__ import annotations

import dataclasses

from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.paginator import WagtailPaginator

from reports import selectors
from reports.exports import ReportColumn
from reports.filters import OVERDUE, CompletionFilterSet, OverdueFilterSet
from reports.views.base import ScopedReportView


def _status_text(row: selectors.EnrolmentRow) -> str:
    return row.status_label


PEOPLE_COLUMNS = [
    ReportColumn("name", _("Name"), lambda row: row.name, nowrap=True),
    ReportColumn("unit", _("Organisation unit"), lambda row: row.unit, sort_key="unit"),
    ReportColumn("position", _("Position"), lambda row: row.position),
    ReportColumn("course", _("Course"), lambda row: row.course),
    ReportColumn("status", _("Status"), _status_text),
    ReportColumn("due_on", _("Due"), lambda row: row.due_on, sort_key="due_on", nowrap=True),
    ReportColumn("days_overdue", _("Days overdue"), lambda row: row.days_overdue, nowrap=True),
    ReportColumn("completed_at", _("Completed at"), lambda row: row.completed_at, nowrap=True),
    ReportColumn("completion_note", _("How completed"), lambda row: row.completion_note),
]

OVERDUE_COLUMNS = [
    ReportColumn("name", _("Name"), lambda row: row.name, nowrap=True),
    ReportColumn("unit", _("Organisation unit"), lambda row: row.unit),
    ReportColumn("position", _("Position"), lambda row: row.position),
    ReportColumn("course", _("Course"), lambda row: row.course),
    ReportColumn("due_on", _("Due"), lambda row: row.due_on, nowrap=True),
    ReportColumn("days_overdue", _("Days overdue"), lambda row: row.days_overdue, nowrap=True),
    ReportColumn("status", _("Status"), _status_text),
]

# Sort keys of the columns → ORDER BY. Only orders an index serves (reports/migrations/0003), so that any
# page of a city-wide list is read, not sorted; the last fields keep pages stable.
ORDERINGS = {
    "unit": selectors.PEOPLE_ORDERING,
    "due_on": selectors.OVERDUE_ORDERING,
}


class KnownCountPaginator(WagtailPaginator):
    """A paginator told the number of rows (from the tallies) instead of counting them."""

    def __init__(self, *args, count: int, **kwargs):
        super().__init__(*args, **kwargs)
        self._known_count = count

    @cached_property
    def count(self):
        return self._known_count


class EnrolmentListView(ScopedReportView):
    """Rows are enrolments (one person × one course) at the place, filtered; 50 to a page."""

    default_ordering = "unit"
    is_searchable = True
    search_kwarg = "q"

    @cached_property
    def report_filters(self):
        return self.filters.report_filters(search=self.search_query)

    def search_queryset(self, queryset):
        return queryset  # searched by the selector, through report_filters

    @cached_property
    def _enrolments(self):
        return selectors.assigned_enrolments(
            scope=self.scope, place=self.place, filters=self.report_filters, today=self.today
        )

    def enrolments(self):
        return self._enrolments  # built once: it reads the place's unit ids

    def order(self, queryset):
        ordering = self.ordering or self.default_ordering
        fields = ORDERINGS[ordering.lstrip("-")]
        if ordering.startswith("-"):
            fields = tuple("-" + name for name in fields)  # all reversed: the index read backwards
        return queryset.order_by(*fields)

    def get_queryset(self):
        return self.order(self.enrolments()).values(*selectors.PEOPLE_VALUES)

    def get_filtered_queryset(self):
        return self.get_queryset()

    def order_queryset(self, queryset):
        return queryset

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        # The number of rows from the tallies when they hold it, else a COUNT of the bare enrolments
        # (without the joins the page's columns need).
        if selectors.use_tallies(self.report_filters):
            count = selectors.place_count(
                scope=self.scope, place=self.place, filters=self.report_filters, today=self.today
            )
        else:
            count = self.enrolments().count()
        return KnownCountPaginator(
            queryset, per_page, orphans=orphans, allow_empty_first_page=allow_empty_first_page, count=count
        )

    def paginate_queryset(self, queryset, page_size):
        # Rows are made for the page before the table is built from it (one chunk: three queries).
        paginator, page, object_list, is_paginated = super().paginate_queryset(queryset, page_size)
        page.object_list = selectors.EnrolmentRowMaker(self.today).rows(list(object_list))
        return paginator, page, page.object_list, is_paginated

    def export_rows(self):
        return selectors.enrolment_rows(self.order(self.enrolments()), today=self.today)

    def link_for(self, column):
        if column.name == "name":
            return lambda row: reverse("reports:transcript", args=[row.learner_id])
        return None

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["place_label"] = self.place_label(self.place)
        context["completion_url"] = self._completion_url()
        return context

    def _completion_url(self) -> str:
        unit = self.place.unit
        if unit is None or self.place.unplaced:
            return reverse("reports:completion")
        return reverse("reports:completion") + "?node=" + str(unit.pk)

    def get_page_subtitle(self):
        return self.place_label(self.place)


class PeopleReportView(EnrolmentListView):
    page_title = _("People")
    header_icon = "group"
    template_name = "reports/people.html"
    results_template_name = "reports/people_results.html"
    index_url_name = "reports:people"
    index_results_url_name = "reports:people_results"
    filterset_class = CompletionFilterSet
    export_basename = _("people")
    report_columns = PEOPLE_COLUMNS


class OverdueReportView(EnrolmentListView):
    """Assigned and not completed, with the due date past: most late first."""

    page_title = _("Overdue")
    header_icon = "warning"
    template_name = "reports/people.html"
    results_template_name = "reports/people_results.html"
    index_url_name = "reports:overdue"
    index_results_url_name = "reports:overdue_results"
    filterset_class = OverdueFilterSet
    export_basename = _("overdue")
    report_columns = OVERDUE_COLUMNS
    default_ordering = "lateness"

    def get_valid_orderings(self):
        return ["lateness"]

    def order(self, queryset):
        return queryset.order_by(*selectors.OVERDUE_ORDERING)

    @cached_property
    def report_filters(self):
        base = self.filters.report_filters(search=self.search_query)
        return dataclasses.replace(base, status=OVERDUE)

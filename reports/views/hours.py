"""Study hours (学时) per person or per unit, for a year: in-person sessions attended and courses
completed, counted as classroom.selectors says. Scoped like every report; exported like every report
(cells that look like formulas stay text: reports.exports)."""

from __future__ import annotations

import django_filters
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from accounts.models import User
from classroom.selectors import hours_rows, unit_hours_rows
from reports.exports import ReportColumn
from reports.views.base import ScopedReportView

YEARS_BACK = 5
BY_PERSON, BY_UNIT = "person", "unit"


def _years() -> list[tuple[str, str]]:
    this_year = timezone.localdate().year
    return [(str(year), str(year)) for year in range(this_year, this_year - YEARS_BACK, -1)]


class HoursFilterSet(WagtailFilterSet):
    year = django_filters.ChoiceFilter(label=_("Year"), choices=_years, empty_label=None, method="noop")
    by = django_filters.ChoiceFilter(
        label=_("Show"),
        choices=[(BY_PERSON, _("Per person")), (BY_UNIT, _("Per unit"))],
        empty_label=None,
        method="noop",
    )

    def __init__(self, *args, scope=None, **kwargs):
        super().__init__(*args, **kwargs)

    def noop(self, queryset, name, value):
        return queryset  # the selector reads the values

    class Meta:
        model = User  # rows are people; the filters only carry values for the selector
        fields = []


PERSON_COLUMNS = [
    ReportColumn("name", _("Name"), lambda row: row.name, nowrap=True),
    ReportColumn("unit", _("Organisation unit"), lambda row: row.unit),
    ReportColumn("position", _("Position"), lambda row: row.position),
    ReportColumn(
        "session_hours", _("In-person sessions (hours)"), lambda row: float(row.session_hours), nowrap=True
    ),
    ReportColumn("course_hours", _("Courses (hours)"), lambda row: float(row.course_hours), nowrap=True),
    ReportColumn("total", _("Study hours"), lambda row: float(row.total), nowrap=True),
]


UNIT_COLUMNS = [
    ReportColumn("unit", _("Organisation unit"), lambda row: row.unit),
    ReportColumn("people", _("People"), lambda row: row.people, nowrap=True),
    ReportColumn(
        "session_hours", _("In-person sessions (hours)"), lambda row: float(row.session_hours), nowrap=True
    ),
    ReportColumn("course_hours", _("Courses (hours)"), lambda row: float(row.course_hours), nowrap=True),
    ReportColumn("total", _("Study hours"), lambda row: float(row.total), nowrap=True),
]


class HoursReportView(ScopedReportView):
    page_title = _("Study hours")
    header_icon = "time"
    index_url_name = "reports:hours"
    index_results_url_name = "reports:hours_results"
    filterset_class = HoursFilterSet
    export_basename = _("study hours")

    @cached_property
    def year(self) -> int:
        raw = self.request.GET.get("year", "")
        valid = {value for value, _label in _years()}
        return int(raw) if raw in valid else timezone.localdate().year

    @cached_property
    def by_unit(self) -> bool:
        return self.request.GET.get("by") == BY_UNIT

    @property
    def report_columns(self):
        return UNIT_COLUMNS if self.by_unit else PERSON_COLUMNS

    @cached_property
    def rows(self):
        """Per person: read a page at a time (classroom.selectors.HoursRows); per unit: grouped in the
        database."""
        if self.by_unit:
            return unit_hours_rows(scope=self.scope, year=self.year, unit=self.place.unit)
        return hours_rows(scope=self.scope, year=self.year, unit=self.place.unit)

    def get_queryset(self):
        return self.rows

    def get_filtered_queryset(self):
        return self.rows

    def order_queryset(self, queryset):
        return queryset

    def export_rows(self):
        return self.rows

    def get_page_subtitle(self):
        return f"{self.place_label(self.place)} · {self.year}"

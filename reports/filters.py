"""The reports' filters: one filter set per screen, read into a `ReportFilters` that the selectors take,
so that a screen and its export are filtered by the very same values."""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass

import django_filters
from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet

from accounts.models import Position
from accounts.scope import scope_for
from courses.models import CoursePage
from progress.models import Enrolment

OVERDUE = "overdue"
STATUS_CHOICES = [
    (Enrolment.Status.NOT_STARTED, _("Not started")),
    (Enrolment.Status.IN_PROGRESS, _("In progress")),
    (Enrolment.Status.COMPLETED, _("Completed")),
    (OVERDUE, _("Overdue")),
]
# Navigation, not filtering: kept in the filter form so that filtering keeps the place in the tree.
# "node" is also the panel's unit filter (a unit of the viewer's part of the tree); "direct" is hidden.
HIDDEN = ("node", "direct")
# How many levels below the top of the viewer's part the unit filter lists (the tree's links and the
# unit's own page reach deeper ones; the current place is always listed).
UNIT_FILTER_DEPTH = 3


@dataclass(frozen=True)
class ReportFilters:
    course_id: int | None = None
    position_id: int | None = None
    status: str = ""
    completed_from: datetime.date | None = None
    completed_to: datetime.date | None = None
    enrolled_from: datetime.date | None = None
    enrolled_to: datetime.date | None = None
    search: str = ""

    @property
    def by_date(self) -> bool:
        return any((self.completed_from, self.completed_to, self.enrolled_from, self.enrolled_to))

    @property
    def date_range(self) -> tuple[str, datetime.date | None, datetime.date | None] | None:
        """("completed" or "enrolled", first day, last day) when exactly one of the two date filters is
        set (either end may be open): what the month tallies can answer. None otherwise."""
        completed = self.completed_from or self.completed_to
        enrolled = self.enrolled_from or self.enrolled_to
        if completed and not enrolled:
            return "completed", self.completed_from, self.completed_to
        if enrolled and not completed:
            return "enrolled", self.enrolled_from, self.enrolled_to
        return None

    def without_dates(self) -> ReportFilters:
        return dataclasses.replace(
            self, completed_from=None, completed_to=None, enrolled_from=None, enrolled_to=None
        )

    @property
    def countable_from_tallies(self) -> bool:
        """Whether the enrolment tallies hold the answer (they are kept per course, position, status and
        due date, not per day of completion or enrolment, nor per name)."""
        return not self.by_date and not self.search


def _noop(queryset, name, value):
    return queryset  # the selectors filter, from ReportFilters


def _date_bounds(value) -> tuple[datetime.date | None, datetime.date | None]:
    """The first and last day of a date range field's value (which holds the start and the very end of
    those days, as date and times of the current time zone)."""
    if not value:
        return None, None
    return _day(value.start), _day(value.stop)


def _day(value) -> datetime.date | None:
    return value.date() if isinstance(value, datetime.datetime) else value


def unit_choices(scope, current: str = "") -> list[tuple[str, str]]:
    """The units a viewer may report on, in tree order, indented by level: their own unit (or the city's
    roots) and up to UNIT_FILTER_DEPTH levels below, plus ``current`` (a unit id) when it is deeper.
    The whole city also has "not placed in the organisation" (node 0)."""
    if scope.nothing:
        return []
    top_depth = 1 if scope.everything else scope.unit.depth  # the city's roots, or their own unit
    units = scope.units().filter(depth__lte=top_depth + UNIT_FILTER_DEPTH)
    if current.isdigit():
        units = units | scope.units().filter(pk=int(current))
    choices = [
        (str(unit.pk), "\u3000" * (unit.depth - top_depth) + unit.name)
        for unit in units.order_by("path").only("pk", "name", "depth", "path")
    ]
    if scope.everything:
        choices.append(("0", gettext("Not placed in the organisation")))
    return choices


class ReportFilterSet(WagtailFilterSet):
    node = django_filters.ChoiceFilter(label=_("Unit"), choices=[], method=_noop, empty_label=_("All units"))
    direct = django_filters.CharFilter(widget=forms.HiddenInput, method=_noop)

    def __init__(self, *args, request=None, scope=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if scope is None and request is not None:
            scope = scope_for(request.user)
        current = str((self.data or {}).get("node", ""))
        self.filters["node"].extra["choices"] = unit_choices(scope, current) if scope else []

    course = django_filters.ModelChoiceFilter(
        label=_("Course"), queryset=CoursePage.objects.order_by("title").only("pk", "title"), method=_noop
    )
    position = django_filters.ModelChoiceFilter(
        label=_("Position"), queryset=Position.objects.all(), method=_noop
    )

    class Meta:
        model = Enrolment
        fields: list[str] = []

    def report_filters(self, search: str = "") -> ReportFilters:
        data = self.form.cleaned_data if self.is_valid() else {}
        values = {
            "course_id": data["course"].pk if data.get("course") else None,
            "position_id": data["position"].pk if data.get("position") else None,
            "status": data.get("status") or "",
            "search": search,
        }
        if "completed" in self.filters:
            values["completed_from"], values["completed_to"] = _date_bounds(data.get("completed"))
        if "enrolled" in self.filters:
            values["enrolled_from"], values["enrolled_to"] = _date_bounds(data.get("enrolled"))
        return ReportFilters(**values)


class CompletionFilterSet(ReportFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=STATUS_CHOICES, method=_noop)
    completed = django_filters.DateFromToRangeFilter(
        label=_("Completed between"), widget=DateRangePickerWidget, method=_noop
    )
    enrolled = django_filters.DateFromToRangeFilter(
        label=_("Enrolled between"), widget=DateRangePickerWidget, method=_noop
    )


class OverdueFilterSet(ReportFilterSet):
    enrolled = django_filters.DateFromToRangeFilter(
        label=_("Enrolled between"), widget=DateRangePickerWidget, method=_noop
    )


class QuizResultsFilterSet(ReportFilterSet):
    completed = django_filters.DateFromToRangeFilter(
        label=_("Submitted between"), widget=DateRangePickerWidget, method=_noop
    )

"""Completion dashboard: for each assigned course, the children of the current node with their counts and
a bar chart, drilling down node by node to the list of people."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from reports import selectors
from reports.exports import ReportColumn, percent
from reports.filters import CompletionFilterSet
from reports.views.base import ScopedReportView

COMPLETION_COLUMNS = [
    ReportColumn("course", _("Course"), lambda line: line.course),
    ReportColumn("unit", _("Organisation unit"), lambda line: line.label),
    ReportColumn(
        "assigned", pgettext_lazy("number of people", "Assigned"), lambda line: line.counts.assigned
    ),
    ReportColumn("not_started", _("Not started"), lambda line: line.counts.not_started),
    ReportColumn("in_progress", _("In progress"), lambda line: line.counts.in_progress),
    ReportColumn("completed", _("Completed"), lambda line: line.counts.completed),
    ReportColumn("overdue", _("Overdue"), lambda line: line.counts.overdue),
    ReportColumn("percent", _("% complete"), lambda line: percent(line.counts.percent)),
]


@dataclass
class DashboardLine:
    """A row of a course's table, with where its links go."""

    course: str
    label: str
    counts: selectors.Counts
    is_total: bool = False
    drill_url: str = ""
    people_url: str = ""  # everyone counted in the row
    status_base: str = ""  # the same without the status filter

    def status_url(self, status: str) -> str:
        return f"{self.status_base}&status={status}"

    @property
    def not_started_url(self) -> str:
        return self.status_url("not_started")

    @property
    def in_progress_url(self) -> str:
        return self.status_url("in_progress")

    @property
    def completed_url(self) -> str:
        return self.status_url("completed")

    @property
    def overdue_url(self) -> str:
        return self.status_url("overdue")

    @property
    def bar_label(self) -> str:
        c = self.counts
        return gettext(
            "%(done)s completed, %(doing)s in progress, %(todo)s not started, %(late)s overdue"
        ) % {
            "done": c.completed,
            "doing": c.in_progress,
            "todo": c.not_started,
            "late": c.overdue,
        }

    def row_html(self) -> str:
        """The table row, built here rather than in the template: a city's dashboard has 20 courses ×
        21 rows of 15 values each, and the template language took ~100 ms to resolve them."""
        c = self.counts
        return format_html(
            '<tr{}><th scope="row"><a href="{}">{}</a></th>'
            '<td class="num"><a href="{}">{}</a></td>'
            '<td class="num"><a href="{}">{}</a></td>'
            '<td class="num"><a href="{}">{}</a></td>'
            '<td class="num"><a href="{}">{}</a></td>'
            '<td class="num{}"><a href="{}">{}</a></td>'
            '<td class="num">{}</td>'
            '<td class="report-chart-col"><div class="report-bar" role="img" aria-label="{}">'
            '<span class="report-bar__done" style="width: {}%"></span>'
            '<span class="report-bar__doing" style="width: {}%"></span>'
            '<span class="report-bar__todo" style="width: {}%"></span></div></td></tr>',
            mark_safe(' class="report-total"') if self.is_total else "",
            self.drill_url or self.people_url,
            self.label,
            self.people_url,
            c.assigned,
            self.not_started_url,
            c.not_started,
            self.in_progress_url,
            c.in_progress,
            self.completed_url,
            c.completed,
            mark_safe(" report-overdue") if c.overdue else "",
            self.overdue_url,
            c.overdue,
            percent(c.percent),
            self.bar_label,
            f"{c.completed_share:.2f}",
            f"{c.in_progress_share:.2f}",
            f"{c.not_started_share:.2f}",
        )


@dataclass
class DashboardSection:
    course_id: int
    title: str
    lines: list[DashboardLine]


class CompletionReportView(ScopedReportView):
    page_title = _("Completion")
    header_icon = "tasks"
    template_name = "reports/completion.html"
    results_template_name = "reports/completion_results.html"
    index_url_name = "reports:completion"
    index_results_url_name = "reports:completion_results"
    filterset_class = CompletionFilterSet
    export_basename = _("completion")
    report_columns = COMPLETION_COLUMNS
    paginate_by = 10  # courses per page; each is a table of the node's children

    @cached_property
    def node(self):
        if self.place.unplaced:
            raise Http404  # people with no unit are a list, not a node
        if self.at_top:
            return self.top
        return self.place.unit

    @cached_property
    def at_top(self) -> bool:
        # The filter form sends an empty node at the top: the same as none.
        return not self.request.GET.get("node")

    @cached_property
    def sections(self) -> list[DashboardSection]:
        filters = self.report_filters
        found = selectors.completion_by_node(
            scope=self.scope,
            node=self.node,
            filters=filters,
            today=self.today,
            include_unplaced=self.at_top,
        )
        return [self._section(section) for section in found]

    def _section(self, section: selectors.CourseSection) -> DashboardSection:
        base = self._people_base + f"&course={section.course_id}"
        status = f"&status={self.report_filters.status}" if self.report_filters.status else ""
        lines = []
        for row in section.rows:
            if row.unplaced:
                place = "&node=0"
            elif row.direct:
                place = f"&node={row.unit.pk}&direct=1"
            else:
                place = f"&node={row.unit.pk}"
            lines.append(
                DashboardLine(
                    course=section.title,
                    label=row.label,
                    counts=row.counts,
                    drill_url=self._drill_base + str(row.unit.pk) if row.drillable else "",
                    people_url=base + place + status,
                    status_base=base + place,
                )
            )
        lines.append(
            DashboardLine(
                course=section.title,
                label=gettext("Total"),
                counts=section.total,
                is_total=True,
                people_url=base + self._here + status,
                status_base=base + self._here,
            )
        )
        return DashboardSection(course_id=section.course_id, title=section.title, lines=lines)

    @cached_property
    def _here(self) -> str:
        """The current node as people-list parameters (nothing: everyone in a city-wide scope)."""
        if self.at_top and self.scope.everything:
            return ""
        return f"&node={self.node.pk}" if self.node is not None else ""

    @cached_property
    def _filter_query(self) -> str:
        """The filters but the status (each count links to its own) and the place."""
        params = self.request.GET.copy()
        for key in ("p", "export", "_w_filter_fragment", "node", "direct", "ordering", "status", "course"):
            params.pop(key, None)
        return params.urlencode()

    @cached_property
    def _people_base(self) -> str:
        """The people list with the filters, ready for "&name=value" to be added."""
        return reverse("reports:people") + "?" + (self._filter_query or "from=completion")

    @cached_property
    def _drill_base(self) -> str:
        query = self.query_string(node=None, direct=None)
        return "?" + (query + "&" if query else "") + "node="

    def get_queryset(self):
        return self.sections

    def get_filtered_queryset(self):
        return self.sections

    def export_rows(self):
        for section in self.sections:
            yield from section.lines

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        trail = self.unit_trail(self.node)
        crumbs = []
        if self.scope.everything and self.top is None:
            crumbs.append(
                {"label": gettext("All units"), "url": "?" + self.query_string(node=None, direct=None)}
            )
        for unit in trail:
            crumbs.append(
                {"label": unit.name, "url": "?" + self.query_string(node=str(unit.pk), direct=None)}
            )
        if crumbs:
            crumbs[-1]["url"] = ""
        context.update(
            trail=crumbs,
            node=self.node,
            people_url=self._people_base
            + self._here
            + (f"&status={self.report_filters.status}" if self.report_filters.status else ""),
            overdue_url=reverse("reports:overdue") + "?" + self._here.lstrip("&"),
            # The note says a date filter is counted from every enrolment: so it is, unless the month
            # tallies answer it (PostgreSQL, one date filter).
            live=self.report_filters.by_date and not selectors.use_tallies(self.report_filters),
        )
        return context

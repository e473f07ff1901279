"""What every training report shares: who may see it, where in the tree it looks, its filters and exports.

Every view checks, itself, that the viewer has a scope (accounts.scope.scope_for) and answers 403
otherwise; every place in the tree named in the URL is looked up *within* that scope (404 outside it).
Menus only hide links.
"""

from __future__ import annotations

import datetime

from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView

from accounts.models import OrgUnit
from accounts.scope import Scope, scope_for
from core import rights
from core.db_routers import reading_reports, streamed_from_reports
from reports import exports
from reports.filters import HIDDEN, ReportFilters
from reports.selectors import Place, single_root_unit, unit_trail


def user_can_see_reports(user) -> bool:
    """Superusers, and users with admin access who manage a part of the organisation."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if not user.is_superuser and not user.has_perm("wagtailadmin.access_admin"):
        return False
    return not scope_for(user).nothing


def forbidden(request) -> TemplateResponse:
    return rights.forbidden(
        request,
        gettext(
            "Training reports are for training managers: your account is not attached to a part of the "
            "organisation. Ask an administrator if you need them."
        ),
    )


class ScopedMixin:
    """Sets ``self.scope``; 403 for anyone without one (trainers, editors)."""

    def dispatch(self, request, *args, **kwargs):
        self.scope: Scope = scope_for(request.user)
        if self.scope.nothing:
            return forbidden(request)
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def today(self) -> datetime.date:
        return timezone.localdate()

    @cached_property
    def top(self) -> OrgUnit | None:
        """Where the viewer's reports start: their unit, the city when there is one root, else None
        (all the roots)."""
        if self.scope.unit is not None:
            return self.scope.unit
        return single_root_unit()

    @cached_property
    def place(self) -> Place:
        """The place named by ``?node=`` (a unit id; 0 for people with no unit), within the scope."""
        raw = self.request.GET.get("node", "")
        direct = self.request.GET.get("direct") == "1"
        if raw == "":
            if self.scope.everything:
                return Place(unit=None)
            return Place(unit=self.scope.unit, direct=direct)
        if raw == "0":
            if not self.scope.everything:
                raise Http404
            return Place(unplaced=True)
        if not raw.isdigit():
            raise Http404
        unit = get_object_or_404(self.scope.units(), pk=int(raw))
        return Place(unit=unit, direct=direct)

    def unit_trail(self, unit: OrgUnit | None) -> list[OrgUnit]:
        """``unit`` and the units above it, from the top of the viewer's scope down (never above it)."""
        return unit_trail(unit, scope=self.scope)

    def place_label(self, place: Place) -> str:
        if place.unplaced:
            return gettext("Not placed in the organisation")
        if place.unit is None:
            return gettext("All units")
        if place.direct:
            return gettext("Placed directly in %(unit)s") % {"unit": place.unit.name}
        return place.unit.name


class ScopedReportView(ScopedMixin, ReportView):
    """A Wagtail report whose rows, screen and export alike, come from `export_rows` /
    `get_queryset`, with columns from `report_columns`. Exports stream (see reports.exports)."""

    paginate_by = 50
    header_icon = "table"
    export_basename = "report"  # file name before the date; translated at runtime
    report_columns: list[exports.ReportColumn] = []
    list_export = ["export"]  # truthy: show Wagtail's export buttons (the files are ours)

    def get_filterset_kwargs(self):
        return {**super().get_filterset_kwargs(), "scope": self.scope}  # the unit filter's choices

    @cached_property
    def report_filters(self) -> ReportFilters:
        if self.filters is None:
            return ReportFilters()
        return self.filters.report_filters()

    @cached_property
    def is_filtering(self):
        # The place in the tree travels in the filter form but is not a filter.
        if not self.filters or not self.filters.is_valid():
            return False
        return any(name not in HIDDEN for name in self.filters.form.changed_data)

    @cached_property
    def active_filters(self):
        hidden = {f"id_{name}" for name in HIDDEN}
        return [f for f in super().active_filters if f.auto_id not in hidden]

    def dispatch(self, request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return super().dispatch(request, *args, **kwargs)
        # A report reads from the reports replica when there is one (core.db_routers): the view, its
        # template (rendered here, inside the block, not later by the handler) and a streamed export.
        with reading_reports():
            response = super().dispatch(request, *args, **kwargs)
            if isinstance(response, TemplateResponse) and not response.is_rendered:
                response.render()
        if isinstance(response, StreamingHttpResponse):
            response.streaming_content = streamed_from_reports(response.streaming_content)
        return response

    def get(self, request, *args, **kwargs):
        if self.is_export:
            self.place  # noqa: B018 - a place outside the scope is a 404 before anything is written
            return self.export_response(request.GET.get("export"))
        return super().get(request, *args, **kwargs)

    # -- columns and rows ----------------------------------------------------------------------

    def link_for(self, column: exports.ReportColumn):
        return None  # row → URL for a linked column

    @cached_property
    def columns(self):
        columns = []
        for column in self.report_columns:
            get_url = self.link_for(column)
            options = {
                "label": column.heading,
                "accessor": _text_of(column),
                "sort_key": column.sort_key,
                "classname": "report-nowrap" if column.nowrap else None,
            }
            if get_url is not None:
                columns.append(TitleColumn(column.name, get_url=get_url, **options))
            else:
                columns.append(Column(column.name, **options))
        return columns

    def export_rows(self):
        raise NotImplementedError

    def export_response(self, export_format: str):
        base = gettext(self.export_basename)
        rows = self.export_rows()
        if export_format == self.FORMAT_CSV:
            return exports.csv_response(self.report_columns, rows, exports.filename(base, "csv", self.today))
        return exports.xlsx_response(
            self.report_columns, rows, exports.filename(base, "xlsx", self.today), sheet=base
        )

    def query_string(self, **changes) -> str:
        """The current filters with some values changed (None removes one); no page, no export."""
        params = self.request.GET.copy()
        for key in ("p", "export", "_w_filter_fragment"):
            params.pop(key, None)
        for key, value in changes.items():
            params.pop(key, None)
            if value is not None:
                params[key] = value
        return params.urlencode()


def _text_of(column: exports.ReportColumn):
    return lambda row: exports.cell_text(column.value(row))

"""Wagtail's site history report (Reports → Site history, /admin/reports/site-history/), scoped.

Wagtail's own view shows every entry about a type of object the viewer has any permission on; this one
shows what reports.audit_log allows (a manager: their part of the tree), in its rows, its CSV and Excel
exports and the choices of its filters. It replaces Wagtail's view at the same URL (reports/admin_urls.py,
mounted ahead of Wagtail's admin in config/urls.py), so Wagtail's menu item and every link to
``wagtailadmin_reports:site_history`` lead here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.filters import ContentTypeFilter
from wagtail.admin.views.reports.audit_logging import LogEntriesView, SiteHistoryReportFilterSet
from wagtail.log_actions import registry as log_action_registry

from accounts.scope import scope_for
from core.rights import prime_instance_checks
from reports.audit_log import (
    allow_content_types,
    log_entries_in_scope,
    log_entries_with_objects,
    log_filter_choices,
    log_filter_content_types,
    log_filter_users,
    visible_log_ids,
)
from reports.selectors import planner_settings

# A manager below the city sees the entries found by id (thousands of index probes: `reports.audit_log`).
# With PostgreSQL's default cost of a random page read (4, for spinning disks) and parallel workers it
# chose to scan the whole log for them instead (120,000 entries at city scale): one such ask took 35–50
# ms that way, 16–30 ms by index. For the whole city the scans are the right plan and keep the defaults.
LOG_PLANNING = {"random_page_cost": "1.1", "max_parallel_workers_per_gather": "0"}


def _content_types_for_filter(request):
    return log_filter_content_types(request.user)


class ScopedSiteHistoryFilterSet(SiteHistoryReportFilterSet):
    """The filters offer only the people, actions and types of the entries the viewer may see: a
    manager's "user" list names no one from another part of the city."""

    object_type = ContentTypeFilter(
        label=SiteHistoryReportFilterSet.base_filters["object_type"].label,
        method="filter_object_type",
        queryset=_content_types_for_filter,
    )

    def get_action_choices(self):
        used = log_filter_choices(self.request.user).actions
        return [choice for choice in log_action_registry.get_choices() if choice[0] in used]

    def get_users_queryset(self):
        # Wagtail's filter set lists whoever made any page log entry here (its get_user_choices is
        # not called): the people behind the viewer's own entries instead.
        return log_filter_users(self.request.user)

    class Meta(SiteHistoryReportFilterSet.Meta):
        pass


class LogRows(Sequence):
    """The unfiltered listing of a manager below the city, from the entries already found: the rows
    of Wagtail's `UNION` query (``pk``, ``log_model_index``; its ``timestamp`` only ordered them) for
    its paginator (a length and slices) and its exports (every row)."""

    def __init__(self, ids: list[int], log_model_index: int):
        self.ids, self.log_model_index = ids, log_model_index  # newest first

    def __len__(self):
        return len(self.ids)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [{"pk": pk, "log_model_index": self.log_model_index} for pk in self.ids[index]]
        return {"pk": self.ids[index], "log_model_index": self.log_model_index}


class ScopedSiteHistoryView(LogEntriesView):
    filterset_class = ScopedSiteHistoryFilterSet

    def dispatch(self, request, *args, **kwargs):
        allow_content_types(request.user)  # spares Wagtail a scan of the whole log per request
        if request.user.is_superuser or scope_for(request.user).everything:
            return super().dispatch(request, *args, **kwargs)  # the whole log: parallel scans help
        with planner_settings(**LOG_PLANNING):
            return super().dispatch(request, *args, **kwargs)

    def get_filtered_queryset(self):
        # A manager below the city, no filter, entries in one log only (managers edit no pages): every
        # entry they see was found once for this request, newest first (reports.audit_log), so the
        # page and the count come from those ids instead of two more passes over them in SQL. With a
        # filter, or entries in both logs to interleave, Wagtail's query with the scope applied.
        if self.is_filtering:
            return super().get_filtered_queryset()
        self.log_models = list(log_action_registry.get_log_entry_models())
        found = {}
        for index, log_model in enumerate(self.log_models):
            ids = visible_log_ids(self.request.user, log_model)
            if ids is None:
                return super().get_filtered_queryset()
            if ids:
                found[index] = ids
        if len(found) > 1:
            return super().get_filtered_queryset()
        index, ids = next(iter(found.items()), (0, []))
        return LogRows(ids, index)

    def decorate_paginated_queryset(self, queryset):
        # As Wagtail's, but the rights of the page's objects are checked together (core.rights): its URL
        # finder asks the permission policy once per row, a query each for scoped objects.
        rows = list(queryset)
        pks_by_index = defaultdict(list)
        for row in rows:
            pks_by_index[row["log_model_index"]].append(row["pk"])
        url_finder = AdminURLFinder(self.request.user)
        entries = {}
        for index, pks in pks_by_index.items():
            pairs = log_entries_with_objects(self.log_models[index], pks)
            prime_instance_checks(self.request.user, "change", (instance for _entry, instance in pairs))
            for entry, instance in pairs:
                entry.edit_url = url_finder.get_edit_url(instance)
                entries[(index, entry.pk)] = entry
        return [entries[(row["log_model_index"], row["pk"])] for row in rows]

    def filter_queryset(self, queryset):
        # LogEntriesView calls this once per log model, on that model's viewable entries, before it
        # joins them with union(): the scope applies to rows, pages and exports alike.
        return super().filter_queryset(log_entries_in_scope(queryset, self.request.user))

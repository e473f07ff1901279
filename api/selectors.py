"""Reads of the API, each with its cost: a list page is its own query plus at most one more."""

from __future__ import annotations

from collections.abc import Iterable

from accounts.models import OrgUnit


def units_annotate(rows: Iterable, *, unit_attr: str | None = None) -> None:
    """Set ``api_path`` (names from the top) and ``api_parent_id`` on each row's unit, in one query for
    every ancestor of the page. ``unit_attr`` names the row's unit (None: the rows are units)."""
    rows = list(rows)
    units = [getattr(row, unit_attr) if unit_attr else row for row in rows]
    steplen = OrgUnit.steplen
    wanted = {
        unit.path[: steplen * depth]
        for unit in units
        if unit is not None
        for depth in range(1, len(unit.path) // steplen + 1)
    }
    found = {
        path: (pk, name)
        for pk, path, name in OrgUnit.objects.filter(path__in=wanted).values_list("pk", "path", "name")
    }
    for row, unit in zip(rows, units, strict=True):
        if unit is None:
            row.api_path, row.api_parent_id = "", None
            continue
        steps = [unit.path[: steplen * depth] for depth in range(1, len(unit.path) // steplen + 1)]
        path = "/".join(found[step][1] for step in steps if step in found)
        parent = found.get(unit.path[:-steplen]) if len(unit.path) > steplen else None
        if unit_attr:
            row.api_path = path
        else:
            row.api_path, row.api_parent_id = path, parent[0] if parent else None

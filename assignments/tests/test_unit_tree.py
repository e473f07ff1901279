"""Choosing the units of an assignment: a tree of checkboxes limited to the manager's part of the
organisation, ticked with the mouse or the keyboard (no Ctrl-click in a multi-select list)."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from assignments.forms import AssignmentForm, UnitTreeWidget
from assignments.models import Assignment
from assignments.tests.test_admin import city, course, district, form_data, signed_in, units  # noqa: F401

pytestmark = pytest.mark.django_db


def _tree(client):
    soup = BeautifulSoup(client.get(reverse("assignments:add")).content, "html.parser")
    return soup, soup.select_one(".unit-tree")


def test_units_are_a_tree_of_checkboxes_within_the_managers_part(client, district):  # noqa: F811
    soup, tree = _tree(signed_in(client, district))
    assert tree is not None and soup.find("select", attrs={"name": "units"}) is None
    boxes = tree.select("input[type=checkbox][name=units]")
    items = {item.get_text(strip=True): item["class"] for item in tree.select(".unit-tree__item")}
    assert set(items) == {"渝中区", "解放碑街道", "A社区", "B社区", "七星岗街道", "C社区"}  # not 江北区
    assert len(boxes) == len(items)
    # Indented by level below the manager's own unit.
    assert "unit-tree__item--depth-0" in items["渝中区"]
    assert "unit-tree__item--depth-1" in items["解放碑街道"]
    assert "unit-tree__item--depth-2" in items["A社区"]
    # Each checkbox has its own label (clickable, read by screen readers), and no Ctrl-click hint.
    for box in boxes:
        assert box.find_parent("label") is not None
    assert "Ctrl" not in soup.get_text() and "⌘" not in soup.get_text()
    assert "assignments/unit-tree.css" in str(soup)


def test_ticking_several_units_assigns_them(client, district, course, units):  # noqa: F811
    signed_in(client, district)
    response = client.post(reverse("assignments:add"), form_data(course, units, "A社区", "C社区"))
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert {unit.name for unit in assignment.units.all()} == {"A社区", "C社区"}


def test_a_unit_outside_the_part_is_not_offered_and_refused(district, course, units):  # noqa: F811
    data = form_data(course, units, "江北区")
    fresh = type(district).objects.get(pk=district.pk)  # the fixture's unit paths moved on insert
    form = AssignmentForm(data=data, for_user=fresh)
    assert not form.is_valid() and "units" in form.errors


def test_the_whole_city_starts_at_the_top(city, units):  # noqa: F811
    widget = AssignmentForm(for_user=city).fields["units"].widget
    assert isinstance(widget, UnitTreeWidget) and widget.top_depth == 1

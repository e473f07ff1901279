"""The filter panel of the reports: a unit filter limited to the viewer's part of the tree, and no
"[invalid name]" entries for the place in the tree it carries."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from reports.filters import UNIT_FILTER_DEPTH, unit_choices
from reports.tests.conftest import login

pytestmark = pytest.mark.django_db

SCREENS = ["reports:completion", "reports:people", "reports:overdue", "reports:quizzes"]


def _panel(client, url):
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    menu = soup.select_one(".w-drilldown__menu")
    unit = soup.find("select", attrs={"name": "node"})
    return soup, menu, unit


@pytest.mark.parametrize("name", SCREENS)
def test_the_panel_has_a_unit_filter_within_the_viewers_part(client, world, name):
    login(client, world.users["district_manager"])
    soup, menu, unit = _panel(client, reverse(name))
    assert "[invalid name]" not in soup.get_text()
    assert unit is not None
    options = [option.get_text().strip() for option in unit.find_all("option")]
    assert {"渝中区", "解放碑街道", "A社区", "C社区"} <= set(options)
    assert not {"重庆市", "江北区", "D社区"} & set(options)  # outside the district manager's part
    # One menu entry per visible filter; the "directly in" switch travels as a hidden input.
    entries = [button.get_text(" ").split()[0] for button in menu.select(".w-drilldown__toggle")]
    assert len(entries) == len(set(entries)) and all(entries)
    assert soup.find("input", attrs={"type": "hidden", "name": "direct"}) is not None


def test_choosing_a_unit_shows_that_unit(client, world):
    login(client, world.users["district_manager"])
    community = world.units["A社区"]
    _soup, _menu, unit = _panel(client, reverse("reports:people") + f"?node={community.pk}")
    assert unit.find("option", selected=True)["value"] == str(community.pk)


def test_unit_choices_are_indented_scoped_and_include_the_current_place(world):
    from accounts.scope import scope_for

    choices = dict(unit_choices(scope_for(world.users["street_manager"])))
    assert [label.strip("\u3000") for label in choices.values()] == ["解放碑街道", "A社区", "B社区"]
    assert choices[str(world.units["A社区"].pk)] == "\u3000A社区"
    city = dict(unit_choices(scope_for(world.users["city_admin"])))
    assert "0" in city  # people not placed in the organisation
    assert all(label.count("\u3000") <= UNIT_FILTER_DEPTH for label in city.values())

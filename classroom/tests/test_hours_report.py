import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from classroom import services
from classroom.tests.conftest import plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def attended(place):
    session = plan(place, starts_in=datetime.timedelta(minutes=-150), hours="1.5")
    services.session_check_in(session=session, learner=place["a"], method="roster")
    services.session_check_in(session=session, learner=place["b"], method="roster")
    services.session_close(session=session, actor=place["trainer"])
    return session


def _rows(response):
    book = openpyxl.load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def test_hours_per_person_scoped_with_export(client, place, attended):
    client.force_login(place["manager"])
    page = client.get(reverse("reports:hours")).content.decode()
    assert "甲学员" in page and "乙学员" in page and "丙学员" not in page
    rows = _rows(client.get(reverse("reports:hours") + "?export=xlsx"))
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["甲学员"][-1] == 1.5 and by_name["甲二学员"][-1] == 0
    assert "丙学员" not in by_name


def test_hours_per_unit_and_year(client, place, attended):
    client.force_login(place["manager"])
    rows = _rows(client.get(reverse("reports:hours") + "?by=unit&export=xlsx"))
    by_unit = {row[0]: row for row in rows[1:]}
    assert by_unit["A社区"][1:] == [2, 1.5, 0, 1.5]
    last_year = str(attended.starts_at.year - 1)
    rows = _rows(client.get(reverse("reports:hours") + f"?year={last_year}&by=unit&export=xlsx"))
    assert all(row[-1] == 0 for row in rows[1:])


def test_a_place_outside_the_scope_is_404_and_trainers_get_403(client, place, attended):
    client.force_login(place["manager"])
    outside = place["units"]["C社区"]
    assert client.get(reverse("reports:hours") + f"?node={outside.pk}").status_code == 404
    client.force_login(place["trainer"])
    assert client.get(reverse("reports:hours")).status_code == 403


def test_names_that_look_like_formulas_stay_text(client, place, attended):
    place["a"].name = "=1+1"
    place["a"].save()
    client.force_login(place["manager"])
    response = client.get(reverse("reports:hours") + "?export=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [cell for row in book.active.iter_rows() for cell in row if cell.value == "=1+1"]
    assert cells and all(cell.data_type == "s" for cell in cells)

"""Percentages go to Excel as numbers formatted as percentages (so they sort, sum and chart), and read
the same as on screen in CSV and on screen."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.exports import Percent, _csv_text, cell_text, percent
from reports.tests.conftest import login

pytestmark = pytest.mark.django_db


def test_a_percentage_reads_as_on_screen():
    assert cell_text(Percent(66.7)) == "66.7%" == _csv_text(Percent(66.7))
    assert cell_text(Percent(50, places=0)) == "50%"
    assert percent(None) is None
    assert Percent(66.7).number_format == "0.0%" and Percent(50, places=0).number_format == "0%"


@pytest.mark.parametrize(
    ("name", "headings"),
    [("reports:completion", {"完成率", "% complete"}), ("reports:quizzes", {"及格率", "Pass rate"})],
)
def test_excel_percentages_are_numbers(client, world, name, headings):
    login(client, world.users["district_manager"])
    response = client.get(reverse(name) + "?export=xlsx")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    heading = [cell.value for cell in sheet[1]]
    column = next(index for index, text in enumerate(heading) if text in headings)
    cells = [row[column] for row in sheet.iter_rows(min_row=2) if row[column].value is not None]
    assert cells, "the report has rows"
    for cell in cells:
        assert isinstance(cell.value, int | float) and 0 <= cell.value <= 1, cell.value
        assert cell.number_format.endswith("%")

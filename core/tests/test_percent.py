import pytest
from django.template import Context, Template

from core.percent import format_percent


@pytest.mark.parametrize(
    ("part", "whole", "shown"),
    [
        (2, 3, "66.7%"),
        (1, 3, "33.3%"),
        (1, 2, "50%"),
        (3, 3, "100%"),
        (0, 3, "0%"),
        (1, 8, "12.5%"),  # exact
        (1, 16, "6.3%"),  # 6.25: half up, not to even
        (3, 16, "18.8%"),  # 18.75
        (2.5, 4, "62.5%"),  # fractional points
        (999, 1000, "99.9%"),
        (9999, 10000, "99.9%"),  # 99.99 would round to 100%: not before it is all
        (1, 10000, "0.1%"),  # and not 0% for something
        (1, 0, ""),
        (None, 3, ""),
    ],
)
def test_one_rounding_everywhere(part, whole, shown):
    assert format_percent(part, whole) == shown


def test_template_tag_uses_the_same_formatter():
    html = Template("{% load percent_tags %}{% percent 2 3 %}").render(Context())
    assert html == "66.7%"

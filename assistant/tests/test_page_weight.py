"""Learner pages without the AI helpers cost nothing extra, and with them only the button and a small
loader: helper.js and its stylesheet are fetched when the button is tapped (tests/page_weight.py)."""

import pytest
from django.test import Client

from assistant.services import assistant_policy_accept
from tests.factories import make_course, make_lesson, make_user, paragraph
from tests.page_weight import BUDGET, measure
from tests.test_page_weight import static_or_view

pytestmark = pytest.mark.django_db


def test_lesson_weight_with_and_without_the_helpers(settings, ai_on):
    lesson = make_lesson(make_course(), body=[paragraph("打开小程序，点击访客登记。")] * 5)
    user = make_user("weigher")
    assistant_policy_accept(user=user)
    client = Client()
    client.force_login(user)

    def weigh():
        html = client.get(lesson.url).content
        return measure("http://testserver" + lesson.url, html, static_or_view(client))

    on = weigh()
    settings.AI_HELPERS = []
    off = weigh()
    print(f"helpers on: {on.describe()}\nhelpers off: {off.describe()}")
    assert on.total <= BUDGET
    assert not any("assistant/" in url for url in off.files)
    assert [url for url in on.files if "assistant/" in url] == [
        "http://testserver/static/assistant/loader.js"
    ]
    assert on.total - off.total < 1500  # the button, its panel (inert until tapped) and the loader

"""The person's data download lists the xAPI statements about them held in the outbox: id, verb, what
it is about, when, and whether it was sent; nobody else's."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from progress import services as progress_services
from progress.exports import personal_data_page
from tests.factories import make_course, make_lesson, make_user
from xapi.models import Statement
from xapi.personal_data import xapi_personal_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def configured(settings):
    settings.XAPI_ENDPOINT = "http://127.0.0.1:9/xapi"
    settings.XAPI_KEY, settings.XAPI_SECRET = "k", "s"
    settings.XAPI_SITE_URL = "https://learn.example.org"


def test_the_statements_about_the_learner_with_their_state(client):
    course = make_course("扫码登记入门")
    lesson = make_lesson(course, "第一课")
    learner, other = make_user("learner1"), make_user("someone-else")
    progress_services.item_seen(learner=learner, item=lesson, course=course)
    progress_services.item_seen(learner=other, item=lesson, course=course)
    statement = Statement.objects.get(learner=learner)
    sent_at = timezone.now()
    Statement.objects.filter(pk=statement.pk).update(state=Statement.State.SENT, sent_at=sent_at)

    [row] = xapi_personal_data(learner)["xapi_statements"]
    assert row["id"] == str(statement.pk)
    assert row["verb"] == "experienced"
    assert row["object"] == statement.payload["object"]["id"] and row["object"].startswith("https://")
    assert row["object_name"] == "第一课"
    assert row["timestamp"] == statement.timestamp
    assert (row["sent"], row["state"], row["sent_at"]) == (True, "sent", sent_at)

    client.force_login(learner)
    data = json.loads(client.get(reverse("progress:my_data")).content)
    assert [r["id"] for r in data["xapi_statements"]] == [str(statement.pk)]
    sections = {section.key: section for section in personal_data_page(learner)}
    [shown] = sections["xapi_statements"].rows
    assert "experienced" not in [item.text for item in shown]  # the verb in words, not its code
    assert statement.payload["verb"]["display"]["zh-CN"] in [item.text for item in shown]


def test_a_statement_still_waiting_says_so():
    course = make_course()
    lesson = make_lesson(course)
    learner = make_user()
    progress_services.item_complete(learner=learner, item=lesson, course=course)
    rows = xapi_personal_data(learner)["xapi_statements"]
    assert {row["verb"] for row in rows} == {"completed"}
    assert all(row["sent"] is False and row["sent_at"] is None for row in rows)
    assert all(row["state"] == "pending" for row in rows)


def test_nothing_when_no_store_was_ever_configured(settings):
    settings.XAPI_ENDPOINT = ""
    course = make_course()
    lesson = make_lesson(course)
    learner = make_user()
    progress_services.item_seen(learner=learner, item=lesson, course=course)
    assert xapi_personal_data(learner) == {"xapi_statements": []}

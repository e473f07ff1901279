"""The administrators' learning records page: status, the failed statements, sending them again, and the
JSON download of a date range (statements as an LRS takes them)."""

import datetime
import json

import pytest
from django.urls import reverse

from tests.factories import make_user
from xapi import statements
from xapi.events import record
from xapi.models import Statement
from xapi.statements import Page, Person
from xapi.tests.validator import problems

pytestmark = pytest.mark.django_db

ZONE = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture
def admin(client):
    user = make_user("root", is_superuser=True, is_staff=True)
    client.force_login(user)
    return user


def _on(day: int, hour: int = 0, learner=None):
    learner = learner or make_user()
    statement = statements.item_completed(
        person=Person(pk=learner.pk),
        item=Page(100 + day * 24 + hour, "第一课"),
        course=Page(99, "课程", statements.COURSE),
        completed_at=datetime.datetime(2026, 11, day, hour, 30, tzinfo=ZONE),
    )
    record([statement], learner_id=learner.pk)
    return statement


def test_the_page_says_whether_a_store_is_configured(client, admin, settings):
    html = client.get(reverse("xapi_admin:index")).content.decode()
    assert "XAPI_ENDPOINT" in html
    settings.XAPI_ENDPOINT = "https://lrs.example.org/xapi"
    settings.XAPI_KEY, settings.XAPI_SECRET = "key-4711", "secret-0815"
    html = client.get(reverse("xapi_admin:index")).content.decode()
    assert "lrs.example.org" in html
    assert "key-4711" not in html and "secret-0815" not in html


def test_failed_statements_are_listed_and_sent_again(client, admin):
    _on(1)
    Statement.objects.update(state="failed", attempts=10, last_error="HTTP 503: try later")
    html = client.get(reverse("xapi_admin:index")).content.decode()
    assert "HTTP 503: try later" in html
    response = client.post(reverse("xapi_admin:index"), {"action": "retry"})
    assert response.status_code == 302
    row = Statement.objects.get()
    assert row.state == "pending" and row.attempts == 0 and row.last_error == ""


def test_the_download_holds_the_statements_of_the_days_asked(client, admin):
    learner = make_user()
    inside = [_on(2, 0, learner), _on(3, 23, learner)]
    _on(1, 23, learner), _on(4, 0, learner)  # the days before and after, in the site's time zone
    response = client.get(reverse("xapi_admin:download"), {"start": "2026-11-02", "end": "2026-11-03"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "xapi-statements-20261102-20261103.json" in response["Content-Disposition"]
    body = json.loads(b"".join(response.streaming_content))
    assert body == inside
    assert all(problems(statement) == [] for statement in body)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "2026-11-05", "end": "2026-11-01"}, "The end date is before the start date."),
        ({"start": "2025-01-01", "end": "2026-11-01"}, "Download at most 366 days at a time."),
        ({"start": "yesterday", "end": "2026-11-01"}, "Enter a valid date."),
    ],
)
def test_a_bad_range_is_explained(client, admin, query, message):
    client.cookies["django_language"] = "en"
    response = client.get(reverse("xapi_admin:download"), query)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_others_are_refused(client):
    client.force_login(make_user("trainer", groups=["Trainers"]))
    assert client.get(reverse("xapi_admin:index")).status_code == 403
    assert (
        client.get(reverse("xapi_admin:download"), {"start": "2026-11-01", "end": "2026-11-02"}).status_code
        == 403
    )

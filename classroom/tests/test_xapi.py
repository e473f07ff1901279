"""Attending a session is an xAPI statement ("attended"), recorded when the session closes."""

import datetime

import pytest

from classroom import services
from classroom.tests.conftest import plan
from xapi.models import Statement
from xapi.tests.validator import problems

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def configured(settings):
    settings.XAPI_ENDPOINT = "http://127.0.0.1:9/xapi"
    settings.XAPI_KEY, settings.XAPI_SECRET = "k", "s"
    settings.XAPI_SITE_URL = "https://learn.example.org"


def test_attended_statement_on_close(place, course):
    session = plan(place, course=course, starts_in=datetime.timedelta(minutes=-150))
    services.session_check_in(session=session, learner=place["a"], method="roster")
    assert not Statement.objects.filter(verb="attended").exists()  # not until it closes
    services.session_close(session=session, actor=place["trainer"])
    statement = Statement.objects.get(verb="attended")
    payload = statement.payload
    assert problems(payload) == []
    assert payload["object"]["definition"]["name"] == {"zh-CN": "消防演练培训"}
    assert payload["result"]["duration"] == "PT2H"
    assert payload["context"]["contextActivities"]["parent"][0]["definition"]["name"] == {
        "zh-CN": "线下消防课"
    }
    # The course completion it gave is a statement of its own.
    assert Statement.objects.filter(learner=place["a"], verb="completed").exists()

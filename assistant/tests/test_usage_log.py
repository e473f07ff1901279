"""The usage log: the site administrator's read-only listing, the person's data download, the site history."""

import json

import pytest
from django.urls import reverse

from assistant.conf import ProviderConfig
from assistant.services import assistant_policy_accept, assistant_usage_record
from core.personal_data import personal_data_json
from progress.exports import personal_data, personal_data_page
from tests.factories import make_course, make_lesson, make_user

pytestmark = pytest.mark.django_db


def auditing(on: bool) -> ProviderConfig:
    return ProviderConfig("http://x/v1", "", "m", "", 5, 3, frozenset(), on)


@pytest.fixture
def calls():
    lesson = make_lesson(make_course(), "访客登记")
    learner = make_user("learner1")
    other = make_user("learner2")
    assistant_policy_accept(user=learner)
    assistant_usage_record(
        user=learner,
        helper="ask",
        outcome="ok",
        config=auditing(False),
        page=lesson,
        tokens_in=400,
        tokens_out=20,
        duration_ms=1800,
        question="秘密问题",
        answer="秘密回答",
    )
    assistant_usage_record(
        user=other, helper="simplify", outcome="timeout", config=auditing(True), page=lesson
    )
    return learner, other, lesson


def test_the_person_finds_their_own_calls_in_their_data(calls):
    learner, _other, _lesson = calls
    data = personal_data(learner)
    assert data["ai_helper_rules"]["rules_version"] == 1
    [call] = data["ai_helper_calls"]
    assert (call["helper"], call["page"], call["tokens_in"], call["outcome"]) == (
        "ask",
        "访客登记",
        400,
        "ok",
    )
    assert call["question_text"] == ""  # not audited: the words were never kept
    assert json.loads(personal_data_json(data))["ai_helper_calls"][0]["duration_ms"] == 1800
    titles = [section.title for section in personal_data_page(learner)]
    assert "AI helper calls" in titles or "AI 助手使用记录" in titles


def test_site_administrator_lists_every_call_read_only(client, calls, in_english):
    client.force_login(make_user("root", is_superuser=True))
    response = client.get(reverse("assistant_usage:index"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "learner1" in page or "learner2" in page
    assert "Timed out" in page and "Explain more simply" in page
    assert "/admin/assistant_usage/new/" not in page


def test_trainers_and_managers_do_not_see_the_log(client, calls):
    client.force_login(make_user("trainer1", groups=["Trainers"]))
    assert client.get(reverse("assistant_usage:index")).status_code in (302, 403)


def test_the_log_is_not_a_use_of_the_page(calls, django_capture_on_commit_callbacks):
    """Trainers see a lesson's usage screen: who asked the AI about it is not theirs to see."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ReferenceIndex

    from assistant.models import AssistantUsage

    learner, _other, lesson = calls
    with django_capture_on_commit_callbacks(execute=True):  # the index is updated once the save commits
        assistant_usage_record(user=learner, helper="ask", outcome="ok", config=auditing(False), page=lesson)
    assert not ReferenceIndex.model_is_indexable(AssistantUsage)
    assert not ReferenceIndex.objects.filter(
        base_content_type=ContentType.objects.get_for_model(AssistantUsage)
    ).exists()

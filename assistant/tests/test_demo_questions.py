"""The test set of questions about the demo lessons (demo_questions.json) against a scripted provider that
answers from the numbered lesson it is sent: each answer cites a part of the lesson that says it (the
citation's anchor is a block of that lesson, and that block holds the expected words), questions the lesson
does not cover get "课程里没有讲到……", and questions with personal data are refused before anything is
sent."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from assistant.services import assistant_policy_accept
from assistant.tests.fake_provider import grounded_responder
from assistant.tests.test_lesson_help import events
from courses.models import LessonPage
from tests.factories import make_user

pytestmark = pytest.mark.django_db
QUESTIONS = json.loads((Path(__file__).parent / "demo_questions.json").read_text(encoding="utf-8"))


def test_grounding_refusal_and_citation_on_the_demo_lessons(client, ai_on, settings, in_english):
    settings.AI_DAILY_LIMIT = 0
    ai_on.responder = grounded_responder
    call_command("load_demo", verbosity=0)
    user = make_user("asker")
    assistant_policy_accept(user=user)
    client.force_login(user)
    lessons = {lesson.slug: lesson for lesson in LessonPage.objects.live()}
    problems = []
    for case in QUESTIONS:
        lesson = lessons[case["lesson"]]
        texts = {
            f"#block-{child.id}": " ".join(child.block.get_searchable_content(child.value))
            for child in lesson.body
        }
        sent = len(ai_on.requests)
        response = client.post(
            reverse("assistant:lesson_help", args=[lesson.pk, "ask"]), {"question": case["question"]}
        )
        where = f"{case['lesson']} · {case['question']}"
        if "refused" in case:
            body = response.json()
            if body.get("code") != "personal_data" or case["refused"] not in body["error"]:
                problems.append(f"{where}: not refused for {case['refused']}: {body}")
            if len(ai_on.requests) != sent:
                problems.append(f"{where}: sent although refused")
            continue
        got = events(response)
        done = dict(got).get("done")
        if done is None:
            problems.append(f"{where}: no answer: {got}")
            continue
        prompt = ai_on.requests[-1]["messages"][1]["content"]
        if lesson.title not in prompt or case["question"] not in prompt:
            problems.append(f"{where}: the prompt lacks the lesson or the question")
        if case.get("not_covered"):
            if not done["not_covered"] or done["cited"]:
                problems.append(f"{where}: expected 'not covered', got {done}")
            continue
        cited = [texts.get(c["href"], "") for c in done["cited"]]
        if not cited or not any(case["cites"] in text for text in cited):
            problems.append(
                f"{where}: expected a citation of a part with “{case['cites']}”, got {done['cited']}"
            )
    assert not problems, "\n".join(problems)

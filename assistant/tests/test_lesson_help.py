"""A learner's help on a lesson: what is sent (and what never is), the streamed answer and its citation,
refusals (policy, personal data, daily limit), provider errors, rights and the usage log."""

import json

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry, PageViewRestriction

from assistant.models import AssistantUsage
from assistant.services import assistant_policy_accept
from assistant.tests.fake_provider import Reply
from tests.factories import make_course, make_lesson, make_user, paragraph

pytestmark = pytest.mark.django_db

NOT_COVERED_EN = "This lesson does not cover it. Please ask your trainer."


@pytest.fixture
def lesson():
    course = make_course("扫码登记入门")
    make_lesson(course, "开始之前", body=[paragraph("先准备好手机。")])
    return make_lesson(
        course,
        "访客登记",
        body=[
            paragraph("打开小程序，点击访客登记。"),
            paragraph("请访客出示健康码，核对后放行。"),
            paragraph("遇到没有手机的老人，用纸质登记表。"),
        ],
    )


@pytest.fixture
def learner(client):
    user = make_user("learner1", first_name="红梅", last_name="欧阳", mobile="13900001111")
    assistant_policy_accept(user=user)
    client.force_login(user)
    return user


def events(response) -> list[tuple[str, dict]]:
    raw = b"".join(response.streaming_content).decode()
    found = []
    for chunk in raw.split("\n\n"):
        if not chunk.strip():
            continue
        name = "message"
        data = ""
        for line in chunk.split("\n"):
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                data = line[6:]
        found.append((name, json.loads(data)))
    return found


def ask_url(lesson, helper="ask"):
    return reverse("assistant:lesson_help", args=[lesson.pk, helper])


def test_ask_streams_the_answer_and_maps_its_citation_to_the_block(client, ai_on, lesson, learner):
    ai_on.script(Reply(pieces=["出示", "健康码后放行", "[2]。"], usage=(400, 12)))
    response = client.post(ask_url(lesson), {"question": "访客要出示什么？"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/event-stream")
    got = events(response)
    block_ids = [child.id for child in lesson.body]
    assert got[0] == ("sources", {str(n + 1): f"#block-{block_ids[n]}" for n in range(3)})
    assert "".join(data["t"] for name, data in got if name == "message") == "出示健康码后放行[2]。"
    assert got[-1] == ("done", {"cited": [{"n": 2, "href": f"#block-{block_ids[1]}"}], "not_covered": False})
    usage = AssistantUsage.objects.get()
    assert (usage.user, usage.helper, usage.outcome) == (learner, "ask", "ok")
    assert (usage.tokens_in, usage.tokens_out, usage.page_id) == (400, 12, lesson.pk)
    assert usage.question_text == "" and usage.answer_text == ""  # AI_AUDIT_TEXT is off
    assert ModelLogEntry.objects.filter(action="assistant.call", user_id=learner.pk).count() == 1


def test_only_the_lessons_text_the_outline_and_the_question_are_sent(client, ai_on, lesson, learner):
    client.post(ask_url(lesson), {"question": "没有手机的老人怎么办？"}).getvalue()
    sent = json.dumps(ai_on.requests[0], ensure_ascii=False)
    for text in (
        "打开小程序，点击访客登记。",
        "遇到没有手机的老人，用纸质登记表。",
        "开始之前",
        "没有手机的老人怎么办？",
    ):
        assert text in sent
    for never in ("learner1", "欧阳", "红梅", "13900001111"):
        assert never not in sent
    assert ai_on.requests[0]["model"] == "chat-model"
    assert ai_on.requests[0]["stream"] is True


def test_not_covered(client, ai_on, lesson, learner, in_english):
    ai_on.script(Reply(pieces=[NOT_COVERED_EN]))
    got = events(client.post(ask_url(lesson), {"question": "停车场怎么收费？"}))
    assert got[-1] == ("done", {"cited": [], "not_covered": True})
    assert NOT_COVERED_EN in ai_on.requests[0]["messages"][0]["content"]
    assert AssistantUsage.objects.get().outcome == "not_covered"


def test_simplify_sends_only_that_block(client, ai_on, lesson, learner):
    block = lesson.body[2]
    ai_on.script(Reply(pieces=["老人没有手机，就填纸质表。[1]"]))
    got = events(client.post(ask_url(lesson, "simplify"), {"block": block.id}))
    assert got[0] == ("sources", {"3": f"#block-{block.id}"})
    sent = ai_on.requests[0]["messages"][1]["content"]
    assert "遇到没有手机的老人" in sent and "打开小程序" not in sent
    # The model numbered the only block it saw [1]; it is still block 3 of the lesson: cited only if right.
    assert got[-1][0] == "done"


def test_simplify_of_a_block_not_in_the_published_lesson(client, ai_on, lesson, learner):
    response = client.post(ask_url(lesson, "simplify"), {"block": "not-a-block"})
    assert response.status_code == 400
    assert ai_on.requests == []


def test_personal_data_is_refused_before_anything_is_sent(client, ai_on, lesson, learner, in_english):
    response = client.post(ask_url(lesson), {"question": "3号楼王阿姨电话13812345678，怎么登记？"})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "personal_data"
    assert "a mobile number" in body["error"] and "a home address" in body["error"]
    assert ai_on.requests == []
    usage = AssistantUsage.objects.get()
    assert usage.outcome == "refused" and usage.question_text == ""


def test_refused_questions_are_never_kept_even_when_auditing(client, ai_on, settings, lesson, learner):
    settings.AI_AUDIT_TEXT = True
    client.post(ask_url(lesson), {"question": "身份证11010519491231002X怎么核验"})
    assert AssistantUsage.objects.get().question_text == ""


def test_audit_text_keeps_question_and_answer(client, ai_on, settings, lesson, learner):
    settings.AI_AUDIT_TEXT = True
    ai_on.script(Reply(pieces=["用纸质登记表。[3]"]))
    client.post(ask_url(lesson), {"question": "老人没有手机怎么办？"}).getvalue()
    usage = AssistantUsage.objects.get()
    assert (usage.question_text, usage.answer_text) == ("老人没有手机怎么办？", "用纸质登记表。[3]")


def test_the_daily_limit(client, ai_on, lesson, learner, in_english):
    for _ in range(3):
        # Counted when sent, even if the answer is never read to its end.
        assert client.post(ask_url(lesson), {"question": "怎么登记？"}).status_code == 200
    # Refused questions do not count.
    client.post(ask_url(lesson), {"question": "电话13812345678"})
    response = client.post(ask_url(lesson), {"question": "怎么登记？"})
    assert response.status_code == 429
    assert response.json() == {
        "error": "You have used the AI helpers 3 times today, the most for one day. Try again tomorrow.",
        "code": "limit",
    }
    assert AssistantUsage.objects.filter(outcome="limit").count() == 1
    assert AssistantUsage.objects.filter(outcome="started").count() == 3


def test_the_limit_is_per_person(client, ai_on, lesson, learner):
    for _ in range(3):
        client.post(ask_url(lesson), {"question": "怎么登记？"}).getvalue()
    other = make_user("learner2")
    assistant_policy_accept(user=other)
    client.force_login(other)
    assert client.post(ask_url(lesson), {"question": "怎么登记？"}).status_code == 200


def test_provider_down_is_said_in_the_stream(client, ai_on, lesson, learner, in_english):
    ai_on.script(Reply(status=500), Reply(status=503))
    got = events(client.post(ask_url(lesson), {"question": "怎么登记？"}))
    assert got[-1][0] == "error"
    assert "cannot be reached" in got[-1][1]["message"]
    assert AssistantUsage.objects.get().outcome == "provider_error"


def test_a_slow_provider_times_out(client, ai_on, settings, lesson, learner, in_english):
    settings.AI_TIMEOUT_SECONDS = 0.5
    ai_on.script(Reply(delay=2))
    got = events(client.post(ask_url(lesson), {"question": "怎么登记？"}))
    assert got[-1][0] == "error" and "too long" in got[-1][1]["message"]
    assert AssistantUsage.objects.get().outcome == "timeout"


def test_the_policy_must_be_accepted_once(client, ai_on, lesson):
    client.force_login(make_user("newcomer"))
    response = client.post(ask_url(lesson), {"question": "怎么登记？"})
    assert response.status_code == 403 and response.json()["code"] == "policy"
    assert client.post(reverse("assistant:policy_accept")).json() == {"accepted": True}
    assert client.post(reverse("assistant:policy_accept")).status_code == 200  # a second tap changes nothing
    assert ModelLogEntry.objects.filter(action="assistant.policy_accept").count() == 1
    assert client.post(ask_url(lesson), {"question": "怎么登记？"}).status_code == 200


def test_everything_is_off_until_configured(client, lesson, learner):
    assert client.post(ask_url(lesson), {"question": "怎么登记？"}).status_code == 404
    assert client.post(reverse("assistant:policy_accept")).status_code == 404


def test_a_helper_not_switched_on(client, ai_on, settings, lesson, learner):
    settings.AI_HELPERS = ["simplify"]
    assert client.post(ask_url(lesson), {"question": "怎么登记？"}).status_code == 404


def test_get_and_anonymous_are_refused(client, ai_on, lesson):
    assert client.get(ask_url(lesson)).status_code == 405
    response = client.post(ask_url(lesson), {"question": "怎么登记？"})
    assert response.status_code == 302
    assert ai_on.requests == []


def test_a_draft_lesson_or_a_restricted_one(client, ai_on, lesson, learner):
    draft = make_lesson(lesson.get_parent().specific, "草稿", live=False)
    assert client.post(ask_url(draft), {"question": "怎么登记？"}).status_code == 404
    PageViewRestriction.objects.create(
        page=lesson, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    assert client.post(ask_url(lesson), {"question": "怎么登记？"}).status_code == 404
    assert ai_on.requests == []


def test_lesson_page_shows_the_button_only_when_on(client, ai_on, settings, lesson, learner):
    page = client.get(lesson.url).content.decode()
    assert "data-assistant" in page and "assistant/loader.js" in page
    assert "assistant/helper.js" in page  # named for the loader, not loaded
    assert '<script src="/static/assistant/helper.js' not in page
    assert f'id="block-{lesson.body[0].id}"' in page
    settings.AI_HELPERS = []
    page = client.get(lesson.url).content.decode()
    assert "data-assistant" not in page and "assistant/loader.js" not in page


def test_lesson_page_for_anonymous_has_no_helpers(client, ai_on, lesson):
    assert "data-assistant" not in client.get(lesson.url).content.decode()

"""The AI helpers against the scripted fake provider (no network): on a 360 px phone a learner accepts the
rules, asks for a simpler explanation of one part and asks a question, and sees each answer appear as it is
written with its citation linking to the part of the lesson; a question with a mobile number is refused
before anything is sent. In the admin a trainer drafts questions from a lesson, publishes one, adds it to the
course's quiz through the quiz editor's question chooser and sends the quiz for review; once a reviewer
approves it, a learner who starts the quiz is asked that question."""

import json
import re

import pytest
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import expect

from assistant.tests.fake_provider import FakeProvider, Reply
from quizzes.models import Question
from tests.factories import make_course, make_lesson, make_quiz, make_user, paragraph

# A stand-in for the phone's voice: records what it is asked to say.
SPEECH = """
window.spokenTexts = [];
Object.defineProperty(window, "speechSynthesis", {configurable: true, value: {
  speak: (u) => window.spokenTexts.push(u.text), cancel: () => {}, getVoices: () => [],
  addEventListener: () => {}, removeEventListener: () => {},
}});
Object.defineProperty(window, "SpeechSynthesisUtterance", {configurable: true, value: class {
  constructor(text) { this.text = text; }
}});
"""

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def fake(settings):
    with FakeProvider() as server:
        settings.AI_BASE_URL = server.base_url
        settings.AI_CHAT_MODEL = "chat-model"
        settings.AI_HELPERS = ["simplify", "ask", "question_drafts", "readability"]
        settings.AI_DAILY_LIMIT = 10
        yield server


@pytest.fixture
def lesson(transactional_db):
    return make_lesson(
        make_course("扫码登记入门"),
        "访客登记",
        body=[
            paragraph("打开小程序，点击访客登记。"),
            paragraph("请访客出示健康码，核对后放行。"),
            paragraph("遇到没有手机的老人，请他在纸质登记表上填写姓名和来访时间，由值守人员核对后放行。"),
        ],
    )


def signed_in(page, base_url: str, user) -> None:
    client = Client()
    client.force_login(user)
    host = base_url.split("//", 1)[1].split(":")[0]
    page.context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "domain": host,
                "path": "/",
            }
        ]
    )


def test_learner_simplifies_a_part_and_asks_a_question(fake, lesson, phone):
    page = phone.page
    page.context.add_init_script(SPEECH)
    signed_in(page, phone.base_url, make_user("learner1"))
    scripts = []
    page.on("request", lambda request: scripts.append(request.url) if "assistant/" in request.url else None)
    phone.goto(lesson.url)
    assert scripts == [f"{phone.base_url}/static/assistant/loader.js"]  # helper.js waits for the tap

    page.locator("[data-assistant-open]").click()
    expect(page.locator("[data-assistant-policy]")).to_be_visible()
    assert any(url.endswith("/static/assistant/helper.js") for url in scripts)
    page.locator("[data-assistant-accept]").click()
    expect(page.locator("[data-assistant-ask]")).to_be_visible()

    # 用更简单的话讲一讲 under part 3: the answer arrives piece by piece, and cites part 3.
    third = page.locator(".lesson__block").nth(2)
    third_id = lesson.body[2].id
    fake.script(
        Reply(pieces=["老人没有手机，", "就填纸质登记表，", "值守人员核对后放行。[3]"], piece_delay=0.6)
    )
    third.locator("[data-assistant-simplify]").click()
    answer = third.locator(".ai-helper__answer")
    expect(answer).to_contain_text("老人没有手机，")
    assert answer.get_attribute("data-done") is None  # still being written
    expect(answer).to_have_attribute("data-done", "answered")
    expect(answer).to_contain_text("值守人员核对后放行。")
    expect(answer.locator(f"a.ai-helper__cite[href='#block-{third_id}']")).to_have_count(1)
    sent = fake.requests[-1]["messages"][1]["content"]
    assert "遇到没有手机的老人" in sent and "打开小程序" not in sent
    phone.screenshot("1-simplified", full_page=False)
    # 朗读: the phone's voice reads the answer, without its [3].
    answer.locator("[data-assistant-listen]").click()
    page.wait_for_function("window.spokenTexts.length === 1")
    assert page.evaluate("window.spokenTexts") == ["老人没有手机，就填纸质登记表，值守人员核对后放行。"]

    # 问一问: the citation links to part 2 of the lesson.
    fake.script(Reply(pieces=["要出示健康码，", "核对后放行[2]。"], piece_delay=0.3))
    page.locator("#ai-question").fill("访客要出示什么？")
    page.locator("[data-assistant-ask] button[type=submit]").click()
    box = page.locator("[data-assistant-answer]")
    expect(box).to_have_attribute("data-done", "answered")
    expect(box).to_contain_text("要出示健康码，核对后放行")
    source = box.locator(f".ai-helper__sources a[href='#block-{lesson.body[1].id}']")
    expect(source).to_have_count(1)
    source.click()
    page.wait_for_function(f"location.hash === '#block-{lesson.body[1].id}'")
    phone.screenshot("2-answered", full_page=False)

    # A question with a resident's mobile number is refused on the spot: nothing is sent.
    sent_before = len(fake.requests)
    page.locator("#ai-question").fill("王阿姨电话13812345678，怎么登记？")
    page.locator("[data-assistant-ask] button[type=submit]").click()
    expect(box.locator(".ai-helper__note--refused")).to_be_visible()
    assert len(fake.requests) == sent_before
    phone.screenshot("3-refused", full_page=False)


def test_trainer_drafts_questions_publishes_one_and_puts_it_in_a_quiz(fake, lesson, desktop):
    page = desktop.page
    signed_in(page, desktop.base_url, make_user("trainer1", groups=["Trainers"]))
    answer = {
        "questions": [
            {
                "kind": "single",
                "text": "没有手机的老人怎么登记？",
                "choices": [
                    {"text": "填纸质登记表", "correct": True, "feedback": "对。"},
                    {"text": "不让进", "correct": False, "feedback": "不对，可以用纸质表。"},
                ],
                "explanation": "课里说用纸质登记表。",
            },
            {"kind": "true_false", "text": "访客要出示健康码。", "true_answer": True},
        ]
    }
    fake.script(Reply(pieces=[json.dumps(answer, ensure_ascii=False)]))
    desktop.goto(f"/admin/pages/{lesson.pk}/edit/")
    link = f"a[href='/admin/ai/lessons/{lesson.pk}/question-drafts/']"
    # The header's "more actions" menu holds the helpers' buttons.
    page.locator("button.w-dropdown__toggle.w-h-slim-header").first.click()
    page.locator(link).first.click()
    page.locator("[data-drafts-form] button[type=submit]").click()
    drafts = page.locator("[data-drafts-result] a[data-draft]")
    expect(drafts).to_have_count(2)
    assert not Question.objects.filter(live=True).exists()
    desktop.screenshot("1-drafts")

    drafts.first.click()
    expect(page.locator("#id_text")).to_have_value("没有手机的老人怎么登记？")
    page.evaluate("document.querySelector('button[name=action-publish]').click()")
    # Published: Wagtail goes back to the bank's list.
    expect(page).to_have_url(re.compile(r"/admin/snippets/quizzes/question/(\?.*)?$"))
    published = Question.objects.get(text="没有手机的老人怎么登记？")
    assert published.live
    assert not Question.objects.get(text="访客要出示健康码。").live

    # Into the course's quiz, through the quiz editor's question chooser, as a trainer does it.
    quiz = make_quiz(lesson.get_parent(), [], title="访客登记测验")
    desktop.goto(f"/admin/pages/{quiz.pk}/edit/")
    page.locator("[data-streamfield-stream-container] > div > button.c-sf-add-button").last.click()
    page.locator(".w-combobox [role=option]").filter(has_text="题库").first.click()
    page.locator("[data-streamfield-stream-container] [data-chooser-action-choose]").last.click()
    modal = page.locator(".modal-dialog")
    expect(modal).to_be_visible()
    modal.locator("input[name=q]").fill("没有手机的老人")
    modal.locator("a[data-chooser-modal-choice]", has_text="没有手机的老人怎么登记？").click()
    expect(modal).to_have_count(0)
    chooser = page.locator(".chooser[data-chooser-url*='/snippets/choose/quizzes/question/']").last
    expect(chooser.locator("[data-chooser-title]")).to_contain_text("没有手机的老人怎么登记？")
    page.wait_for_load_state("networkidle")
    desktop.screenshot("2-quiz-editor")
    # Trainers cannot publish pages: submit the quiz for review.
    page.locator("footer .dropdown-toggle, [data-w-dropdown-target=toggle]").last.click()
    page.locator("button[name=action-submit]").click()
    expect(page.locator(".messages .success")).to_be_visible()

    # A reviewer approves and publishes it.
    page.context.clear_cookies()
    signed_in(page, desktop.base_url, make_user("reviewer1", groups=["Reviewers"]))
    desktop.goto(f"/admin/pages/{quiz.pk}/edit/")
    page.locator(
        "footer button[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])"
    ).first.click()
    expect(page.locator(".messages .success")).to_be_visible()
    quiz.refresh_from_db()
    assert [block.value["question"].pk for block in quiz.questions] == [published.pk]

    # A learner starting the quiz is asked the question the AI drafted and the trainer approved.
    page.context.clear_cookies()
    signed_in(page, desktop.base_url, make_user("learner1"))
    desktop.goto(quiz.url)
    page.locator(f"form[action$='/{quiz.pk}/start/'] button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("没有手机的老人怎么登记？")
    expect(page.get_by_label("填纸质登记表")).to_be_visible()
    desktop.screenshot("3-learner-asked")

"""The newer question kinds on a 360 px phone, with and without JavaScript: a numeric answer typed
on the number pad (a decimal comma and full-width digits count), a fill-in answer that earns part
marks and shows its own feedback, and a written answer kept for a trainer to mark."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from quizzes.kinds import REGISTRY
from quizzes.models import AttemptAnswer, QuizAttempt
from tests.browser.conftest import PHONE, _recorded_page
from tests.factories import make_course, make_question, make_quiz, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "a-Strong-pass-2026"


@pytest.fixture
def quiz(transactional_db):
    make_user("kinds-learner", password=PASSWORD, mobile="13900000077")
    course = make_course("体温登记")
    numeric = make_question(
        "体温达到多少度（℃）要上报？",
        kind="numeric",
        numeric_answers=[
            {
                "type": "answer",
                "value": {"value": 37.3, "tolerance": 0, "weight": 100, "feedback": "对，37.3℃。"},
            },
            {
                "type": "answer",
                "value": {"value": 37, "tolerance": 0.5, "weight": 50, "feedback": "接近了。"},
            },
        ],
    )
    fill = make_question(
        "市民服务热线是＿＿",
        kind="fill_blank",
        answers=[
            {"type": "answer", "value": {"text": "12345", "weight": 100, "feedback": "对。"}},
            {"type": "answer", "value": {"text": "市民热线", "weight": 50, "feedback": "写号码更方便居民。"}},
        ],
    )
    essay = make_question("居民不肯扫码，你怎么说？", kind="essay")
    return make_quiz(course, [numeric, fill, essay], feedback_mode="each", shuffle_questions=False)


def sign_in(phone, next_path):
    page = phone.page
    phone.goto("/accounts/login/?next=" + next_path)
    page.get_by_label("用户名或手机号").fill("13900000077")
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


@pytest.fixture
def phone_without_js(browser, live_server, request):
    yield from _recorded_page(browser, live_server, request, {**PHONE, "java_script_enabled": False})


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_numeric_fill_in_and_written_answers_on_a_phone(quiz, request, javascript):
    phone = request.getfixturevalue("phone" if javascript else "phone_without_js")
    page = phone.page
    sign_in(phone, quiz.url)
    page.get_by_role("button", name="开始测验").click()

    # Numeric: a decimal comma and full-width digits are read as the number; the phone's number pad.
    answer = page.get_by_label("你的答案（数字）")
    expect(answer).to_have_attribute("inputmode", "decimal")
    answer.fill("３７,３")
    page.get_by_role("button", name="核对答案").click()
    expect(page.locator(".callout")).to_contain_text("答对了")
    expect(page.locator(".callout")).to_contain_text("对，37.3℃。")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot("numeric")
    page.get_by_role("button", name="保存，下一题").click()

    # Fill-in: a partly right answer earns part marks and its own feedback.
    page.get_by_label("你的答案").fill("市民 热线")
    page.get_by_role("button", name="核对答案").click()
    expect(page.locator(".callout")).to_contain_text("写号码更方便居民。")
    expect(page.locator(".callout")).to_contain_text("12345")
    page.get_by_role("button", name="保存，下一题").click()

    # Written answer: a text box that fits the phone; kept for a trainer.
    box = page.get_by_label("你的答案")
    box.fill("您好，扫码是为了大家的安全。不方便扫码的话，我帮您在纸上登记。")
    assert box.bounding_box()["width"] <= 360
    phone.screenshot("essay")
    page.get_by_role("button", name="保存并检查").click()
    page.get_by_role("button", name="交卷并查看成绩").click()

    attempt = QuizAttempt.objects.get(learner__username="kinds-learner")
    answers = {a.position: a for a in AttemptAnswer.objects.filter(attempt=attempt)}
    assert answers[0].score == 1.0 and answers[1].score == pytest.approx(0.5)
    assert answers[2].response.startswith("您好，扫码是为了")


# -- every registered kind, one screen each ----------------------------------------------------------

DOCS_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
TEXTS = {
    "single": "访客扫码登记成功后，手机上显示什么？",
    "multiple": "登记表里哪些是访客必须填写的？",
    "true_false": "访客说“我就进去一下”，可以不登记。",
    "fill_blank": "市民服务热线是＿＿。",
    "ordering": "把访客扫码登记的步骤排好顺序。",
    "hotspot": "在截图上点出“访客登记”的入口。",
    "numeric": "体温达到多少度（℃）要上报？",
    "essay": "居民不肯扫码，你怎么说？",
}


@pytest.fixture
def every_kind(transactional_db):
    make_user("kinds-learner", password=PASSWORD, mobile="13900000077")
    course = make_course("题型一览")
    questions = [make_question(TEXTS[kind.value], kind=kind.value) for kind in REGISTRY]
    return make_quiz(course, questions, shuffle_questions=False, shuffle_options=False)


def test_every_question_kind_fits_a_phone(every_kind, phone):
    """Each kind's own template (quizzes/kinds/<kind>.html) on a 360 px phone: the question, its input,
    and the buttons, with nothing wider than the screen. ``make screenshots`` keeps the README's copies."""
    page = phone.page
    sign_in(phone, every_kind.url)
    page.get_by_role("button", name="开始测验").click()
    for number, kind in enumerate(REGISTRY, start=1):
        expect(page.locator(".lesson__position")).to_contain_text(f"第 {number} 题")
        expect(page.locator(".question__text")).to_contain_text(TEXTS[kind.value])
        form = page.locator("form[data-kind]")
        expect(form).to_have_attribute("data-kind", kind.value)
        assert page.locator("form [name]:not([type=hidden]):not(button)").count() >= 1
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, kind
        if os.environ.get("UPDATE_DOCS_SCREENSHOTS"):
            page.screenshot(path=str(DOCS_IMAGES / f"kind-{kind.value}.png"))
        else:
            phone.screenshot(f"kind-{kind.value}", full_page=False)
        if number < len(REGISTRY):
            page.get_by_role("button", name="保存，下一题").click()

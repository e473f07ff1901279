"""A written answer from a phone to a trainer's mark: the learner (360 px) writes an answer and hands in,
and is told it waits for marking; a trainer at a desktop finds it in the marking queue, reads it with the
marking guide and marks it with a comment; the learner signs in again and sees the mark, the comment and
the course complete."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from progress.models import CourseCompletion
from quizzes.models import QuizAttempt
from tests.browser.conftest import DESKTOP, _recorded_page
from tests.factories import make_course, make_question, make_quiz, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "a-Strong-pass-2026"
ANSWER = "您好，扫码登记只要十秒钟，信息只用于防疫。\n如果您不方便用手机，我帮您填纸质登记表。"
COMMENT = "态度很好，解释清楚，还给了纸质登记的办法。"


@pytest.fixture
def world(transactional_db):
    course = make_course("扫码登记：劝导居民")
    question = make_question("居民拒绝扫码时，你会怎么说？", kind="essay")
    quiz = make_quiz(course, [question], title="劝导测验", pass_mark=60)
    learner = make_user("learner-essay", name="学员乙")
    trainer = make_user("trainer-essay", name="培训师丙", is_staff=True)
    trainer.groups.add(Group.objects.get(name="Trainers"))
    return {"course": course, "quiz": quiz, "learner": learner, "trainer": trainer}


@pytest.fixture
def trainer_desktop(browser, live_server, request):
    yield from _recorded_page(browser, live_server, request, DESKTOP)


def learner_signs_in(phone, quiz_url):
    page = phone.page
    phone.goto("/accounts/login/?next=" + quiz_url)
    page.get_by_label("用户名或手机号").fill("learner-essay")
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1")).to_have_text("劝导测验")


def test_a_trainer_marks_a_written_answer_and_the_learner_sees_it(phone, trainer_desktop, world):
    page = phone.page
    quiz_url = world["quiz"].url
    learner_signs_in(phone, quiz_url)
    page.get_by_role("button", name="开始测验").click()

    answer = page.locator("textarea[name=answer]")
    expect(answer).to_be_visible()
    box = answer.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360  # fits the phone, no sideways scrolling
    answer.fill(ANSWER)
    expect(page.locator("[data-save-status]")).to_have_text("已保存")  # saved as typed, by the script
    phone.screenshot("1-written-answer")
    page.reload()
    expect(page.locator("textarea[name=answer]")).to_have_value(ANSWER)

    page.locator("form.question-form button[value=finish]").click()
    page.locator("form.form button[type=submit]").click()  # hand in
    verdict = page.locator(".result-box__verdict")
    expect(verdict).to_contain_text(re.compile("等待|waiting"))
    expect(page.locator("body")).not_to_contain_text("未通过")
    phone.screenshot("2-awaiting-marking")
    attempt = QuizAttempt.objects.get(learner=world["learner"])
    assert attempt.awaiting_marking and attempt.passed is None

    # The trainer, at a desktop, marks it from the queue.
    admin = trainer_desktop.page
    trainer_desktop.goto("/admin/")
    admin.get_by_label("用户名").fill("trainer-essay")
    admin.locator("input[name=password]").fill(PASSWORD)
    admin.get_by_role("button", name="登录").click()
    admin.locator("a[href='/admin/marking/']").first.click()
    queue = admin.locator("#marking-queue")
    expect(queue).to_contain_text("学员乙")
    expect(queue).to_contain_text("劝导测验")
    trainer_desktop.screenshot("3-marking-queue", full_page=False)
    queue.get_by_role("link", name="学员乙").click()
    expect(admin.locator(".marking-answer")).to_contain_text("如果您不方便用手机")
    expect(admin.locator(".marking-answer")).to_contain_text("提供纸质登记")  # the marking guide
    admin.locator("input[name=score-0]").fill("80")
    admin.locator("textarea[name=comment-0]").fill(COMMENT)
    trainer_desktop.screenshot("4-marking")
    admin.locator("main form button[type=submit]").click()
    expect(admin.locator("#marking-queue-empty")).to_be_visible()

    # The learner signs in again and sees the mark, the comment and the course complete.
    attempt.refresh_from_db()
    assert attempt.passed and attempt.percent == 80 and not attempt.awaiting_marking
    assert CourseCompletion.objects.filter(learner=world["learner"], course_id=world["course"].pk).exists()
    page.context.clear_cookies()
    learner_signs_in(phone, quiz_url)
    expect(page.locator(".done-text")).to_be_visible()  # "you passed this quiz"
    page.locator(f"a[href='/quizzes/attempts/{attempt.uuid}/result/']").first.click()
    expect(page.locator(".result-box__score")).to_have_text("80%")
    expect(page.locator(".review__comment")).to_contain_text(COMMENT)
    phone.screenshot("5-marked")

"""Printable job aids: one page from the lesson's own blocks, served to whoever may see the lesson, and
remade when a trainer publishes an edit."""

import re

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import PageViewRestriction

from courses.jobaid import job_aid_pdf, lesson_content
from courses.models import LessonPage
from tests.factories import make_course, make_image, make_lesson

pytestmark = pytest.mark.django_db

MAX_BYTES = 300 * 1024
ONE_PAGE = re.compile(rb"/Count 1\b")


def steps_block(image, *, first="打开微信，点右上角＋，选扫一扫。", count=3):
    return {
        "type": "steps",
        "value": {
            "title": "访客这样登记",
            "steps": [
                {
                    "instruction": f"<p>{first if n == 0 else f'第 {n + 1} 步：逐项填写登记表。'}</p>",
                    "screenshot": {"image": image.pk, "decorative": False, "alt_text": "登记页"},
                    "tip": "扫不出来时，把手机拉远一点。",
                }
                for n in range(count)
            ],
        },
    }


def key_points():
    return {"type": "key_points", "value": {"title": "本课要点", "points": ["保持一米距离", "看三件事"]}}


def warning():
    return {
        "type": "callout",
        "value": {
            "kind": "warning",
            "title": "每天检查假码",
            "text": "<p>发现被覆盖的码，立即撕下并报告。</p>",
        },
    }


@pytest.fixture
def lesson():
    image = make_image(size=(720, 1280))
    return make_lesson(make_course(), "引导访客扫码登记", body=[steps_block(image), warning(), key_points()])


def test_the_content_comes_from_the_lessons_blocks(lesson):
    content = lesson_content(lesson)
    assert content.title == "引导访客扫码登记" and content.course == "扫码登记入门"
    ((title, steps),) = content.steps
    assert title == "访客这样登记" and len(steps) == 3
    assert steps[0].text == "打开微信，点右上角＋，选扫一扫。" and steps[0].image is not None
    assert content.points == [("本课要点", ["保持一米距离", "看三件事"])]
    assert content.warnings == [("每天检查假码", "发现被覆盖的码，立即撕下并报告。")]


@pytest.mark.parametrize("size", ["a4", "a5"])
def test_one_page_with_the_font_embedded_and_small(lesson, size):
    pdf = job_aid_pdf(lesson, size=size, url="http://testserver/courses/x/")
    assert pdf.startswith(b"%PDF") and len(pdf) <= MAX_BYTES
    assert ONE_PAGE.search(pdf)  # one page
    assert b"FrontlineCertificateSans" in pdf and b"/FontFile2" in pdf  # the CJK subset, embedded


def test_a_long_lesson_still_fits_on_one_page():
    image = make_image(size=(720, 1280))
    long = make_lesson(make_course(), body=[steps_block(image, count=12), warning(), key_points()])
    pdf = job_aid_pdf(long, size="a5", url="http://testserver/x/")
    assert ONE_PAGE.search(pdf) and len(pdf) <= MAX_BYTES


def test_served_with_the_lesson_and_linked_from_it(client, lesson):
    page = client.get(lesson.url)
    assert f'href="{lesson.url}job-aid/a4/"' in page.content.decode()
    assert f'href="{lesson.url}job-aid/a5/"' in page.content.decode()
    for size in ("a4", "a5"):
        response = client.get(f"{lesson.url}job-aid/{size}/")
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert client.get(f"{lesson.url}job-aid/letter/").status_code == 404


def test_a_trainers_edit_changes_the_job_aid(client, lesson):
    before = client.get(f"{lesson.url}job-aid/a4/").content
    assert client.get(f"{lesson.url}job-aid/a4/").content == before  # cached, same revision
    trainer = get_user_model().objects.create_user("trainer-x", password="x")
    lesson.body = [
        steps_block(make_image(size=(720, 1280)), first="先戴好口罩，再请访客扫码。"),
        key_points(),
    ]
    lesson.save_revision(user=trainer).publish()
    after = client.get(f"{lesson.url}job-aid/a4/").content
    assert after != before
    assert (
        lesson_content(LessonPage.objects.get(pk=lesson.pk)).steps[0][1][0].text
        == "先戴好口罩，再请访客扫码。"
    )


def test_a_draft_or_password_protected_lesson_gives_no_job_aid(client):
    course = make_course()
    draft = make_lesson(course, live=False)
    assert client.get(f"/courses/{course.slug}/{draft.slug}/job-aid/a4/").status_code == 404
    private = make_lesson(course, body=[key_points()])
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="secret")
    response = client.get(f"{private.url}job-aid/a4/")
    assert response.get("Content-Type") != "application/pdf"

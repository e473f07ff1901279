"""A trainer makes a quiz a test-out in the page editor: which lessons a pass lets learners skip."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from quizzes.models import QuizPage
from tests.factories import make_course, make_lesson, make_question, make_quiz, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    course = make_course("扫码登记入门")
    lessons = [make_lesson(course, title) for title in ("打开小程序", "登记访客", "查看记录")]
    question = make_question()
    quiz = make_quiz(course, [question], title="先测一测", slug="pre-test")
    return course, lessons, question, quiz


def edit_data(question, *, covers, required=False, **fields):
    data = nested_form_data(
        {
            "title": "先测一测",
            "slug": "pre-test",
            "summary": "",
            "intro": rich_text(""),
            "questions": streamfield([("question", {"question": question.pk})]),
            "pass_mark": 80,
            "attempts_allowed": 1,
            "time_limit_minutes": "",
            "shuffle_options": "on",
            "feedback_mode": "end",
            "estimated_minutes": 5,
            **fields,
        }
    )
    if required:
        data["required"] = "on"
    data["test_out_covers"] = [str(lesson.pk) for lesson in covers]
    data["action-publish"] = "action-publish"
    return data


def edit(client, quiz, data):
    return client.post(reverse("wagtailadmin_pages:edit", args=[quiz.pk]), data)


def test_trainer_sets_the_lessons_a_pass_skips(client, setting):
    _course, lessons, question, quiz = setting
    client.force_login(make_user("trainer", groups=["Trainers"]))
    page = client.get(reverse("wagtailadmin_pages:edit", args=[quiz.pk])).content.decode()
    # Only this course's lessons are offered, as tick boxes.
    assert all(f'value="{lesson.pk}"' in page for lesson in lessons)
    assert 'name="test_out_covers"' in page

    response = edit(client, quiz, edit_data(question, covers=lessons[:2]))
    assert response.status_code == 302, response.content.decode()[:3000]
    # Trainers' changes go to review: the revision holds the setting, and publishing it makes it live.
    draft = QuizPage.objects.get(pk=quiz.pk).get_latest_revision_as_object()
    assert set(draft.test_out_covers.all()) == set(lessons[:2])
    assert not draft.required
    draft.get_latest_revision().publish()
    quiz = QuizPage.objects.get(pk=quiz.pk)
    assert [lesson.pk for lesson in quiz.test_out_lessons()] == [lessons[0].pk, lessons[1].pk]


def test_a_lesson_of_another_course_is_refused_and_nothing_saved(client, setting):
    _course, lessons, question, quiz = setting
    foreign = make_lesson(make_course("另一门课", slug="other"), "别的课时")
    client.force_login(make_user("trainer", groups=["Trainers"]))
    response = edit(client, quiz, edit_data(question, covers=[lessons[0], foreign]))
    assert response.status_code == 200
    assert "test_out_covers" in response.context["form"].errors
    assert not QuizPage.objects.get(pk=quiz.pk).test_out_covers.exists()


def test_a_required_test_out_is_refused_with_the_reason(client, setting):
    _course, lessons, question, quiz = setting
    client.force_login(make_user("trainer", groups=["Trainers"]))
    response = edit(client, quiz, edit_data(question, covers=lessons[:1], required=True))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "required" in errors
    assert not QuizPage.objects.get(pk=quiz.pk).test_out_covers.exists()


def test_an_ordinary_quiz_may_stay_required(client, setting):
    _course, _lessons, question, quiz = setting
    client.force_login(make_user("trainer", groups=["Trainers"]))
    response = edit(client, quiz, edit_data(question, covers=[], required=True))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert QuizPage.objects.get(pk=quiz.pk).get_latest_revision_as_object().required


def test_a_new_quiz_is_offered_its_own_course_lessons(client, setting):
    course, lessons, _question, _quiz = setting
    other = make_lesson(make_course("另一门课", slug="other"), "别的课时")
    client.force_login(make_user("trainer", groups=["Trainers"]))
    page = client.get(
        reverse("wagtailadmin_pages:add", args=("quizzes", "quizpage", course.pk))
    ).content.decode()
    assert all(f'value="{lesson.pk}"' in page for lesson in lessons)
    assert f'value="{other.pk}"' not in page

"""Completing a course is a moment (issue 14): the last lesson or the last quiz leads to a screen that
says the course is complete, with the certificate one tap away, and a notification says it too."""

import pytest
from django.urls import reverse

from certificates.models import Certificate
from notifications.models import Notification
from progress.models import CourseCompletion
from quizzes.models import QuizAttempt
from tests.factories import make_course, make_lesson, make_question, make_quiz, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(client):
    user = make_user("finisher", name="王网格")
    client.force_login(user)
    return user


def finish(client, lesson, capture):
    with capture(execute=True):  # the certificate and the notification follow the commit
        return client.post(reverse("progress:item_complete", args=(lesson.pk,)))


def test_the_last_lesson_leads_to_the_moment_with_the_certificate(
    client, learner, django_capture_on_commit_callbacks
):
    course = make_course("扫码登记入门")
    first, last = make_lesson(course, "第一课"), make_lesson(course, "第二课")
    finish(client, first, django_capture_on_commit_callbacks)
    response = finish(client, last, django_capture_on_commit_callbacks)
    moment_url = reverse("progress:course_complete", args=(course.pk,))
    assert response.status_code == 302 and response["Location"] == moment_url

    html = client.get(moment_url).content.decode()
    certificate = Certificate.objects.get(learner=learner)
    assert "data-course-complete" in html and "您已完成“扫码登记入门”" in html
    # one tap away: a big button (the .button class: min-height var(--tap), 44 px), not a text link
    assert f'class="button button--primary button--wide" href="{certificate.get_absolute_url()}"' in html

    (notification,) = Notification.objects.filter(recipient=learner)
    assert notification.kind == Notification.Kind.COURSE_COMPLETED
    assert "扫码登记入门" in notification.subject and notification.link == moment_url
    listing = client.get(reverse("notifications:list")).content.decode()
    assert "扫码登记入门" in listing
    opened = client.post(reverse("notifications:open", args=(notification.pk,)))
    assert opened.status_code == 302 and opened["Location"] == moment_url
    # finishing again is not a second moment, nor a second notification
    finish(client, last, django_capture_on_commit_callbacks)
    assert Notification.objects.filter(recipient=learner).count() == 1


def test_the_moment_says_the_certificate_is_being_prepared_until_it_is_issued(client, learner):
    course = make_course("体温记录")
    lesson = make_lesson(course, "测量体温")
    client.post(reverse("progress:item_complete", args=(lesson.pk,)))  # commit callbacks not run
    assert CourseCompletion.objects.filter(learner=learner).exists()
    assert not Certificate.objects.exists()
    html = client.get(reverse("progress:course_complete", args=(course.pk,))).content.decode()
    assert "data-course-complete" in html and "data-certificate-link" not in html
    assert f'href="{reverse("certificates:mine")}"' in html


def test_no_moment_before_the_course_is_complete(client, learner):
    course = make_course("未完成")
    make_lesson(course)
    assert client.get(reverse("progress:course_complete", args=(course.pk,))).status_code == 404


def test_passing_the_last_quiz_shows_the_moment_on_the_result(
    client, learner, django_capture_on_commit_callbacks
):
    course = make_course("结业测验课程")
    lesson = make_lesson(course, "第一课")
    quiz = make_quiz(course, [make_question()], shuffle_options=False)
    finish(client, lesson, django_capture_on_commit_callbacks)
    client.post(reverse("quizzes:start", args=(quiz.pk,)))
    attempt = QuizAttempt.objects.get()
    client.post(reverse("quizzes:question", args=(attempt.uuid, 1)), {"choice": "0", "action": "finish"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("quizzes:submit", args=(attempt.uuid,)))
    html = client.get(reverse("quizzes:result", args=(attempt.uuid,))).content.decode()
    certificate = Certificate.objects.get(learner=learner)
    assert "data-course-complete" in html
    assert f'href="{certificate.get_absolute_url()}" data-certificate-link' in html
    assert Notification.objects.filter(recipient=learner, kind="course_completed").count() == 1


def test_my_certificates_is_a_button_on_my_learning(client, learner):
    html = client.get(reverse("progress:my_learning")).content.decode()
    assert f'<a class="button button--secondary" href="{reverse("certificates:mine")}">' in html

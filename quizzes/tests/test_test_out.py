"""Test-out: passing a short quiz skips the lessons it covers, recorded as such."""

import random

import pytest

from progress import services as progress_services
from progress.models import CourseCompletion, Enrolment, ItemProgress
from quizzes import services
from quizzes.models import QuizPage, check_test_out
from quizzes.testout import course_test_out_offers, skip_covered_lessons
from tests.factories import make_course, make_lesson, make_question, make_quiz, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def course_with_test_out():
    course = make_course("扫码登记入门")
    lessons = [make_lesson(course, title) for title in ("打开小程序", "登记访客", "查看记录")]
    question = make_question("访客扫码后看到什么？")
    final = make_quiz(course, [question], title="结业测验", slug="final")
    test_out = make_quiz(
        course,
        [question],
        title="已经会了？测一测",
        slug="test-out",
        required=False,
        attempts_allowed=1,
        test_out_covers=lessons[:2],
    )
    return course, lessons, final, test_out


def take(quiz, course, learner, *, right: bool):
    attempt = services.attempt_start(learner=learner, quiz=quiz, course=course, rng=random.Random(1))
    services.answer_save(attempt=attempt, position=0, response=0 if right else 1)
    return services.attempt_submit(attempt=attempt)


def completed(learner, course):
    return {
        row.item_id: row.tested_out_attempt
        for row in ItemProgress.objects.filter(
            learner=learner, course_id=course.pk, completed_at__isnull=False
        )
    }


def test_passing_completes_the_covered_lessons_marked_as_tested_out(course_with_test_out):
    course, lessons, _final, test_out = course_with_test_out
    learner = make_user()
    attempt = take(test_out, course, learner, right=True)
    assert attempt.passed
    assert completed(learner, course) == {
        lessons[0].pk: attempt.pk,
        lessons[1].pk: attempt.pk,
        test_out.pk: None,
    }
    assert Enrolment.objects.get(learner=learner, course_id=course.pk).status == Enrolment.Status.IN_PROGRESS


def test_failing_changes_nothing(course_with_test_out):
    course, _lessons, _final, test_out = course_with_test_out
    learner = make_user()
    assert take(test_out, course, learner, right=False).passed is False
    assert completed(learner, course) == {}
    with pytest.raises(services.AttemptLimitReached):  # one attempt, as the trainer set
        services.attempt_start(learner=learner, quiz=test_out, course=course)


def test_applying_again_changes_nothing_and_studied_lessons_keep_their_completion(course_with_test_out):
    course, lessons, _final, test_out = course_with_test_out
    learner = make_user()
    progress_services.item_complete(learner=learner, item=lessons[0], course=course)
    studied_at = ItemProgress.objects.get(learner=learner, item_id=lessons[0].pk).completed_at
    progress_services.item_seen(learner=learner, item=lessons[1], course=course)  # opened, not finished
    attempt = take(test_out, course, learner, right=True)
    first = {row.item_id: (row.completed_at, row.tested_out_attempt) for row in ItemProgress.objects.all()}
    assert first[lessons[0].pk] == (studied_at, None)
    assert first[lessons[1].pk][1] == attempt.pk
    skip_covered_lessons(attempt)
    skip_covered_lessons(attempt)
    assert {
        row.item_id: (row.completed_at, row.tested_out_attempt) for row in ItemProgress.objects.all()
    } == first
    assert ItemProgress.objects.filter(learner=learner).count() == 3


def test_the_final_quiz_is_still_required_and_then_the_course_completes(course_with_test_out):
    course, lessons, final, test_out = course_with_test_out
    learner = make_user()
    take(test_out, course, learner, right=True)
    progress_services.item_complete(learner=learner, item=lessons[2], course=course)
    assert not CourseCompletion.objects.filter(learner=learner).exists()
    take(final, course, learner, right=True)
    completion = CourseCompletion.objects.get(learner=learner, course_id=course.pk)
    assert completion.rule == CourseCompletion.Rule.ALL_REQUIRED_ITEMS


def test_a_pass_that_covers_the_last_lessons_completes_the_course(course_with_test_out):
    course, lessons, final, test_out = course_with_test_out
    learner = make_user()
    progress_services.item_complete(learner=learner, item=lessons[2], course=course)
    take(final, course, learner, right=True)
    assert not CourseCompletion.objects.filter(learner=learner).exists()
    take(test_out, course, learner, right=True)
    assert CourseCompletion.objects.filter(learner=learner, course_id=course.pk).exists()
    assert Enrolment.objects.get(learner=learner, course_id=course.pk).status == Enrolment.Status.COMPLETED


def test_only_lessons_of_the_quiz_own_course_are_skipped(course_with_test_out):
    course, lessons, _final, test_out = course_with_test_out
    other = make_course("另一门课", slug="other")
    foreign = make_lesson(other, "别的课时")
    learner = make_user()
    attempt = services.attempt_start(learner=learner, quiz=test_out, course=course, rng=random.Random(1))
    # A snapshot tampered with (or a lesson moved to another course since): the foreign lesson is left.
    attempt.rules["test_out_covers"].append({"id": foreign.pk, "title": foreign.title})
    attempt.save(update_fields=["rules"])
    services.answer_save(attempt=attempt, position=0, response=0)
    services.attempt_submit(attempt=attempt)
    assert foreign.pk not in completed(learner, course)
    assert not ItemProgress.objects.filter(item_id=foreign.pk).exists()
    assert test_out.test_out_lessons() == lessons[:2]


def test_the_rules_snapshot_freezes_what_a_pass_skips(course_with_test_out):
    course, lessons, _final, test_out = course_with_test_out
    learner = make_user()
    attempt = services.attempt_start(learner=learner, quiz=test_out, course=course, rng=random.Random(1))
    assert attempt.rules["test_out_covers"] == [
        {"id": lessons[0].pk, "title": "打开小程序"},
        {"id": lessons[1].pk, "title": "登记访客"},
    ]
    test_out.test_out_covers = [lessons[2]]  # the trainer changes it while the attempt is open
    test_out.save_revision().publish()
    services.answer_save(attempt=attempt, position=0, response=0)
    services.attempt_submit(attempt=attempt)
    attempt.refresh_from_db()
    assert [entry["id"] for entry in attempt.rules["test_out_covers"]] == [lessons[0].pk, lessons[1].pk]
    assert set(completed(learner, course)) == {lessons[0].pk, lessons[1].pk, test_out.pk}


def test_an_ordinary_quiz_skips_nothing(course_with_test_out):
    course, _lessons, final, _test_out = course_with_test_out
    learner = make_user()
    attempt = take(final, course, learner, right=True)
    assert attempt.rules["test_out_covers"] == []
    assert completed(learner, course) == {final.pk: None}


def test_a_course_not_open_to_the_learner_gets_nothing(course_with_test_out):
    course, _lessons, _final, test_out = course_with_test_out
    learner = make_user()
    attempt = take(test_out, course, learner, right=True)
    ItemProgress.objects.all().delete()
    Enrolment.objects.all().delete()
    course.open_enrolment = False
    course.save_revision().publish()
    with pytest.raises(progress_services.NotEnrolled):
        skip_covered_lessons(attempt)
    assert not ItemProgress.objects.exists()


def test_offers_list_each_test_out_with_its_lessons_in_course_order(
    course_with_test_out, django_assert_num_queries
):
    course, lessons, _final, test_out = course_with_test_out
    with django_assert_num_queries(2):
        offers = course_test_out_offers(course)
    assert [(offer.quiz.pk, offer.lessons) for offer in offers] == [(test_out.pk, lessons[:2])]


def test_setting_problems_name_foreign_lessons_and_a_required_test_out(course_with_test_out):
    course, lessons, _final, _test_out = course_with_test_out
    foreign = make_lesson(make_course("另一门课", slug="other"), "别的课时")
    problems = check_test_out(course_path=course.path, lessons=[lessons[0], foreign], required=True)
    assert "别的课时" in str(problems["test_out_covers"][0])
    assert "required" in problems
    assert check_test_out(course_path=course.path, lessons=lessons, required=False) == {}
    assert check_test_out(course_path=course.path, lessons=[], required=True) == {}


def test_is_test_out(course_with_test_out):
    _course, _lessons, final, test_out = course_with_test_out
    assert QuizPage.objects.get(pk=test_out.pk).is_test_out
    assert not QuizPage.objects.get(pk=final.pk).is_test_out

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from progress.models import CourseCompletion, ItemProgress
from quizzes import services
from quizzes.models import AttemptAnswer, QuizAttempt
from tests.factories import make_course, make_lesson, make_question, make_quiz, make_user, option

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    course = make_course("测验课程")
    lesson = make_lesson(course, "第一课")
    questions = [
        make_question("单选题", kind="single"),
        make_question("判断题", kind="true_false"),
        make_question("填空题", kind="fill_blank"),
    ]
    quiz = make_quiz(course, questions, pass_mark=60, shuffle_options=False)
    return course, lesson, quiz, questions, make_user()


def start(setup, **kwargs):
    course, _lesson, quiz, _questions, learner = setup
    return services.attempt_start(learner=learner, quiz=quiz, course=course, rng=random.Random(1), **kwargs)


def test_attempt_snapshots_questions_and_rules(setup):
    attempt = start(setup)
    assert attempt.number == 1 and attempt.is_open
    assert [q["data"]["text"] for q in attempt.questions] == ["单选题", "判断题", "填空题"]
    assert attempt.rules["pass_mark"] == 60
    assert all(q["revision_id"] for q in attempt.questions)


def test_starting_again_resumes_the_open_attempt(setup):
    assert start(setup).pk == start(setup).pk
    assert QuizAttempt.objects.count() == 1


def test_answers_are_saved_and_replaced_not_duplicated(setup):
    attempt = start(setup)
    services.answer_save(attempt=attempt, position=0, response=1)
    services.answer_save(attempt=attempt, position=0, response=0)
    answer = AttemptAnswer.objects.get()
    assert answer.response == 0 and answer.saves == 2


def test_bad_responses_are_refused(setup):
    attempt = start(setup)
    for position, response in ((0, 9), (0, "x"), (1, "yes"), (2, 5), (7, 1)):
        with pytest.raises(services.BadResponse):
            services.answer_save(attempt=attempt, position=position, response=response)
    assert not AttemptAnswer.objects.exists()


def test_submit_grades_once_and_passing_counts_toward_the_course(setup):
    course, lesson, quiz, _questions, learner = setup
    attempt = start(setup)
    services.answer_save(attempt=attempt, position=0, response=0)
    services.answer_save(attempt=attempt, position=1, response=True)
    services.answer_save(attempt=attempt, position=2, response="  二维码 ")
    result = services.attempt_submit(attempt=attempt)
    assert (result.percent, result.passed, result.state) == (100, True, "submitted")
    again = services.attempt_submit(attempt=attempt)
    assert again.submitted_at == result.submitted_at
    assert ItemProgress.objects.get(learner=learner, item_id=quiz.pk).completed_at is not None
    from progress import services as progress_services

    assert progress_services.item_complete(learner=learner, item=lesson, course=course) is not None
    assert CourseCompletion.objects.filter(learner=learner, course_id=course.pk).exists()


def test_a_failed_required_quiz_keeps_the_course_open(setup):
    course, lesson, _quiz, _questions, learner = setup
    attempt = start(setup)
    services.answer_save(attempt=attempt, position=0, response=2)
    result = services.attempt_submit(attempt=attempt)
    assert result.percent == 0 and not result.passed
    from progress import services as progress_services

    assert progress_services.item_complete(learner=learner, item=lesson, course=course) is None


def test_closed_attempts_take_no_more_answers(setup):
    attempt = start(setup)
    services.attempt_submit(attempt=attempt)
    with pytest.raises(services.AttemptClosed):
        services.answer_save(attempt=attempt, position=0, response=0)


def test_attempt_limit_holds(setup):
    course, _lesson, quiz, _questions, learner = setup
    quiz.attempts_allowed = 2
    quiz.save_revision().publish()
    quiz.refresh_from_db()
    for _ in range(2):
        services.attempt_submit(attempt=services.attempt_start(learner=learner, quiz=quiz, course=course))
    with pytest.raises(services.AttemptLimitReached):
        services.attempt_start(learner=learner, quiz=quiz, course=course)


def test_editing_a_question_later_never_changes_a_past_score(setup):
    _course, _lesson, _quiz, questions, _learner = setup
    attempt = start(setup)
    services.answer_save(attempt=attempt, position=0, response=0)
    services.attempt_submit(attempt=attempt)
    question = questions[0]
    question.choices = [option("登记成功页面"), option("健康码", True), option("付款码")]
    question.save_revision().publish()
    attempt.refresh_from_db()
    assert attempt.questions[0]["data"]["choices"][0]["correct"] is True
    assert attempt.percent == 33


def test_timed_attempt_is_closed_at_its_deadline_even_if_the_learner_never_returns(setup):
    course, _lesson, quiz, _questions, learner = setup
    quiz.time_limit_minutes = 10
    quiz.save_revision().publish()
    quiz.refresh_from_db()
    attempt = services.attempt_start(learner=learner, quiz=quiz, course=course)
    services.answer_save(attempt=attempt, position=1, response=True)
    assert services.attempts_close_expired(now=timezone.now() + timedelta(minutes=5)) == 0
    assert services.attempts_close_expired(now=timezone.now() + timedelta(minutes=11)) == 1
    attempt.refresh_from_db()
    assert attempt.state == "timed_out" and attempt.percent == 33
    with pytest.raises(services.AttemptClosed):
        services.answer_save(attempt=attempt, position=0, response=0)


def test_random_questions_are_drawn_from_a_category(setup):
    from quizzes.models import QuestionCategory

    course, *_rest, learner = setup
    category = QuestionCategory.objects.create(name="题库/扫码")
    for i in range(5):
        make_question(f"随机题 {i}", category=category)
    make_question("草稿题", category=category, live=False)
    from quizzes.models import QuizPage

    quiz = QuizPage(
        title="随机测验",
        slug="random-quiz",
        questions=[{"type": "random", "value": {"category": category.pk, "count": 3}}],
    )
    course.add_child(instance=quiz)
    quiz.save_revision().publish()
    attempt = services.attempt_start(learner=learner, quiz=quiz, course=course, rng=random.Random(7))
    texts = [q["data"]["text"] for q in attempt.questions]
    assert len(texts) == 3 and len(set(texts)) == 3 and "草稿题" not in texts


def test_a_quiz_without_published_questions_cannot_start(setup):
    course, *_rest, learner = setup
    draft = make_question("只有草稿", live=False)
    quiz = make_quiz(course, [draft], title="空测验")
    with pytest.raises(services.NoQuestions):
        services.attempt_start(learner=learner, quiz=quiz, course=course)


def test_submit_marks_each_answer_right_or_wrong(setup):
    attempt = start(setup)
    services.answer_save(attempt=attempt, position=0, response=0)  # right
    services.answer_save(attempt=attempt, position=1, response=False)  # wrong
    services.answer_save(attempt=attempt, position=2, response="二维码")  # right
    result = services.attempt_submit(attempt=attempt)
    marks = dict(AttemptAnswer.objects.filter(attempt=attempt).values_list("position", "correct"))
    assert marks == {0: True, 1: False, 2: True}
    assert result.percent == 66 and result.passed is True


def test_saving_inside_the_callers_locked_transaction(setup):
    from django.db import transaction

    from quizzes.selectors import attempt_for_learner

    attempt = start(setup)
    with transaction.atomic():
        locked = attempt_for_learner(uuid=attempt.uuid, learner=attempt.learner, lock=True)
        services.answer_save(attempt=locked, position=0, response=1, locked=True)
        services.answer_save(attempt=locked, position=0, response=0, locked=True)
    answer = AttemptAnswer.objects.get()
    assert (answer.response, answer.saves, answer.checked) == (0, 2, False)

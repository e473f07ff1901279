"""Written answers marked by a trainer: closing an attempt with essays, marking it, rights, views."""

import random
import threading

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import Notification
from progress.models import CourseCompletion, ItemProgress
from quizzes import marking, services
from quizzes.models import AttemptAnswer, QuizAttempt
from quizzes.selectors import quiz_state
from tests.factories import make_course, make_org_tree, make_question, make_quiz, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    return make_org_tree()


@pytest.fixture
def setup(units):
    course = make_course("测验课程")
    questions = [
        make_question("单选题", kind="single"),
        make_question("居民拒绝扫码时，你会怎么说？", kind="essay"),
    ]
    quiz = make_quiz(course, questions, pass_mark=60, shuffle_options=False)
    learner = make_user("learner", name="学员甲", org_unit=units["A社区"])
    return course, quiz, learner


def handed_in(setup, *, essay="您好，扫码只需十秒，也可以纸质登记。", choice=0):
    course, quiz, learner = setup
    attempt = services.attempt_start(learner=learner, quiz=quiz, course=course, rng=random.Random(1))
    if choice is not None:
        services.answer_save(attempt=attempt, position=0, response=choice)  # 0 is right (B is index 0)
    if essay is not None:
        services.answer_save(attempt=attempt, position=1, response=essay)
    return services.attempt_submit(attempt=attempt)


def trainer():
    return make_user("trainer", name="培训师", groups=["Trainers"])


# -- closing ---------------------------------------------------------------------------------------


def test_an_attempt_with_a_written_answer_waits_for_marking(setup):
    attempt = handed_in(setup)
    attempt.refresh_from_db()
    assert attempt.state == QuizAttempt.State.SUBMITTED and attempt.awaiting_marking
    assert attempt.score is None and attempt.percent is None and attempt.passed is None
    written = AttemptAnswer.objects.get(position=1)
    assert written.score is None and written.correct is None
    assert AttemptAnswer.objects.get(position=0).correct is True  # the rest is graded at once
    assert not ItemProgress.objects.filter(completed_at__isnull=False).exists()


def test_a_blank_written_answer_scores_zero_and_needs_no_trainer(setup):
    attempt = handed_in(setup, essay="   ")
    attempt.refresh_from_db()
    assert not attempt.awaiting_marking
    assert attempt.percent == 50 and attempt.passed is False


def test_an_unanswered_written_answer_grades_the_attempt_at_once(setup):
    attempt = handed_in(setup, essay=None)
    attempt.refresh_from_db()
    assert not attempt.awaiting_marking and attempt.passed is False


def test_awaiting_is_neither_passed_nor_failed_and_blocks_another_attempt(setup):
    course, quiz, learner = setup
    handed_in(setup)
    state = quiz_state(learner=learner, quiz=quiz)
    assert state.awaiting is not None and not state.passed and state.best is None
    assert not state.can_start
    with pytest.raises(services.AwaitingMarking):
        services.attempt_start(learner=learner, quiz=quiz, course=course)
    assert QuizAttempt.objects.count() == 1


def test_checking_a_written_answer_never_grades_it(setup):
    course, quiz, learner = setup
    quiz.feedback_mode = "each"
    quiz.save_revision().publish()
    quiz.refresh_from_db()
    attempt = services.attempt_start(learner=learner, quiz=quiz, course=course)
    services.answer_save(attempt=attempt, position=1, response="我会耐心解释")
    answer = services.answer_check(attempt=attempt, position=1)
    assert not answer.checked and answer.score is None


# -- marking ---------------------------------------------------------------------------------------


def test_the_last_mark_grades_the_attempt_completes_the_course_and_tells_the_learner(
    setup, django_capture_on_commit_callbacks
):
    course, quiz, learner = setup
    attempt = handed_in(setup)
    marker = trainer()
    with django_capture_on_commit_callbacks(execute=True):
        marked = marking.attempt_mark(
            attempt=attempt,
            marker=marker,
            marks={1: marking.Mark(score=0.8, comment="说得很好，再提纸质登记。")},
        )
    marked.refresh_from_db()
    assert not marked.awaiting_marking
    assert marked.score == pytest.approx(1.8) and marked.percent == 90 and marked.passed
    answer = AttemptAnswer.objects.get(position=1)
    assert answer.score == 0.8 and answer.correct is False and answer.marked_by == marker
    assert answer.comment == "说得很好，再提纸质登记。" and answer.marked_at is not None
    assert CourseCompletion.objects.filter(learner=learner, course_id=course.pk).exists()
    note = Notification.objects.get(recipient=learner, kind=Notification.Kind.QUIZ_MARKED)
    assert note.link == reverse("quizzes:result", args=[attempt.uuid])
    assert quiz.title in note.subject and "90%" in note.subject


def test_an_attempt_from_an_earlier_round_of_training_completes_nothing_when_marked(setup):
    """Re-assigned for re-training while it waited: marking it records its result, as history."""
    attempt = handed_in(setup)
    QuizAttempt.objects.filter(pk=attempt.pk).update(superseded=True)
    attempt.refresh_from_db()
    marking.attempt_mark(attempt=attempt, marker=trainer(), marks={1: marking.Mark(score=1.0)})
    attempt.refresh_from_db()
    assert attempt.passed and not attempt.awaiting_marking
    assert not ItemProgress.objects.filter(completed_at__isnull=False).exists()
    assert not CourseCompletion.objects.exists()


def test_a_low_mark_fails_the_attempt_and_lets_the_learner_try_again(setup):
    _course, quiz, learner = setup
    attempt = handed_in(setup, choice=1)
    marking.attempt_mark(attempt=attempt, marker=trainer(), marks={1: marking.Mark(score=0.5)})
    attempt.refresh_from_db()
    assert attempt.passed is False and attempt.percent == 25
    assert not CourseCompletion.objects.exists()
    assert quiz_state(learner=learner, quiz=quiz).can_start


def test_marks_are_final_once_graded_and_a_replay_changes_nothing(setup):
    attempt = handed_in(setup)
    marker = trainer()
    marking.attempt_mark(attempt=attempt, marker=marker, marks={1: marking.Mark(score=1.0)})
    with pytest.raises(marking.AlreadyMarked):
        marking.attempt_mark(attempt=attempt, marker=marker, marks={1: marking.Mark(score=0.0)})
    attempt.refresh_from_db()
    assert attempt.percent == 100 and AttemptAnswer.objects.get(position=1).score == 1.0


def test_bad_marks_write_nothing(setup):
    attempt = handed_in(setup)
    marker = trainer()
    for marks in ({0: marking.Mark(score=1.0)}, {5: marking.Mark(score=1.0)}, {1: marking.Mark(score=1.5)}):
        with pytest.raises(marking.MarkingError):
            marking.attempt_mark(attempt=attempt, marker=marker, marks=marks)
    attempt.refresh_from_db()
    assert attempt.awaiting_marking and AttemptAnswer.objects.get(position=1).marked_at is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_markers_at_once_give_one_result(setup):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    attempt = handed_in(setup)
    markers = [trainer(), make_user("trainer2", groups=["Trainers"])]
    outcomes = []
    barrier = threading.Barrier(2)

    def mark(marker, score):
        barrier.wait()
        try:
            marking.attempt_mark(attempt=attempt, marker=marker, marks={1: marking.Mark(score=score)})
            outcomes.append("marked")
        except marking.AlreadyMarked:
            outcomes.append("already")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=mark, args=(m, s)) for m, s in zip(markers, (1.0, 0.0), strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already", "marked"]
    assert CourseCompletion.objects.count() <= 1


# -- who may mark ----------------------------------------------------------------------------------


def test_the_queue_is_scoped_like_the_reports(setup, units):
    attempt = handed_in(setup)  # a learner of A社区 (解放碑街道)
    street = units["解放碑街道"]
    own_street = make_user("m1", org_unit=street, managed_unit=street, groups=["Managers"])
    other_street = make_user(
        "m2", org_unit=units["七星岗街道"], managed_unit=units["七星岗街道"], groups=["Managers"]
    )
    assert list(marking.marking_queue(trainer())) == [attempt]
    assert list(marking.marking_queue(own_street)) == [attempt]
    assert list(marking.marking_queue(other_street)) == []
    assert not marking.user_can_mark(setup[2])  # the learner
    assert list(marking.marking_queue(setup[2])) == []


def test_nobody_marks_their_own_attempt(setup):
    course, quiz, _learner = setup
    own = make_user("t-learner", groups=["Trainers"])
    attempt = services.attempt_start(learner=own, quiz=quiz, course=course)
    services.answer_save(attempt=attempt, position=1, response="自己写的")
    services.attempt_submit(attempt=attempt)
    assert list(marking.marking_queue(own)) == []


# -- screens ---------------------------------------------------------------------------------------


def test_a_trainer_marks_from_the_queue(setup, client):
    attempt = handed_in(setup)
    client.force_login(trainer())
    queue = client.get(reverse("quizzes_marking:queue"))
    assert queue.status_code == 200 and "学员甲" in queue.content.decode()
    url = reverse("quizzes_marking:attempt", args=[attempt.uuid])
    page = client.get(url).content.decode()
    assert "居民拒绝扫码时" in page and "纸质登记" in page  # the question, the answer and the guide
    response = client.post(url, {"score-1": "100", "comment-1": "很好"})
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.passed and not attempt.awaiting_marking
    again = client.post(url, {"score-1": "0"})  # a replayed POST
    assert again.status_code == 302
    attempt.refresh_from_db()
    assert attempt.percent == 100


@pytest.mark.parametrize(
    "data",
    [{}, {"score-1": "101"}, {"score-1": "-1"}, {"score-1": "abc"}, {"score-1": "", "comment-1": "写了评语"}],
)
def test_bad_marks_are_refused_on_the_form(setup, client, data):
    attempt = handed_in(setup)
    client.force_login(trainer())
    response = client.post(reverse("quizzes_marking:attempt", args=[attempt.uuid]), data)
    assert response.status_code == 400
    attempt.refresh_from_db()
    assert attempt.awaiting_marking


def test_another_streets_manager_gets_404_and_a_learner_403(setup, client, units):
    attempt = handed_in(setup)
    url = reverse("quizzes_marking:attempt", args=[attempt.uuid])
    client.force_login(
        make_user("m2", org_unit=units["七星岗街道"], managed_unit=units["七星岗街道"], groups=["Managers"])
    )
    assert client.get(url).status_code == 404
    assert client.post(url, {"score-1": "100"}).status_code == 404
    client.force_login(make_user("staff-learner", is_staff=True))
    assert client.get(reverse("quizzes_marking:queue")).status_code in (302, 403)
    attempt.refresh_from_db()
    assert attempt.awaiting_marking


def test_the_learner_sees_waiting_then_the_mark_and_comment(setup, client):
    _course, _quiz, learner = setup
    attempt = handed_in(setup)
    client.force_login(learner)
    result = client.get(reverse("quizzes:result", args=[attempt.uuid])).content.decode()
    assert "Not passed" not in result and "未通过" not in result
    assert "Awaiting marking" in result or "待批改" in result
    mark = marking.Mark(score=0.7, comment="再耐心些")
    marking.attempt_mark(attempt=attempt, marker=trainer(), marks={1: mark})
    result = client.get(reverse("quizzes:result", args=[attempt.uuid])).content.decode()
    assert "再耐心些" in result and "70%" in result


def test_the_essay_textarea_works_without_javascript(setup, client):
    course, quiz, learner = setup
    client.force_login(learner)
    attempt = services.attempt_start(learner=learner, quiz=quiz, course=course)
    url = reverse("quizzes:question", args=[attempt.uuid, 2])
    page = client.get(url).content.decode()
    assert "<textarea" in page and 'name="answer"' in page and 'maxlength="10000"' in page
    response = client.post(url, {"answer": "第一行\r\n第二行", "action": "finish"})
    assert response.status_code == 302
    assert AttemptAnswer.objects.get(position=1).response == "第一行\n第二行"
    too_long = client.post(url, {"answer": "字" * 10_001, "action": "save"})
    assert too_long.status_code == 400


def test_the_queue_costs_the_same_whatever_its_length(setup, client):
    course, quiz, _learner = setup
    handed_in(setup)
    client.force_login(trainer())
    url = reverse("quizzes_marking:queue")
    client.get(url)  # warm the caches (site, menu) so that both counts compare the queue itself
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    for n in range(4):
        learner = make_user(f"more{n}", name=f"学员{n}")
        attempt = services.attempt_start(learner=learner, quiz=quiz, course=course)
        services.answer_save(attempt=attempt, position=1, response="我会耐心解释")
        services.attempt_submit(attempt=attempt)
    with CaptureQueriesContext(connection) as second:
        response = client.get(url)
    assert response.content.decode().count("/admin/marking/") >= 5
    assert len(second.captured_queries) == len(first.captured_queries)

"""The personal data download shows no more of a quiz than its screens did."""

import json

import pytest
from django.urls import reverse

from quizzes import services
from quizzes.models import QuizPage
from quizzes.personal_data import quiz_personal_data
from tests.factories import make_course, make_question, make_quiz, make_user

pytestmark = pytest.mark.django_db

STEPS = ["打开小程序", "点击登记", "填写信息"]  # make_question's ordering steps, in the right order


def take(learner, quiz, *, single, ordering, submit=True):
    """An attempt answering the single-choice question (0 is right) and the ordering one."""
    attempt = services.attempt_start(learner=learner, quiz=quiz, course=quiz.get_parent().specific)
    services.answer_save(attempt=attempt, position=0, response=single)
    services.answer_save(attempt=attempt, position=1, response=ordering)
    if submit:
        attempt = services.attempt_submit(attempt=attempt)
    return attempt


def quiz_with(feedback_mode):
    course = make_course(open_enrolment=True)
    questions = [make_question("访客扫码后看到什么？"), make_question("正确顺序是？", kind="ordering")]
    return make_quiz(course, questions, feedback_mode=feedback_mode, shuffle_options=False)


def answers(learner) -> list[dict]:
    [attempt] = quiz_personal_data(learner)["quiz_attempts"]
    return attempt["answers"]


@pytest.fixture
def learner():
    return make_user("data-learner", name="张网格")


def test_feedback_never_keeps_right_and_wrong_out_of_the_download(client, learner):
    quiz = quiz_with(QuizPage.Feedback.NEVER)
    take(learner, quiz, single=1, ordering=[0, 1, 2])
    client.force_login(learner)

    data = json.loads(client.get(reverse("progress:my_data")).content)

    [attempt] = data["quiz_attempts"]
    # What the result page shows: the score and the verdict…
    assert (attempt["percent"], attempt["passed"], attempt["feedback"]) == (50, False, "never")
    # …but not which answer was right, nor (through the ordering answer's step indexes) the right order.
    assert [answer["correct"] for answer in attempt["answers"]] == [None, None]
    assert [answer["response"] for answer in attempt["answers"]] == [1, STEPS]


def test_feedback_after_submitting_shows_the_marks_once_the_attempt_is_closed(learner):
    quiz = quiz_with(QuizPage.Feedback.END)
    attempt = take(learner, quiz, single=0, ordering=[2, 1, 0], submit=False)
    assert [answer["correct"] for answer in answers(learner)] == [None, None]

    services.attempt_submit(attempt=attempt)
    marked = answers(learner)
    assert [answer["correct"] for answer in marked] == [True, False]
    assert marked[1]["response"] == list(reversed(STEPS))


def test_feedback_after_each_question_shows_only_the_answers_checked(learner):
    quiz = quiz_with(QuizPage.Feedback.EACH)
    attempt = take(learner, quiz, single=0, ordering=[1, 0, 2], submit=False)
    services.answer_check(attempt=attempt, position=0)
    assert [answer["correct"] for answer in answers(learner)] == [True, None]


@pytest.mark.parametrize(
    ("ran_under", "changed_to", "shown"),
    [
        (QuizPage.Feedback.NEVER, QuizPage.Feedback.END, False),
        (QuizPage.Feedback.END, QuizPage.Feedback.NEVER, True),
    ],
)
def test_the_setting_the_attempt_ran_under_decides(learner, ran_under, changed_to, shown):
    """As on the result page, which reads the attempt's snapshot of the quiz's rules."""
    quiz = quiz_with(ran_under)
    take(learner, quiz, single=0, ordering=[0, 1, 2])
    quiz.feedback_mode = changed_to
    quiz.save_revision().publish()

    assert [answer["correct"] for answer in answers(learner)] == ([True, True] if shown else [None, None])

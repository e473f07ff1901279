"""An ordering question's page tells nothing about the right order beyond the shuffled list shown:
its fields are named by the row they sit in, and the server maps each row back to its step through
the order the attempt stored."""

import re
from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import reverse

from quizzes.forms import ordering_field_name, response_from_post
from quizzes.models import AttemptAnswer, QuizAttempt
from quizzes.questiondata import QuestionData
from tests.factories import make_course, make_question, make_quiz, make_user

pytestmark = pytest.mark.django_db

STEPS = ["打开小程序", "点击访客登记", "填写姓名和电话", "提交并出示成功页面"]  # the right order


@pytest.fixture
def quiz():
    question = make_question(
        "代老人登记的顺序是？", kind="ordering", steps=[{"type": "step", "value": s} for s in STEPS]
    )
    return make_quiz(make_course("代登记"), [question], pass_mark=100)


def attempt_showing(quiz, order: list[int]) -> tuple[Client, QuizAttempt]:
    """A learner's attempt whose question lists the steps in ``order`` (as the start-order shuffle
    could have drawn it), and the learner's signed-in client."""
    client = Client()
    client.force_login(make_user())
    client.post(reverse("quizzes:start", args=(quiz.pk,)))
    attempt = QuizAttempt.objects.latest("pk")
    attempt.questions[0]["option_order"] = order
    attempt.save(update_fields=["questions"])
    return client, attempt


def question_url(attempt) -> str:
    return reverse("quizzes:question", args=(attempt.uuid, 1))


def ordering_markup(client, attempt) -> str:
    html = client.get(question_url(attempt)).content.decode()
    return re.search(r'<ol class="ordering">.*?</ol>', html, re.S).group(0)


def fields(markup: str) -> list[tuple[str, str, str]]:
    """(label's for, select's id, select's name) for each row, in page order."""
    return re.findall(
        r'<label class="ordering__label" for="([^"]+)">.*?<select [^>]*id="([^"]+)" name="([^"]+)"',
        markup,
        re.S,
    )


def texts(markup: str) -> list[str]:
    return re.findall(r'<label class="ordering__label" for="[^"]+">([^<]*)</label>', markup)


ORDERS = [[0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1], [1, 3, 0, 2]]


def test_the_page_is_the_same_whatever_the_right_order_except_the_shuffled_steps(quiz):
    pages = [ordering_markup(*attempt_showing(quiz, order)) for order in ORDERS]
    for order, markup in zip(ORDERS, pages, strict=True):
        assert texts(markup) == [STEPS[step] for step in order]  # the steps as this attempt shuffled them
        names = [ordering_field_name(row) for row in range(len(STEPS))]
        assert fields(markup) == [(name, name, name) for name in names]  # named by row, in row order
    # With the step texts taken out, every attempt's markup is byte for byte the same: names, ids,
    # values, attributes and their order say nothing the shuffled list does not.
    blank = [re.sub(r"(ordering__label[^>]*>)[^<]*<", r"\1<", markup) for markup in pages]
    assert len(set(blank)) == 1
    assert 'value="1"' in blank[0] and "data-" not in blank[0]


def answer_in_rows(attempt, places_by_step: list[int]) -> dict:
    """The POST a learner sends who gives step i the place places_by_step[i], row by row as shown."""
    order = attempt.questions[0]["option_order"]
    return {ordering_field_name(row): str(places_by_step[step]) for row, step in enumerate(order)}


def test_a_shuffled_attempt_answered_right_by_row_is_graded_right(quiz):
    client, attempt = attempt_showing(quiz, [2, 0, 3, 1])
    post = answer_in_rows(attempt, [1, 2, 3, 4])
    assert post == {"row-0": "3", "row-1": "1", "row-2": "4", "row-3": "2"}
    response = client.post(question_url(attempt), {**post, "action": "finish"})
    assert response.status_code == 302
    assert AttemptAnswer.objects.get(attempt=attempt).response == [0, 1, 2, 3]
    client.post(reverse("quizzes:submit", args=(attempt.uuid,)))
    attempt.refresh_from_db()
    assert attempt.percent == 100 and attempt.passed


def test_a_shuffled_attempt_answered_in_the_order_shown_is_graded_wrong(quiz):
    client, attempt = attempt_showing(quiz, [2, 0, 3, 1])
    # 1, 2, 3, 4 down the rows: the order shown, which is not the right one.
    post = {ordering_field_name(row): str(row + 1) for row in range(len(STEPS))}
    client.post(question_url(attempt), {**post, "action": "save"}, HTTP_X_REQUESTED_WITH="fetch")
    assert AttemptAnswer.objects.get(attempt=attempt).response == [2, 0, 3, 1]
    client.post(reverse("quizzes:submit", args=(attempt.uuid,)))
    attempt.refresh_from_db()
    assert attempt.percent == 0 and not attempt.passed


def test_the_saved_places_come_back_on_their_rows_after_a_reload(quiz):
    client, attempt = attempt_showing(quiz, [3, 1, 0, 2])
    post = answer_in_rows(attempt, [2, 1, 4, 3])  # the learner's own (wrong) order
    saved = client.post(question_url(attempt), {**post, "action": "save"}, HTTP_X_REQUESTED_WITH="fetch")
    assert saved.status_code == 200
    markup = ordering_markup(client, attempt)
    shown = re.findall(r'name="(row-\d)".*?<option value="(\d)" selected>', markup, re.S)
    assert dict(shown) == post


def test_posted_rows_are_read_through_the_attempts_order():
    data = QuestionData.from_dict(make_question(kind="ordering").to_data().as_dict())
    entry = {"option_order": [2, 0, 1], "image": None}

    def read(**fields):
        return response_from_post(data, QueryDict(urlencode(fields)), entry)

    assert read(**{"row-0": "3", "row-1": "1", "row-2": "2"}) == [0, 1, 2]
    assert read(**{"row-0": "1", "row-1": "2", "row-2": "3"}) == [2, 0, 1]
    assert read(**{"row-0": "1", "row-1": "2"}) is None  # not every step has its place yet
    assert read(**{"row-0": "1", "row-1": "1", "row-2": "3"}) == "duplicate-positions"
    # A page from before fields were named by row sends nothing this reads.
    assert read(**{"position-0": "1", "position-1": "2", "position-2": "3"}) is None
    # A snapshot without a stored order shows, and so reads, the steps as written.
    assert response_from_post(data, QueryDict("row-0=1&row-1=2&row-2=3"), {}) == [0, 1, 2]

"""A trainer writes the newer question kinds in the question bank's admin: the form shows each kind's
fields, saves what the trainer typed, and refuses what cannot be graded, keeping the trainer's input."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, streamfield

from quizzes.grading import grade
from quizzes.kinds import REGISTRY
from quizzes.models import Question
from quizzes.questiondata import Answer
from tests.factories import make_user

pytestmark = pytest.mark.django_db
ADD_URL = "wagtailsnippets_quizzes_question:add"


@pytest.fixture
def trainer_client(client):
    client.force_login(make_user("trainer", groups=["Trainers"]))
    return client


def form(kind: str, **fields) -> dict:
    values = {
        "kind": kind,
        "category": "",
        "title": "",
        "tags": "",
        "text": "题目",
        "image": "",
        "choices": streamfield([]),
        "true_answer": "",
        "true_feedback": "",
        "false_feedback": "",
        "answers": streamfield([]),
        "numeric_answers": streamfield([]),
        "marking_guide": "",
        "steps": streamfield([]),
        "areas": "[]",
        "explanation": "",
        "action-publish": "publish",
    }
    values.update(fields)
    return nested_form_data(values)


def test_the_form_shows_each_kinds_fields_only_for_that_kind(trainer_client):
    content = trainer_client.get(reverse(ADD_URL)).content.decode()
    for kind in REGISTRY:
        assert f'<option value="{kind.value}"' in content
    assert 'data-question-kinds="numeric"' in content
    assert 'data-question-kinds="essay"' in content
    assert 'data-question-kinds="true_false"' in content  # the two feedbacks and the answer


def test_a_trainer_writes_a_numeric_question_with_a_tolerance_and_half_marks(trainer_client):
    response = trainer_client.post(
        reverse(ADD_URL),
        form(
            "numeric",
            text="体温达到多少度要上报？",
            numeric_answers=streamfield(
                [
                    ("answer", {"value": "37.3", "tolerance": "", "weight": "100", "feedback": "对"}),
                    ("answer", {"value": "37", "tolerance": "0.5", "weight": "50", "feedback": "接近了"}),
                ]
            ),
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    data = Question.objects.get().to_data()
    assert data.answers == (Answer("37.3", 1.0, "对", 0.0), Answer("37", 0.5, "接近了", 0.5))
    assert (
        grade(data, "37.3").score == 1 and grade(data, "36.6").score == 0.5 and grade(data, "36").score == 0
    )


def test_a_trainer_writes_a_written_answer_question_with_a_marking_guide(trainer_client):
    response = trainer_client.post(
        reverse(ADD_URL),
        form("essay", text="居民不肯扫码，你怎么说？", marking_guide="讲清原因，提供纸质登记。"),
    )
    assert response.status_code == 302
    assert Question.objects.get().to_data().marking_guide == "讲清原因，提供纸质登记。"


def test_true_false_feedback_for_each_answer(trainer_client):
    response = trainer_client.post(
        reverse(ADD_URL),
        form(
            "true_false",
            text="访客可以不登记。",
            true_answer="False",
            true_feedback="不对",
            false_feedback="对",
        ),
    )
    assert response.status_code == 302
    data = Question.objects.get().to_data()
    assert [c.feedback for c in data.choices] == ["不对", "对"]


@pytest.mark.parametrize(
    ("kind", "fields", "message"),
    [
        ("numeric", {}, "数值题至少需要 1 个答案"),
        (
            "numeric",
            {
                "numeric_answers": streamfield(
                    [("answer", {"value": "3", "tolerance": "", "weight": "50", "feedback": ""})]
                )
            },
            "满分",
        ),
        (
            "fill_blank",
            {"answers": streamfield([("answer", {"text": "。", "weight": "100", "feedback": ""})])},
            "去掉空格和标点后为空",
        ),
    ],
)
def test_what_cannot_be_graded_is_refused_and_nothing_saved(trainer_client, kind, fields, message):
    response = trainer_client.post(reverse(ADD_URL), form(kind, text="题目", **fields))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Question.objects.exists()

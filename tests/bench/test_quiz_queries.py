"""Queries per answer save and per submit, as docs/benchmarks.md quotes them. Pinned, and
checked not to grow with the number of questions; raise only with a reason."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quizzes.models import AttemptAnswer, QuizAttempt
from tests.factories import make_course, make_question, make_quiz, make_user

pytestmark = pytest.mark.django_db

# Save: the learner's attempt read with its row lock (owner, state, deadline and the question snapshot
# the answer is read against), then one upsert of the answer (insert, or replace an unchecked one and
# count the save). The session and the signed-in user come from the shared cache in production (the
# session read is left out here: without Redis it is a database query).
SAVE_QUERIES = 2
# Submit of an attempt that does not pass: the enrolment rule (progress.selectors.enrolment_allowed: the
# learner's enrolment), the attempt read with its row lock, its answers, one short UPDATE per distinct
# mark (right, wrong, or a partial credit), the attempt's result.
SUBMIT_QUERIES_BEFORE_MARKS = 4


def statements(client, method, url, data, **headers) -> tuple[int, object]:
    """Reads and writes for one request, leaving out the session and transaction control."""
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url, data, **headers)
    sql = [q["sql"] for q in ctx.captured_queries if '"django_session"' not in q["sql"]]
    return len([s for s in sql if s.split()[0].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE")]), response


@pytest.mark.parametrize("questions", [2, 20])
def test_answer_save_and_submit_queries_do_not_grow_with_questions(client, questions):
    course = make_course("压测课程")
    quiz = make_quiz(course, [make_question(f"第 {n} 题") for n in range(questions)], pass_mark=100)
    client.force_login(make_user())
    client.post(reverse("quizzes:start", args=(quiz.pk,)))
    attempt = QuizAttempt.objects.get()
    url = reverse("quizzes:question", args=(attempt.uuid, questions))
    fetch = {"HTTP_X_REQUESTED_WITH": "fetch"}
    client.post(
        reverse("quizzes:question", args=(attempt.uuid, 1)), {"choice": "2", "action": "save"}, **fetch
    )

    first, response = statements(client, "post", url, {"choice": "0", "action": "save"}, **fetch)
    assert response.status_code == 200 and first == SAVE_QUERIES
    again, response = statements(client, "post", url, {"choice": "1", "action": "save"}, **fetch)
    assert response.status_code == 200 and again == SAVE_QUERIES
    assert AttemptAnswer.objects.get(attempt=attempt, position=questions - 1).saves == 2

    submit, response = statements(client, "post", reverse("quizzes:submit", args=(attempt.uuid,)), {})
    attempt.refresh_from_db()
    assert attempt.state == QuizAttempt.State.SUBMITTED and attempt.passed is False
    marks = set(AttemptAnswer.objects.filter(attempt=attempt).values_list("score", "correct"))
    assert response.status_code == 302 and submit == SUBMIT_QUERIES_BEFORE_MARKS + len(marks)

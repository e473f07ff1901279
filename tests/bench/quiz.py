"""Database side of the quiz benchmark: set up a bench quiz and signed-in learners, check every
acknowledged save and submit against what PostgreSQL holds, and clean up afterwards.

Run with the bench settings, so sessions land in the store the server reads:
`manage.py shell -c "from tests.bench.quiz import setup; setup()"` (also `verify`, `cleanup`).
Each prints one JSON line last. Parameters come from the environment: BENCH_QUIZ_LEARNERS,
BENCH_QUIZ_QUESTIONS (setup), BENCH_QUIZ_FILE (verify: the client's record of what it sent,
cleanup: the setup output).

While it runs, a trigger logs every UPDATE that closes an attempt, so a submit graded twice
would show up even though the second grading would write the same score.
"""

import json
import os
from collections import Counter
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from courses.models import CourseIndexPage, CoursePage
from quizzes.importing import question_from_data
from quizzes.models import AttemptAnswer, Question, QuestionCategory, QuizAttempt, QuizPage
from quizzes.questiondata import Choice, QuestionData, QuestionKind

COURSE_SLUG = "bench-quiz-course"
CATEGORY = "压测题库"
USERNAME_PREFIX = "bench-quiz-"
OPTIONS = 4

TRIGGER_SQL = [
    "CREATE TABLE IF NOT EXISTS bench_grading_log (attempt_id bigint NOT NULL, state varchar(20))",
    """CREATE OR REPLACE FUNCTION bench_log_grading() RETURNS trigger AS $$
    BEGIN
        IF NEW.state <> 'in_progress' THEN
            INSERT INTO bench_grading_log (attempt_id, state) VALUES (NEW.id, NEW.state);
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS bench_grading ON quizzes_quizattempt",
    """CREATE TRIGGER bench_grading AFTER UPDATE OF state ON quizzes_quizattempt
    FOR EACH ROW EXECUTE FUNCTION bench_log_grading()""",
]
DROP_SQL = [
    "DROP TRIGGER IF EXISTS bench_grading ON quizzes_quizattempt",
    "DROP FUNCTION IF EXISTS bench_log_grading()",
    "DROP TABLE IF EXISTS bench_grading_log",
]


def _print(data: dict) -> None:
    print(json.dumps(data, ensure_ascii=False))


def _remove() -> None:
    """Everything a previous (maybe interrupted) run left behind."""
    with transaction.atomic():
        get_user_model().objects.filter(username__startswith=USERNAME_PREFIX).delete()  # attempts cascade
        for course in CoursePage.objects.filter(slug=COURSE_SLUG):
            course.delete()
        Question.objects.filter(category__name=CATEGORY).delete()
        QuestionCategory.objects.filter(name=CATEGORY).delete()
        with connection.cursor() as cursor:
            for statement in DROP_SQL:
                cursor.execute(statement)


def setup() -> None:
    learners = int(os.environ.get("BENCH_QUIZ_LEARNERS", "200"))
    questions = int(os.environ.get("BENCH_QUIZ_QUESTIONS", "20"))
    _remove()
    with transaction.atomic():
        category = QuestionCategory.objects.create(name=CATEGORY)
        blocks = []
        for number in range(1, questions + 1):
            data = QuestionData(
                kind=QuestionKind.SINGLE,
                text=f"压测题 {number}：哪一项是正确的？",
                choices=tuple(
                    Choice(text=f"选项 {option + 1}", correct=option == number % OPTIONS)
                    for option in range(OPTIONS)
                ),
            )
            question = question_from_data(data, category=category)
            question.title = data.text
            question.live = False
            question.full_clean()
            question.save()
            question.save_revision().publish()
            blocks.append({"type": "question", "value": {"question": question.pk}})
        index = CourseIndexPage.objects.live().order_by("path").first()
        course = index.add_child(
            instance=CoursePage(
                title="压测课程", slug=COURSE_SLUG, summary="只用于压测。", estimated_minutes=5
            )
        )
        course.save_revision().publish()
        quiz = course.add_child(
            instance=QuizPage(
                title="压测测验",
                slug="bench-quiz",
                questions=blocks,
                pass_mark=60,
                attempts_allowed=0,
                feedback_mode=QuizPage.Feedback.END,
            )
        )
        quiz.save_revision().publish()
        User = get_user_model()
        users = User.objects.bulk_create(
            [
                User(username=f"{USERNAME_PREFIX}{n:04d}", name=f"压测学员{n}", password=make_password(None))
                for n in range(1, learners + 1)
            ]
        )
        with connection.cursor() as cursor:
            for statement in TRIGGER_SQL:
                cursor.execute(statement)
    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
    sessions = []
    for user in users:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions.append(store.session_key)
    _print(
        {
            "quiz_id": quiz.pk,
            "questions": questions,
            "options": OPTIONS,
            "learners": [
                {"username": u.username, "session": s} for u, s in zip(users, sessions, strict=True)
            ],
        }
    )


def verify() -> None:
    """Compare the client's record (every save it sent, with the status it got; every submit)
    with the database. Only saves answered 200 count as acknowledged."""
    with open(os.environ["BENCH_QUIZ_FILE"], encoding="utf-8") as handle:
        record = json.load(handle)
    report = Counter()
    attempts = {
        str(a.uuid): a
        for a in QuizAttempt.objects.filter(uuid__in=[r["uuid"] for r in record["attempts"]]).select_related(
            "learner"
        )
    }
    answers: dict[int, list[AttemptAnswer]] = {}
    for answer in AttemptAnswer.objects.filter(attempt__in=[a.pk for a in attempts.values()]):
        answers.setdefault(answer.attempt_id, []).append(answer)
    with connection.cursor() as cursor:
        cursor.execute("SELECT attempt_id, count(*) FROM bench_grading_log GROUP BY attempt_id")
        gradings = dict(cursor.fetchall())
    for entry in record["attempts"]:
        attempt = attempts.get(entry["uuid"])
        if attempt is None:
            report["attempts missing"] += 1
            continue
        rows = answers.get(attempt.pk, [])
        by_position = Counter(row.position for row in rows)
        report["duplicated"] += sum(count - 1 for count in by_position.values())
        stored = {row.position: row for row in rows}
        expected_score, uncertain = 0, False
        for position_text, sends in entry["saves"].items():  # [[value, status], ...] in order sent
            position = int(position_text)
            acknowledged = [value for value, status in sends if status == 200]
            report["saves acknowledged"] += len(acknowledged)
            report["saves not acknowledged"] += len(sends) - len(acknowledged)
            row = stored.pop(position, None)
            if len(acknowledged) < len(sends):
                report["positions left uncertain by an error"] += 1
                uncertain = True
                continue
            if row is None:
                report["lost"] += len(acknowledged)
                continue
            wrong = row.response != acknowledged[-1]  # the last value given did not stick
            report["wrong last value"] += wrong
            # `saves` counts every save the server made: fewer than acknowledged means some were
            # lost, more means one was applied twice.
            report["lost"] += max(len(acknowledged) - row.saves, int(wrong))
            report["duplicated"] += max(row.saves - len(acknowledged), 0)
            if attempt.question_data(position).choices[acknowledged[-1]].correct:
                expected_score += 1
        report["duplicated"] += len(stored)  # rows for positions the client never saved
        report["answer rows"] += len(rows)
        graded = gradings.get(attempt.pk, 0)
        report["attempts"] += 1
        report["submit requests"] += len(entry["submits"])
        failed = sum(1 for status in entry["submits"] if status != 302)
        report["submit requests not redirected to the result"] += failed
        if failed == len(entry["submits"]):
            report["attempts with no submit acknowledged"] += 1
        elif attempt.state != QuizAttempt.State.SUBMITTED or graded == 0:
            report["submits lost"] += 1
            report["lost"] += 1
        if graded > 1:
            report["attempts graded more than once"] += 1
            report["duplicated"] += graded - 1
        if (
            not uncertain
            and attempt.state == QuizAttempt.State.SUBMITTED
            and abs((attempt.score or 0) - expected_score) > 1e-9
        ):
            report["scores wrong"] += 1
    learners = {entry["username"] for entry in record["attempts"]}
    per_learner = Counter(
        QuizAttempt.objects.filter(learner__username__in=learners).values_list("learner__username", flat=True)
    )
    rounds = record["rounds"]
    report["learners with an attempt too many or too few"] = sum(
        1 for username in learners if per_learner[username] != rounds
    )
    report["open attempts left"] = QuizAttempt.objects.filter(
        learner__username__in=learners, state=QuizAttempt.State.IN_PROGRESS
    ).count()
    report.setdefault("lost", 0)
    report.setdefault("duplicated", 0)
    _print(dict(report))


def cleanup() -> None:
    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
    path = os.environ.get("BENCH_QUIZ_FILE")
    if path and os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            for learner in json.load(handle).get("learners", []):
                SessionStore(session_key=learner["session"]).delete()
    _remove()
    _print({"cleaned": True})

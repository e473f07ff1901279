"""The learner's quiz attempts (with their answers) and guided practice, for their data download.

The download shows no more than the quiz screens did: whether an answer was right only where the
learner was shown it, under the feedback setting the attempt ran under (its snapshot of the quiz's
rules, so changing the setting later neither reveals nor hides old answers)."""

from core.personal_data import coded
from quizzes.models import AttemptAnswer, PracticeRecord, QuizAttempt, QuizPage
from quizzes.questiondata import QuestionKind


def answer_marking_shown(attempt: QuizAttempt, answer: AttemptAnswer) -> bool:
    """Whether the learner was shown if this answer was right: once checked, with feedback after
    each question; on the result page, for every answer of a closed attempt, unless feedback is
    "never" (the score and the verdict only)."""
    mode = attempt.rules.get("feedback_mode")
    if mode == QuizPage.Feedback.NEVER:
        return False
    if attempt.is_open:
        return mode == QuizPage.Feedback.EACH and answer.checked
    return True


def _response(entry: dict | None, response):
    """The answer as the learner gave it. An ordering answer is stored as indexes into the steps in
    their right order, so the indexes themselves would reveal that order: it is given as the steps'
    texts, in the learner's order."""
    data = (entry or {}).get("data") or {}
    if data.get("kind") == QuestionKind.ORDERING and isinstance(response, list):
        steps = data.get("steps") or []
        return [steps[i] if isinstance(i, int) and 0 <= i < len(steps) else None for i in response]
    return response


def quiz_personal_data(user) -> dict:
    """Three queries: the attempts, their answers, the guided practice."""
    attempts = QuizAttempt.objects.filter(learner=user).prefetch_related("answers").order_by("started_at")
    return {
        "quiz_attempts": [
            {
                "quiz_id": attempt.quiz_id,
                "course_id": attempt.course_id,
                "number": attempt.number,
                "state": coded(attempt.state, QuizAttempt.State),
                "started_at": attempt.started_at,
                "submitted_at": attempt.submitted_at,
                "percent": attempt.percent,
                "passed": attempt.passed,
                "earlier_training": attempt.superseded,
                "feedback": coded(attempt.rules.get("feedback_mode"), QuizPage.Feedback),
                "answers": [
                    _answer(attempt, answer) for answer in sorted(attempt.answers.all(), key=_position)
                ],
            }
            for attempt in attempts
        ],
        "guided_practice": list(
            PracticeRecord.objects.filter(learner=user)
            .order_by("completed_at")
            .values("lesson_id", "block_id", "completed_at", "misses")
        ),
    }


def _position(answer: AttemptAnswer) -> int:
    return answer.position


def _answer(attempt: QuizAttempt, answer: AttemptAnswer) -> dict:
    entry = attempt.questions[answer.position] if answer.position < len(attempt.questions) else None
    return {
        "question": entry["data"].get("text") if entry else None,
        "response": _response(entry, answer.response),
        "saved_at": answer.saved_at,
        # None where the learner was not shown it, as for an answer not marked yet.
        "correct": answer.correct if answer_marking_shown(attempt, answer) else None,
    }

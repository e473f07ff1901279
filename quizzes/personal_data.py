"""The learner's quiz attempts (with their answers) and guided practice, for their data download."""

from quizzes.models import PracticeRecord, QuizAttempt


def quiz_personal_data(user) -> dict:
    attempts = QuizAttempt.objects.filter(learner=user).prefetch_related("answers").order_by("started_at")
    return {
        "quiz_attempts": [
            {
                "quiz_id": attempt.quiz_id,
                "course_id": attempt.course_id,
                "number": attempt.number,
                "state": attempt.state,
                "started_at": attempt.started_at,
                "submitted_at": attempt.submitted_at,
                "percent": attempt.percent,
                "passed": attempt.passed,
                "earlier_training": attempt.superseded,
                "answers": [
                    {
                        "question": attempt.questions[answer.position]["data"].get("text")
                        if answer.position < len(attempt.questions)
                        else None,
                        "response": answer.response,
                        "saved_at": answer.saved_at,
                        "correct": answer.correct,
                    }
                    for answer in sorted(attempt.answers.all(), key=lambda a: a.position)
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

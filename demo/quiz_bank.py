"""Demo question bank: a final quiz per demo course, and written exercises (marked by a trainer), in the
shape `QuestionData` takes. The questions live in demo.questions, one module per course."""

from demo.questions import ai, managers, notices, phone, privacy, qr, temperature, tracing, volunteer

# course slug -> (quiz title, [questions]); each question: dict for QuestionData plus "image" key for
# screenshots (an illustration key) where the question needs one.
QUIZZES = {
    "qr-visitor-registration": (qr.TITLE, qr.QUESTIONS),
    "temperature-logging": (temperature.TITLE, temperature.QUESTIONS),
    "contact-tracing-basics": (tracing.TITLE, tracing.QUESTIONS),
    "community-notices": (notices.TITLE, notices.QUESTIONS),
    "safe-ai-assistant": (ai.TITLE, ai.QUESTIONS),
    "resident-privacy": (privacy.TITLE, privacy.QUESTIONS),
    "volunteer-onboarding": (volunteer.TITLE, volunteer.QUESTIONS),
    "phone-basics": (phone.TITLE, phone.QUESTIONS),
    "for-training-managers": (managers.TITLE, managers.QUESTIONS),
}

# Pass mark of each final quiz (percent); the default is PASS_MARK.
PASS_MARK = 80
PASS_MARKS = {"resident-privacy": 85}

# course slug -> (title, [questions]): optional written exercises, marked by a trainer, not required for
# completing the course. Essay questions live only here, so every final quiz can be passed on answers alone.
EXERCISES = {
    "safe-ai-assistant": (ai.EXERCISE_TITLE, ai.EXERCISE),
}

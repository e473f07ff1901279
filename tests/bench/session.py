"""Prints a session key for a benchmark learner enrolled in the first demo course.

Run as `manage.py shell -c "from tests.bench.session import main; main()"` with the bench
settings, so the session lands in the same store (database or Redis) the server reads."""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model

from courses.models import CoursePage
from progress import services


def main() -> None:
    User = get_user_model()
    user, _created = User.objects.get_or_create(username="bench-learner", defaults={"name": "压测学员"})
    course = CoursePage.objects.live().order_by("path").first()
    items = list(course.items()[:2])
    services.item_complete(learner=user, item=items[0], course=course)
    services.item_seen(learner=user, item=items[1], course=course)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    print(store.session_key)


def quiz_question() -> None:
    """Prints the path of the question page of the bench learner's open attempt at the first demo
    course's first quiz (started here, or the one already open)."""
    from quizzes.models import QuizPage
    from quizzes.services import attempt_start

    user = get_user_model().objects.get(username="bench-learner")
    course = CoursePage.objects.live().order_by("path").first()
    quiz = QuizPage.objects.live().descendant_of(course).order_by("path").first()
    attempt = attempt_start(learner=user, quiz=quiz, course=course)
    print(f"/quizzes/attempts/{attempt.uuid}/1/")

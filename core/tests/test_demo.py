"""The demo loader makes a real-looking site and is safe to run again."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from wagtail.images import get_image_model

from core.demo import curriculum
from courses.models import CoursePage, LessonPage, Topic

pytestmark = pytest.mark.django_db


def counts():
    return (
        CoursePage.objects.live().count(),
        LessonPage.objects.live().count(),
        Topic.objects.count(),
        get_image_model().objects.count(),
        get_user_model().objects.count(),
    )


def test_demo_curriculum_is_big_enough_to_look_real():
    assert len(curriculum.COURSES) >= 5
    assert sum(len(course["lessons"]) for course in curriculum.COURSES) >= 20


def test_load_demo_twice_creates_nothing_twice(capsys):
    call_command("load_demo", "--with-accounts")
    first = counts()
    assert first[0] >= 5 and first[1] >= 20
    call_command("load_demo", "--with-accounts")
    assert counts() == first
    out = capsys.readouterr().out
    assert "already existed, password unchanged" in out
    assert "learner" in out and "demo-learner-2026" in out


def test_demo_pages_render(client):
    call_command("load_demo")
    for page in [*CoursePage.objects.live(), *LessonPage.objects.live()[:8]]:
        assert client.get(page.url).status_code == 200, page.url


def test_demo_accounts_can_sign_in_to_what_they_need(client):
    call_command("load_demo", "--with-accounts")
    User = get_user_model()
    assert User.objects.get(username="trainer").groups.filter(name="Trainers").exists()
    assert User.objects.get(username="reviewer").groups.filter(name="Reviewers").exists()
    assert client.login(username="learner", password="demo-learner-2026")


def test_demo_accounts_refused_when_settings_forbid(settings):
    settings.DEMO_ACCOUNTS_ALLOWED = False
    with pytest.raises(CommandError, match="known passwords"):
        call_command("load_demo", "--with-accounts")
    assert not get_user_model().objects.exists()

"""Every lesson page carries the 朗读本课 toolbar, hidden until js/listen.js finds the browser's speech."""

import pytest
from django.test import Client

from tests.factories import make_course, make_lesson

pytestmark = pytest.mark.django_db


def test_the_read_aloud_toolbar_is_on_lesson_pages_hidden_until_the_script_shows_it():
    lesson = make_lesson(make_course())
    html = Client().get(lesson.url).content.decode()
    assert '<div class="listen" data-listen hidden' in html
    assert "data-listen-play" in html and "data-listen-pause" in html and "data-listen-stop" in html
    assert html.count("data-listen-rate=") == 3
    assert 'data-step="' in html and "data-no-voice-zh=" in html
    assert '<script src="/static/js/listen.js" defer></script>' in html or "js/listen." in html


def test_the_course_page_does_not_load_the_script():
    course = make_course()
    make_lesson(course)
    assert "js/listen" not in Client().get(course.url).content.decode()

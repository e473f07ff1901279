import importlib

import pytest
from django.apps import apps

from courses.models import CoursePage, LessonPage
from tests.factories import make_course, make_lesson, paragraph

pytestmark = pytest.mark.django_db

migration = importlib.import_module("courses.migrations.0005_coursepage_search_text")


def test_existing_pages_get_a_folded_search_text():
    course = make_course("ＡＩ助手", summary="用 AI 写通知")
    lesson = make_lesson(course, "让ＡＩ起草", summary="Ai", body=[paragraph("打开ＡＩ助手。")])
    # as rows were before the migration: lessons held their body's raw text, courses nothing
    LessonPage.objects.filter(pk=lesson.pk).update(search_text="打开ＡＩ助手。")
    CoursePage.objects.filter(pk=course.pk).update(search_text="")

    migration.fold_search_text(apps, None)

    assert CoursePage.objects.get(pk=course.pk).search_text == "ai助手\n用 ai 写通知"
    assert LessonPage.objects.get(pk=lesson.pk).search_text == "让ai起草\nai\n打开ai助手。"

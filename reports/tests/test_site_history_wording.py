"""Site history names the course of a manager's "mark complete" (from the log data), and the object
type column is not labelled with the question bank's word for a question's type."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from progress.services import course_completion_override
from reports.tests.conftest import body_text, login

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_mark_complete_entry_names_the_course_and_the_reason(client, world):
    learner, course = world.learners["A社区"], world.courses["A社区"]
    manager = world.users["district_manager"]
    course_completion_override(learner=learner, course=course, actor=manager, reason="线下集中培训")
    login(client, manager)
    shown = body_text(client.get(reverse("wagtailadmin_reports:site_history")))
    with translation.override("zh-hans"):
        expected = gettext("Course “%(course)s” marked complete by a manager: %(reason)s") % {
            "course": course.title,
            "reason": "线下集中培训",
        }
    assert expected in shown


def test_entries_without_the_title_still_read_well():
    from progress.wagtail_hooks import CompletionOverrideFormatter

    class Entry:
        data = {"course": 1, "reason": "线下"}  # written before the course's title was logged

    with translation.override("en"):
        assert CompletionOverrideFormatter().format_message(Entry()) == "Course marked complete by a manager"


def test_the_projects_question_type_never_takes_wagtails_generic_type():
    """The project translates a question's type as 题型; Wagtail's generic "Type" (site history's
    object type, page types…) must keep its own translation, so ours always carries a context."""
    bare = re.compile(
        r"""(?:\b_|gettext(?:_lazy)?)\(\s*["']Type["']\s*\)|\{%\s*(?:trans|translate)\s+["']Type["']\s*%\}"""
    )
    found = [
        f"{path.relative_to(ROOT)}"
        for pattern in ("*/**/*.py", "*/**/*.html")
        for path in ROOT.glob(pattern)
        if ".venv" not in path.parts and bare.search(path.read_text(encoding="utf-8", errors="ignore"))
    ]
    assert not found, f"use pgettext('question', 'Type') for a question's type: {found}"

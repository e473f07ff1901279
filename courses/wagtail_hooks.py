"""Wagtail hooks of the courses app: only registration."""

from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin import messages

from core.models import HOME_PAGE_CONTEXT_HOOK
from courses.models import CourseItemPage, CoursePage
from courses.selectors import course_cards


@hooks.register(HOME_PAGE_CONTEXT_HOOK)
def add_newest_courses_to_home_page(request, page, context):
    context["courses"] = course_cards(root=page, newest_first=True, request=request)[: page.featured_count]


@hooks.register("after_create_page")
def place_new_lessons_before_the_final_quiz(request, page):
    """A lesson added to a course that ends with a quiz goes before the quiz, and the trainer is told
    where it went and how to change the order (in Chinese: Wagtail's own sorting screen is not)."""
    if not isinstance(page, CourseItemPage):
        return
    course = page.get_parent().specific
    if not isinstance(course, CoursePage):
        return
    before = course.place_before_closing_items(page)
    if before is not None:
        messages.info(
            request,
            _(
                "“%(item)s” was placed before the course's final quiz “%(quiz)s”. To change the order, open "
                "the course's child pages and click “Sort menu order”."
            )
            % {"item": page.title, "quiz": before.title},
        )

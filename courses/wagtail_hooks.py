"""Wagtail hooks of the courses app: only registration."""

from wagtail import hooks

from core.models import HOME_PAGE_CONTEXT_HOOK
from courses.selectors import course_cards


@hooks.register(HOME_PAGE_CONTEXT_HOOK)
def add_newest_courses_to_home_page(request, page, context):
    context["courses"] = course_cards(root=page, newest_first=True, request=request)[: page.featured_count]

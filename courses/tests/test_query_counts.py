"""The number of SQL queries for a page does not grow with its lessons, blocks or images."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import content_cache
from tests.factories import image_block, make_course, make_image, make_lesson, paragraph, steps_block

pytestmark = pytest.mark.django_db

# Pinned. Every page pays 7: site, home page, route by URL path, the page's specific row,
# Wagtail's two view-restriction checks, and site settings for the footer.
# A lesson adds its course and siblings (2), one image query per block type that holds
# images (here 2: image and steps), and one for all renditions. Raise only with a reason.
LESSON_PAGE_QUERIES = 12
COURSE_PAGE_QUERIES = 10  # + items, cover image, renditions, test-out quizzes; - footer settings (cached)
CATALOGUE_QUERIES = 11  # + topics, restrictions for public(), courses, renditions
HOME_QUERIES = 8
# With the content cache warm (the usual case), an anonymous lesson or course page costs this:
CACHED_LESSON_QUERIES = 0
CACHED_COURSE_QUERIES = 0  # site, home, its two restriction checks, settings + public(), courses, renditions


def count_queries(client, url, *, cached: bool = False) -> int:
    """Queries for one view of ``url``. By default the content cache is emptied first, so this
    is the cost right after something was published; ``cached=True`` is the steady state."""
    client.get(url)  # the first view ever also creates renditions
    if not cached:
        content_cache.bump()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def lesson_with(n_images: int):
    course = make_course()
    for i in range(3):
        make_lesson(course, f"前置课 {i}")
    images = [make_image(f"图 {i}") for i in range(n_images)]
    body = [paragraph()] + [image_block(image) for image in images] + [steps_block(images)]
    return make_lesson(course, body=body)


def test_lesson_page_queries_are_pinned_and_flat(client):
    small, large = lesson_with(1), lesson_with(12)
    assert count_queries(client, small.url) == count_queries(client, large.url) == LESSON_PAGE_QUERIES
    assert (
        count_queries(client, small.url, cached=True)
        == count_queries(client, large.url, cached=True)
        == CACHED_LESSON_QUERIES
    )


def test_course_page_queries_are_pinned_and_flat(client):
    few = make_course(cover_image=make_image())
    make_lesson(few)
    many = make_course(cover_image=make_image())
    for i in range(25):
        make_lesson(many, f"第 {i} 课")
    assert count_queries(client, few.url) == count_queries(client, many.url) == COURSE_PAGE_QUERIES
    assert count_queries(client, many.url, cached=True) == CACHED_COURSE_QUERIES


def test_catalogue_and_home_queries_are_flat(client):
    for i in range(2):
        make_lesson(make_course(f"课程 {i}", cover_image=make_image()))
    catalogue_small = count_queries(client, "/courses/")
    home_small = count_queries(client, "/")
    for i in range(10):
        make_lesson(make_course(f"更多课程 {i}", cover_image=make_image()))
    assert count_queries(client, "/courses/") == catalogue_small == CATALOGUE_QUERIES
    assert count_queries(client, "/") == home_small == HOME_QUERIES

"""Cached pages never show stale content: every change that learners see empties the cache."""

import pytest

from core import content_cache
from core.models import SiteSettings
from tests.factories import home_page, make_course, make_lesson, paragraph

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson():
    course = make_course("缓存课程")
    return make_lesson(course, "第一课", body=[paragraph("旧的说明")])


def warm(client, url):
    for _ in range(2):
        assert client.get(url).status_code == 200


def test_publishing_an_edit_shows_at_once(client, lesson):
    warm(client, lesson.url)
    lesson.body = [paragraph("新的说明")]
    lesson.title = "第一课（修订）"
    lesson.save_revision().publish()
    html = client.get(lesson.url).content.decode()
    assert "新的说明" in html and "旧的说明" not in html and "第一课（修订）" in html


def test_a_draft_edit_does_not_leak_before_publishing(client, lesson):
    warm(client, lesson.url)
    lesson.body = [paragraph("草稿内容")]
    lesson.save_revision()
    assert "草稿内容" not in client.get(lesson.url).content.decode()


def test_unpublishing_and_deleting_take_effect_at_once(client, lesson):
    warm(client, lesson.url)
    lesson.unpublish()
    assert client.get(lesson.url).status_code == 404
    lesson.save_revision().publish()
    warm(client, lesson.url)
    url = lesson.url
    lesson.delete()
    assert client.get(url).status_code == 404


def test_moving_a_page_changes_its_address(client, lesson):
    other = make_course("另一门课", slug="other-course")
    warm(client, lesson.url)
    old_url = lesson.url
    lesson.move(other, pos="last-child")
    new_url = f"/courses/other-course/{lesson.slug}/"
    assert client.get(new_url).status_code == 200
    old = client.get(old_url)  # Wagtail leaves a redirect behind; the cache must not serve the old page
    assert old.status_code == 301 and old["Location"] == new_url


def test_site_settings_show_in_the_footer_at_once(client, lesson):
    warm(client, lesson.url)
    settings = SiteSettings.for_site(home_page().get_site())
    settings.help_contact = "求助电话 12345"
    settings.save()
    assert "求助电话 12345" in client.get(lesson.url).content.decode()


def test_each_request_gets_its_own_copy():
    content_cache.put(("probe",), {"rows": [1]})
    first = content_cache.get(("probe",))
    first["rows"].append(2)
    assert content_cache.get(("probe",)) == {"rows": [1]}


def test_a_flushed_shared_cache_never_revives_old_local_entries():
    from django.core.cache import cache

    content_cache.put(("probe",), "old")
    cache.delete(content_cache.GENERATION_KEY)
    assert content_cache.is_missing(content_cache.get(("probe",)))

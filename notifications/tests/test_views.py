"""The list, opening a reminder, marking all read, the email choices, and the header badge."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications import services
from notifications.models import Notification, ReminderPreference
from notifications.selectors import ReminderDraft
from tests.factories import make_lesson, make_org_tree, make_user

pytestmark = pytest.mark.django_db

LIST = reverse("notifications:list")
PREFERENCES = reverse("notifications:preferences")


def notify(user, n=1, *, kind="overdue", link="/my/"):
    services.notifications_create(
        drafts=[
            ReminderDraft(
                recipient_id=user.pk,
                kind=kind,
                dedupe_key=f"{kind}:{user.pk}:{i}",
                params={"course": f"课程{i}", "due_on": "2026-11-20"},
                link=link,
            )
            for i in range(n)
        ]
    )
    return list(Notification.objects.filter(recipient=user).order_by("pk"))


def english_client(user=None) -> Client:
    """Assertions on wording use the English text: the Chinese comes with the translations."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def test_the_list_shows_only_my_own_reminders_newest_first():
    me, other = make_user("me"), make_user("other")
    notify(me, 2)
    notify(other, 1, kind="due_soon")
    html = english_client(me).get(LIST).content.decode()
    assert html.count('class="result__title"') == 2 and "is due on" not in html
    assert html.index("课程1") < html.index("课程0")


def test_the_list_speaks_the_readers_language():
    me = make_user("me")
    notify(me)
    assert Notification.objects.get().subject.startswith("“课程0”")  # stored as first sent
    assert "“课程0” is overdue" in english_client(me).get(LIST).content.decode()


def test_opening_marks_read_and_goes_where_it_points():
    me = make_user("me")
    (note,) = notify(me, link="/my/")
    client = english_client(me)
    response = client.post(reverse("notifications:open", args=(note.pk,)))
    assert response.status_code == 302 and response["Location"] == "/my/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_opening_is_a_post_and_someone_elses_reminder_is_not_found():
    me, other = make_user("me"), make_user("other")
    (theirs,) = notify(other)
    client = english_client(me)
    url = reverse("notifications:open", args=(theirs.pk,))
    assert client.get(url).status_code == 405  # no side effects on GET
    assert client.post(url).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_link_to_another_site_is_not_followed():
    me = make_user("me")
    (note,) = notify(me, link="https://evil.example/")
    response = english_client(me).post(reverse("notifications:open", args=(note.pk,)))
    assert response["Location"] == LIST


def test_mark_all_read_touches_only_mine():
    me, other = make_user("me"), make_user("other")
    notify(me, 3)
    notify(other, 2)
    response = english_client(me).post(reverse("notifications:read_all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=me, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).count() == 2


def test_the_pages_need_sign_in():
    client = Client()
    for url in (LIST, PREFERENCES):
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_choosing_which_reminders_come_by_email():
    me = make_user("me", email="me@example.cn")
    client = english_client(me)
    page = client.get(PREFERENCES).content.decode()
    assert "me@example.cn" in page
    assert 'name="email_digest"' not in page  # only managers get the digest
    response = client.post(PREFERENCES, {"email_due_soon": "on"})
    assert response.status_code == 302
    preference = ReminderPreference.objects.get(user=me)
    assert preference.email_due_soon and not preference.email_overdue
    assert not preference.email_certificate_expiring and preference.email_digest  # untouched


def test_managers_can_choose_the_digest_and_people_without_an_address_are_told():
    manager = make_user("boss", managed_unit=make_org_tree()["渝中区"])
    page = english_client(manager).get(PREFERENCES).content.decode()
    assert 'name="email_digest"' in page and "no email address" in page


def test_the_account_page_links_to_the_email_choices():
    me = make_user("me")
    assert PREFERENCES in english_client(me).get(reverse("accounts:profile")).content.decode()


# --- The badge -----------------------------------------------------------------------------


def test_the_badge_shows_my_unread_count_with_a_text_alternative():
    me = make_user("me")
    notify(me, 3)
    html = english_client(me).get(reverse("accounts:profile")).content.decode()
    assert re.search(r'<span class="badge" aria-hidden="true" style="[^"]*">3</span>', html)
    assert '<span class="visually-hidden">3 unread reminders</span>' in html
    assert f'href="{LIST}"' in html and "notifications-badge" not in html


def test_the_badge_follows_reading_at_once():
    me = make_user("me")
    (first, _second) = notify(me, 2)
    client = english_client(me)
    assert "2 unread reminders" in client.get(reverse("accounts:profile")).content.decode()
    client.post(reverse("notifications:open", args=(first.pk,)))
    assert "1 unread reminder<" in client.get(reverse("accounts:profile")).content.decode()
    client.post(reverse("notifications:read_all"))
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "unread reminder" not in html and '<span class="visually-hidden">Reminders</span>' in html
    notify(me, 3)  # new ones from the daily work show at once as well
    assert "1 unread reminder<" in client.get(reverse("accounts:profile")).content.decode()


def test_visitors_get_no_badge_and_no_placeholder():
    html = english_client().get(reverse("accounts:login")).content.decode()
    assert LIST not in html and "notifications-badge" not in html


def test_the_badge_never_leaks_between_learners_through_the_page_cache(course):
    lesson = make_lesson(course, "第一课")
    busy, calm = make_user("busy"), make_user("calm")
    notify(busy, 4)
    busy_client, calm_client = english_client(busy), english_client(calm)
    for _ in range(2):  # the second round comes from the whole-page cache
        busy_html = busy_client.get(lesson.url).content.decode()
        calm_html = calm_client.get(lesson.url).content.decode()
        assert "4 unread reminders" in busy_html
        assert "unread reminder" not in calm_html and '<span class="badge" aria-hidden' not in calm_html
    assert "4 unread reminders" in english_client(busy).get(lesson.url).content.decode()


def test_the_badge_costs_one_count_then_nothing_until_it_changes(course):
    lesson = make_lesson(course, "第一课")
    me = make_user("me")
    notify(me, 2)
    client = english_client(me)
    client.get(lesson.url)  # fills the content caches
    notify(me, 3)  # one more: empties the cached count
    with CaptureQueriesContext(connection) as queries:
        client.get(lesson.url)
    assert len([q for q in queries.captured_queries if "notifications_" in q["sql"]]) == 1  # one COUNT
    with CaptureQueriesContext(connection) as queries:
        html = client.get(lesson.url).content.decode()
    assert "3 unread reminders" in html
    assert not [q for q in queries.captured_queries if "notifications_" in q["sql"]]


@pytest.fixture
def badge_memo(settings, monkeypatch):
    """The production memo, with a count of how often the shared count is read."""
    from notifications import badge

    settings.NOTIFICATION_BADGE_MEMO_SECONDS = 60
    badge.clear_memo()
    reads = []
    real = badge.unread_count
    monkeypatch.setattr(badge, "unread_count", lambda user: reads.append(user.pk) or real(user))
    yield reads
    badge.clear_memo()


def test_the_memo_spares_the_shared_cache_and_still_shows_my_own_reading_at_once(badge_memo, course):
    lesson = make_lesson(course, "第一课")
    me = make_user("me")
    first, _second = notify(me, 2)
    client = english_client(me)
    for _ in range(3):
        assert "2 unread reminders" in client.get(lesson.url).content.decode()
    assert len(badge_memo) == 1  # counted once, then from this server's memory

    client.post(reverse("notifications:open", args=(first.pk,)))
    assert "1 unread reminder<" in client.get(lesson.url).content.decode()

    notify(me, 3)  # made by the worker: shows within the memo's minute, and on the list at once
    assert "1 unread reminder<" in client.get(lesson.url).content.decode()
    assert "2 unread reminders" in client.get(LIST).content.decode()


def test_the_list_costs_the_same_whatever_the_number_of_reminders():
    me = make_user("me")
    client = english_client(me)
    notify(me, 2)
    client.get(LIST)  # the session, the user, the site settings: read once, then cached
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    notify(me, 25)  # 23 more: a full page and a second one
    with CaptureQueriesContext(connection) as many:
        html = client.get(LIST).content.decode()
    assert html.count('class="result__title"') == 20  # a full page
    assert len(many.captured_queries) == len(few.captured_queries)

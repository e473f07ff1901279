"""A signed-in request reads its session, its user and the user's learner state versions in one cache
round trip (accounts.sessions), helped by the fa_uid cookie — a hint that is never trusted."""

import re

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from accounts.backends import user_cache_key
from accounts.sessions import HINT_COOKIE
from tests.factories import make_user

pytestmark = pytest.mark.django_db

MY = reverse("progress:my_learning")


@pytest.fixture
def cached_sessions(settings):
    settings.SESSION_ENGINE = "accounts.sessions"


@pytest.fixture
def reads(monkeypatch):
    """Every cache read, as the list of keys it asked for (a get_many is one read, even where the
    backend makes it of single gets, as the test cache does)."""
    backend = type(caches["default"])
    asked, inside = [], []
    real_get, real_get_many = backend.get, backend.get_many

    def get(self, key, *args, **kwargs):
        if not inside:
            asked.append([key])
        return real_get(self, key, *args, **kwargs)

    def get_many(self, keys, *args, **kwargs):
        asked.append(list(keys))
        inside.append(True)
        try:
            return real_get_many(self, keys, *args, **kwargs)
        finally:
            inside.pop()

    monkeypatch.setattr(backend, "get", get)
    monkeypatch.setattr(backend, "get_many", get_many)
    return asked


def learner_page_owner(response) -> list[str]:
    return re.findall(r'data-learner="(\d+)"', response.content.decode())


def test_the_first_page_sets_the_hint_and_signing_out_removes_it(cached_sessions):
    learner = make_user("hint-learner", name="张网格")
    browser = Client()
    browser.force_login(learner)
    response = browser.get(MY)
    cookie = response.cookies[HINT_COOKIE]
    assert cookie.value == str(learner.pk) and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert HINT_COOKIE not in browser.get(MY).cookies  # already right: not set again
    response = browser.post(reverse("accounts:logout"))
    assert response.cookies[HINT_COOKIE].value == "" and response.cookies[HINT_COOKIE]["max-age"] == 0


def test_session_user_and_versions_come_in_one_read(cached_sessions, reads):
    learner = make_user("one-trip", name="张网格")
    browser = Client()
    browser.force_login(learner)
    browser.get(MY)  # sets the hint; the session and user are cached now
    reads.clear()
    assert browser.get(MY).status_code == 200
    touching = [
        keys for keys in reads if any("session" in key or key == user_cache_key(learner.pk) for key in keys)
    ]
    assert len(touching) == 1, reads  # the session, the user and the versions together
    assert any(key.endswith(browser.cookies["sessionid"].value) for key in touching[0])
    assert user_cache_key(learner.pk) in touching[0]


def test_a_forged_hint_changes_nothing_but_costs_a_read(cached_sessions, reads):
    learner, other = make_user("real-one", name="张网格"), make_user("someone-else", name="李网格")
    browser = Client()
    browser.force_login(learner)
    browser.get(MY)
    browser.cookies[HINT_COOKIE] = str(other.pk)
    reads.clear()
    response = browser.get(MY)
    assert learner_page_owner(response) == [str(learner.pk)]
    assert response.cookies[HINT_COOKIE].value == str(learner.pk)  # put right
    assert any(user_cache_key(learner.pk) in keys and len(keys) == 3 for keys in reads)  # read again, apart
    browser.cookies[HINT_COOKIE] = "not-a-number"
    assert learner_page_owner(browser.get(MY)) == [str(learner.pk)]


def test_a_hint_without_a_session_signs_nobody_in(cached_sessions):
    learner = make_user("no-session", name="张网格")
    browser = Client()
    browser.cookies[HINT_COOKIE] = str(learner.pk)
    response = browser.get(MY)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert response.cookies[HINT_COOKIE].value == ""  # removed


def test_a_deactivated_learner_is_signed_out_though_the_hint_is_there(cached_sessions):
    learner = make_user("leaving", name="张网格")
    browser = Client()
    browser.force_login(learner)
    assert browser.get(MY).status_code == 200
    learner.is_active = False
    learner.save()
    assert browser.get(MY).status_code == 302

"""The per-account sign-in lock counts the account that was found, not the text typed (issue 12)."""

import pytest
from django.db import connection
from django.urls import reverse

from accounts import throttle
from accounts.backends import sign_in_account
from tests.factories import make_user

pytestmark = pytest.mark.django_db
PASSWORD = "a-Strong-pass-2026"
LOGIN = "/accounts/login/"
LOCKED = "尝试次数过多"

# Five ways to type one account: letter case, the long s (ſ, which Unicode folds to s), full-width
# letters, and the mobile number with spaces and with +86 in full-width digits.
SPELLINGS_OF_DISTRICTMGR = (
    "DistrictMgr",
    "diſtrictmgr",
    "ＤＩＳＴＲＩＣＴＭＧＲ",
    "138 1234 5678",
    "+86 １３８１２３４５６７８",
)


@pytest.fixture
def manager():
    return make_user("districtmgr", name="区管理员", mobile="13812345678")


def sign_in(client, username, password=PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password, "remember": "on"})


def assert_locked(response, client):
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def fail_once_with_each_spelling(client, spellings):
    assert len(spellings) == throttle.ACCOUNT_LIMIT
    for spelling in spellings:
        response = sign_in(client, spelling, "wrong")
        assert LOCKED not in response.content.decode(), f"locked before the last try ({spelling})"


def test_every_spelling_of_one_account_counts_against_that_account(client, manager):
    fail_once_with_each_spelling(client, SPELLINGS_OF_DISTRICTMGR)
    assert_locked(sign_in(client, "districtmgr"), client)
    assert_locked(sign_in(client, "13812345678"), client)


@pytest.mark.postgres
def test_every_spelling_of_one_account_counts_against_that_account_on_postgresql(client, manager):
    """PostgreSQL folds case in the username lookup (UPPER), which is how the finding was reproduced."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
    fail_once_with_each_spelling(client, SPELLINGS_OF_DISTRICTMGR)
    assert_locked(sign_in(client, "districtmgr"), client)


def test_each_spelling_finds_the_account(manager):
    for spelling in (*SPELLINGS_OF_DISTRICTMGR, " districtmgr ", "13812345678", "138-1234-5678"):
        user, account = sign_in_account(spelling)
        assert user == manager, spelling
        assert account == f"user:{manager.pk}"


def test_a_spelling_with_a_space_signs_in(client, manager):
    assert sign_in(client, "138 1234 5678").status_code == 302


def test_unknown_names_are_folded_so_their_lock_looks_like_a_real_one(client):
    fail_once_with_each_spelling(client, ("Ghost", "ghost", "GHOST", "ｇｈｏｓｔ", "ghoſt"))
    assert_locked(sign_in(client, "ghost", "wrong"), client)


def test_unknown_mobile_numbers_are_counted_by_their_digits(client):
    fail_once_with_each_spelling(
        client, ("13900001111", "139 0000 1111", "+8613900001111", "１３９００００１１１１", "139-0000-1111")
    )
    assert_locked(sign_in(client, "13900001111", "wrong"), client)


def test_one_locked_account_leaves_the_others_alone(client, manager):
    make_user("zhangwei", mobile="13800138000")
    fail_once_with_each_spelling(client, SPELLINGS_OF_DISTRICTMGR)
    assert sign_in(client, "ZhangWei").status_code == 302


def test_success_resets_the_counter_of_every_spelling(client, manager):
    for spelling in SPELLINGS_OF_DISTRICTMGR[:4]:
        sign_in(client, spelling, "wrong")
    assert sign_in(client, "13812345678").status_code == 302
    client.post(reverse("accounts:logout"))
    for spelling in SPELLINGS_OF_DISTRICTMGR[:4]:
        sign_in(client, spelling, "wrong")
    assert sign_in(client, "DISTRICTMGR").status_code == 302


def test_the_admin_sign_in_shares_the_lock(client, manager):
    manager.is_superuser = True
    manager.save()
    fail_once_with_each_spelling(client, SPELLINGS_OF_DISTRICTMGR)
    client.post(reverse("wagtailadmin_login"), {"username": "districtmgr", "password": PASSWORD})
    assert "_auth_user_id" not in client.session

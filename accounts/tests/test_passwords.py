"""Initial passwords (readable, strong) and every password validator's message in Chinese."""

import math
import re

import pytest
from django.contrib.auth.password_validation import get_default_password_validators, validate_password
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts import passwords
from tests.factories import make_user

# Letters a message may contain on a Chinese screen: none (the field names are translated too).
LATIN = re.compile(r"[A-Za-z]{3,}")


def test_initial_passwords_use_the_alphabet_without_look_alikes():
    for _ in range(200):
        password = passwords.initial_password()
        assert len(password) == passwords.INITIAL_PASSWORD_LENGTH == 15
        assert set(password) <= set(passwords.INITIAL_PASSWORD_ALPHABET)
        assert not set(password) & set("0o1li")
        assert any(c.isdigit() for c in password) and any(c.isalpha() for c in password)


def test_initial_passwords_are_at_least_as_strong_as_before():
    assert len(passwords.INITIAL_PASSWORD_ALPHABET) == 31
    assert pytest.approx(15 * math.log2(31)) == passwords.INITIAL_PASSWORD_BITS
    assert passwords.INITIAL_PASSWORD_BITS > 70 > 12 * math.log2(31)
    assert len({passwords.initial_password() for _ in range(500)}) == 500


def test_initial_passwords_show_in_groups_of_five():
    assert passwords.initial_password_display("k7mqx3xtpa9hzab") == "k7mqx 3xtpa 9hzab"


@pytest.mark.django_db
def test_an_initial_password_may_be_typed_with_its_groups():
    user = make_user("new", password="k7mqx3xtpa9hzab")
    user.must_change_password = True
    for typed in ("k7mqx3xtpa9hzab", "k7mqx 3xtpa 9hzab", "k7mqx-3xtpa-9hzab"):
        assert passwords.initial_password_matches(user, typed)
    assert not passwords.initial_password_matches(user, "k7mqx 3xtpa 9hza")
    user.must_change_password = False  # their own password now: typed exactly
    assert not passwords.initial_password_matches(user, "k7mqx 3xtpa 9hzab")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("k7mq", "password_too_short"),
        ("password", "password_too_common"),
        ("73914682051", "password_entirely_numeric"),
        ("zhangwei2026", "password_too_similar"),
    ],
)
def test_every_validator_speaks_chinese(password, code):
    user = make_user("zhangwei2026", name="张伟", mobile="13812345678")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        validate_password(password, user)
    errors = {error.code: error for error in raised.value.error_list}
    assert code in errors
    for error in raised.value.error_list:
        message = error.message % error.params if error.params else error.message
        assert not LATIN.search(str(message)), message


def test_the_configured_length_validator_is_ours():
    assert any(isinstance(v, passwords.MinimumLengthValidator) for v in get_default_password_validators())


@pytest.mark.django_db
def test_a_new_person_signs_in_and_changes_the_initial_password_typed_in_groups(client):
    from django.urls import reverse

    make_user("newbie", password="k7mqx3xtpa9hzab", must_change_password=True)
    response = client.post(reverse("accounts:login"), {"username": "newbie", "password": "k7mqx 3xtpa 9hzab"})
    assert response.status_code == 302
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "k7mqx-3xtpa-9hzab",
            "new_password1": "my-own-pass-2026",
            "new_password2": "my-own-pass-2026",
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]


@pytest.mark.django_db
def test_the_admin_form_suggests_an_initial_password_and_stores_it_without_spaces(admin_client):
    from django.urls import reverse

    from accounts.models import User

    page = admin_client.get(reverse("wagtailusers_users:add")).content.decode()
    suggested = re.search(r"[a-z2-9]{5} [a-z2-9]{5} [a-z2-9]{5}", page)
    assert suggested
    response = admin_client.post(
        reverse("wagtailusers_users:add"),
        {"username": "liping", "name": "李萍", "password1": suggested[0], "password2": suggested[0]},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(username="liping").check_password(suggested[0].replace(" ", ""))


def test_the_credentials_sheet_shows_the_passwords_grouped():
    import io

    from openpyxl import load_workbook

    from accounts.staff_import import Credential
    from accounts.staff_import_sheets import credentials_xlsx

    data = credentials_xlsx([Credential("张三", "13900000001", "13900000001", "k7mqx3xtpa9hzab", "渝中区")])
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["D2"].value == "k7mqx 3xtpa 9hzab"

"""One reading of a mobile number (accounts.mobile) for sign-in, the staff import and the admin forms."""

import pytest
from django.urls import reverse

from accounts.forms import StaffCreationForm
from accounts.mobile import MobileNumberField, mobile_normalise
from accounts.models import User
from accounts.staff_import import StaffRowForm
from tests.factories import make_user

TYPED_FORMS = [
    "13800000001",
    "138 0000 0001",
    "138-0000-0001",
    "+8613800000001",
    "+86 138 0000 0001",
    "0086 138 0000 0001",
    "8613800000001",
    "１３８０００００００１",
    "＋８６ １３８ ００００ ０００１",
    " 138 0000 0001 ",
    "(138) 0000-0001",
]
NOT_MOBILES = [
    "12800000001",
    "1380000000",
    "138000000011",
    "1.38E+10",
    "abc",
    "+1 138 0000 0001",
    "138O0000001",
]


@pytest.mark.parametrize("typed", TYPED_FORMS)
def test_every_way_of_typing_a_number_reads_as_its_11_digits(typed):
    assert mobile_normalise(typed) == "13800000001"


@pytest.mark.parametrize("typed", [*NOT_MOBILES, "", None])
def test_anything_else_is_not_a_mobile_number(typed):
    assert mobile_normalise(typed) is None


def test_the_staff_import_and_sign_in_use_the_same_reader():
    from accounts import backends, staff_import

    assert staff_import.mobile_normalise is mobile_normalise
    assert backends.mobile_normalise is mobile_normalise


@pytest.mark.parametrize("typed", NOT_MOBILES)
def test_the_form_field_refuses_with_one_message_naming_what_was_typed(typed):
    field = MobileNumberField(required=False)
    with pytest.raises(Exception) as raised:
        field.clean(typed)
    assert raised.value.code == "invalid_mobile" and typed in raised.value.messages[0]


def test_the_form_field_phone_keyboard_and_empty_is_none():
    field = MobileNumberField(required=False)
    assert field.clean("") is None
    assert field.widget_attrs(field.widget)["inputmode"] == "tel"


def test_the_refusal_is_chinese_by_default():
    field = MobileNumberField(required=False)
    with pytest.raises(Exception) as raised:
        field.clean("12345")
    # Chinese once the lead compiles /tmp/po/accounts.po; the message names the typed text either way.
    assert "12345" in raised.value.messages[0]


@pytest.mark.django_db
@pytest.mark.parametrize("typed", TYPED_FORMS)
def test_sign_in_accepts_the_number_however_it_is_typed(client, typed):
    make_user("zhangwei", mobile="13800000001")
    response = client.post(
        reverse("accounts:login"), {"username": typed, "password": "a-Strong-pass-2026", "remember": "on"}
    )
    assert response.status_code == 302, typed


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["138 0000 0001", "+86 138-0000-0001", "１３８０００００００１"])
def test_admin_forms_store_the_11_digits(admin_client, typed):
    response = admin_client.post(
        reverse("wagtailusers_users:add"),
        {
            "username": "liping",
            "name": "李萍",
            "mobile": typed,
            "password1": "Temp-pass-2026!",
            "password2": "Temp-pass-2026!",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(username="liping").mobile == "13800000001"


@pytest.mark.django_db
def test_admin_form_refuses_a_wrong_number_on_the_mobile_field():
    form = StaffCreationForm(
        data={
            "username": "x",
            "mobile": "138 0000 000",
            "password1": "Temp-pass-2026!",
            "password2": "Temp-pass-2026!",
        }
    )
    assert not form.is_valid()
    assert [error.code for error in form.errors.as_data()["mobile"]] == ["invalid_mobile"]


def test_the_import_row_form_reads_the_same_way():
    assert StaffRowForm.declared_fields["mobile"] is not None  # the row form calls mobile_normalise
    from accounts import staff_import

    assert staff_import.mobile_normalise("＋８６ １３８ ００００ ０００１") == "13800000001"


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["138 0000 000", "+86 128 0000 0001", "１３８-００００-０００"])
def test_sign_in_says_what_is_wrong_with_a_mistyped_number(client, typed):
    make_user("zhangwei", mobile="13800000001")
    response = client.post(reverse("accounts:login"), {"username": typed, "password": "a-Strong-pass-2026"})
    assert response.status_code == 200
    [error] = response.context["form"].non_field_errors().as_data()
    assert error.code == "invalid_mobile"


@pytest.mark.django_db
def test_a_username_made_of_digits_still_signs_in(client):
    make_user("1234567", password="a-Strong-pass-2026")
    response = client.post(
        reverse("accounts:login"), {"username": "1234567", "password": "a-Strong-pass-2026"}
    )
    assert response.status_code == 302

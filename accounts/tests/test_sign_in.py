import pytest
from django.urls import reverse

from tests.factories import make_user

pytestmark = pytest.mark.django_db
PASSWORD = "a-Strong-pass-2026"
LOGIN = "/accounts/login/"


@pytest.fixture
def staff():
    return make_user("zhangwei", name="张伟", mobile="13812345678")


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password, "remember": "on", **extra})


def test_sign_in_with_username_or_mobile_lands_on_my_learning(client, staff):
    response = sign_in(client, "zhangwei")
    assert response.status_code == 302 and response["Location"] == reverse("progress:my_learning")
    client.post(reverse("accounts:logout"))
    assert sign_in(client, "13812345678").status_code == 302
    assert client.get(reverse("progress:my_learning")).status_code == 200


def test_username_ignores_case_and_spaces_typed_on_a_phone(client, staff):
    assert sign_in(client, " Zhangwei ").status_code == 302


def test_wrong_password_gets_one_message_that_reveals_nothing(client, staff):
    wrong = sign_in(client, "zhangwei", "nope").content.decode()
    unknown = sign_in(client, "nobody-here", "nope").content.decode()
    message = "用户名、手机号或密码不正确"
    assert message in wrong and message in unknown


def test_session_id_changes_at_sign_in(client, staff):
    client.get(LOGIN)
    client.session["probe"] = 1
    before = client.cookies.get("sessionid")
    sign_in(client, "zhangwei")
    after = client.cookies["sessionid"].value
    assert before is None or before.value != after


def test_staying_signed_in_is_the_default_and_can_be_turned_off(client, staff):
    sign_in(client, "zhangwei")
    assert client.session.get_expire_at_browser_close() is False
    client.post(reverse("accounts:logout"))
    client.post(LOGIN, {"username": "zhangwei", "password": PASSWORD})  # box unticked
    assert client.session.get_expire_at_browser_close() is True


def test_account_is_throttled_after_repeated_failures_even_with_the_right_password(client, staff, settings):
    for _ in range(5):
        sign_in(client, "zhangwei", "wrong")
    response = sign_in(client, "zhangwei")
    assert response.status_code == 200
    assert "尝试次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_throttling_looks_the_same_for_accounts_that_do_not_exist(client):
    for _ in range(5):
        sign_in(client, "ghost", "wrong")
    assert "尝试次数过多" in sign_in(client, "ghost", "wrong").content.decode()


def test_one_address_is_throttled_across_accounts(client, staff, settings):
    for i in range(30):
        sign_in(client, f"guess{i}", "wrong")
    response = sign_in(client, "zhangwei")
    assert "尝试次数过多" in response.content.decode()


def test_success_resets_the_account_counter(client, staff):
    for _ in range(4):
        sign_in(client, "zhangwei", "wrong")
    assert sign_in(client, "zhangwei").status_code == 302
    client.post(reverse("accounts:logout"))
    for _ in range(4):
        sign_in(client, "zhangwei", "wrong")
    assert sign_in(client, "zhangwei").status_code == 302


def test_admin_sign_in_is_throttled_too(client, staff):
    staff.is_superuser = True
    staff.save()
    for _ in range(5):
        client.post(reverse("wagtailadmin_login"), {"username": "zhangwei", "password": "wrong"})
    client.post(reverse("wagtailadmin_login"), {"username": "zhangwei", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_deactivating_a_user_ends_their_sessions_at_once(client, staff):
    other_phone = client.__class__()
    sign_in(client, "zhangwei")
    sign_in(other_phone, "13812345678")
    staff.is_active = False
    staff.save()
    for device in (client, other_phone):
        response = device.get(reverse("progress:my_learning"))
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_inactive_user_cannot_sign_in(client, staff):
    staff.is_active = False
    staff.save()
    assert sign_in(client, "zhangwei").status_code == 200
    assert "_auth_user_id" not in client.session


def test_sign_out_is_post_only(client, staff):
    sign_in(client, "zhangwei")
    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session


def test_first_sign_in_of_an_admin_made_account_forces_a_password_change(client):
    make_user("newbie", must_change_password=True)
    sign_in(client, "newbie")
    response = client.get(reverse("progress:my_learning"))
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:password_change")
    )
    assert client.get("/courses/").status_code == 302
    weak = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"},
    )
    assert weak.status_code == 200 and "field__error" in weak.content.decode()
    response = client.post(
        reverse("accounts:password_change") + "?next=/courses/",
        {
            "old_password": PASSWORD,
            "new_password1": "Grid-worker-2026!",
            "new_password2": "Grid-worker-2026!",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/courses/"
    assert client.get(reverse("progress:my_learning")).status_code == 200


def test_changing_password_signs_out_other_devices_but_not_this_one(client, staff):
    other_phone = client.__class__()
    sign_in(client, "zhangwei")
    sign_in(other_phone, "zhangwei")
    client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Grid-worker-2026!",
            "new_password2": "Grid-worker-2026!",
        },
    )
    assert client.get(reverse("progress:my_learning")).status_code == 200
    assert other_phone.get(reverse("progress:my_learning")).status_code == 302


def test_profile_shows_own_details(client, staff):
    from tests.factories import make_org_tree, make_position

    units = make_org_tree()
    staff.org_unit = units["A社区"]
    staff.position = make_position("网格员")
    staff.save()
    sign_in(client, "zhangwei")
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "张伟" in html and "13812345678" in html and "网格员" in html
    assert "重庆市 / 渝中区 / 解放碑街道 / A社区" in html


def test_pages_that_need_sign_in_send_anonymous_visitors_to_it(client):
    for url in (reverse("progress:my_learning"), reverse("accounts:profile"), reverse("progress:my_data")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)


@pytest.mark.django_db
def test_bulk_deactivation_in_the_user_admin_signs_the_person_out(client, django_capture_on_commit_callbacks):
    from django.test import Client
    from django.urls import reverse

    leaving = make_user("leaving")
    phone = Client()
    phone.force_login(leaving)
    assert phone.get(reverse("progress:my_learning")).status_code == 200  # cached as signed in
    client.force_login(make_user("root", is_superuser=True))
    url = reverse("wagtail_bulk_action", args=("accounts", "user", "set_active_state")) + f"?id={leaving.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"mark_as_active": "False"}).status_code == 302
    response = phone.get(reverse("progress:my_learning"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]

"""Certificates in the Wagtail admin: look up, filter, revoke with a reason (audit-logged), and
only with the permission and within the viewer's part of the organisation tree."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from certificates.models import Certificate, CertificateState
from certificates.services import REVOKE_LOG_ACTION, RevokeRefused, certificate_revoke
from tests.factories import make_course, make_lesson, make_org_tree, make_user

pytestmark = pytest.mark.django_db

INDEX = "certificates_admin:index"


def admin_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def staff(username, *codenames, **fields):
    user = make_user(username, **fields)
    for codename in ("access_admin", *codenames):
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


@pytest.fixture
def superuser(db):
    return make_user("root-admin", is_superuser=True, is_staff=True)


def refused(response) -> bool:
    """Wagtail answers a missing permission with a redirect to the dashboard and a message."""
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")


def revoke_url(certificate):
    return reverse("certificates_admin:revoke", args=[certificate.pk])


def test_the_list_shows_certificates_and_searches_by_code_name_or_course(certificate, superuser, complete):
    other = make_user("li-si", name="李四")
    course = make_course("消防安全")
    make_lesson(course)
    second = complete(other, course)
    client = admin_client(superuser)
    response = client.get(reverse(INDEX))
    assert response.status_code == 200
    html = response.content.decode()
    assert certificate.display_code in html and second.display_code in html
    for query, found in (
        (certificate.code.lower()[:8], certificate),  # typed in lower case
        (certificate.display_code.lower(), certificate),  # with dashes
        ("李四", second),
        ("消防", second),
    ):
        results = client.get(reverse(INDEX), {"q": query}).context["object_list"]
        assert list(results) == [found], query


@pytest.fixture
def three_states(organisation, complete):
    certificates = {}
    for state in CertificateState.values:
        course = make_course(f"{state} 课程")
        make_lesson(course)
        certificates[state] = complete(make_user(f"holder-{state}"), course)
    Certificate.objects.filter(pk=certificates["expired"].pk).update(expires_at=timezone.now())
    certificate_revoke(certificate=certificates["revoked"], actor=None, reason="测试")
    return certificates


@pytest.mark.parametrize("state", CertificateState.values)
def test_filter_by_state(three_states, superuser, state):
    response = admin_client(superuser).get(reverse(INDEX), {"state": state})
    assert [c.pk for c in response.context["object_list"]] == [three_states[state].pk]


def test_the_detail_page_and_no_way_to_add_edit_or_delete(certificate, superuser):
    client = admin_client(superuser)
    response = client.get(reverse("certificates_admin:inspect", args=[certificate.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert certificate.display_code in html and revoke_url(certificate) in html
    assert "/verify/" + certificate.display_code in html
    edit = client.get(reverse("certificates_admin:edit", args=[certificate.pk]))
    assert edit["Location"] == reverse("certificates_admin:inspect", args=[certificate.pk])
    for url in ("/admin/certificates_admin/new/", f"/admin/certificates_admin/delete/{certificate.pk}/"):
        assert client.get(url).status_code == 404
    assert "/admin/certificates_admin/new/" not in client.get(reverse(INDEX)).content.decode()


def test_revoking_asks_for_a_reason_and_is_audit_logged(certificate, superuser):
    client = admin_client(superuser)
    form = client.get(revoke_url(certificate))
    assert form.status_code == 200 and 'name="reason"' in form.content.decode()
    empty = client.post(revoke_url(certificate), {"reason": "  "})
    assert empty.status_code == 200
    certificate.refresh_from_db()
    assert certificate.revoked_at is None

    response = client.post(revoke_url(certificate), {"reason": "证书发给了错误的人"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.state() == CertificateState.REVOKED
    assert certificate.revoked_by == superuser and certificate.revoke_reason == "证书发给了错误的人"
    assert timezone.now() - certificate.revoked_at < timezone.timedelta(minutes=1)
    entry = ModelLogEntry.objects.get(action=REVOKE_LOG_ACTION)
    assert entry.user == superuser and entry.object_id == str(certificate.pk)
    assert entry.data["reason"] == "证书发给了错误的人"
    history = client.get(reverse("certificates_admin:history", args=[certificate.pk]))
    assert history.status_code == 200 and "证书发给了错误的人" in history.content.decode()
    assert client.get(reverse("wagtailadmin_reports:site_history")).status_code == 200


def test_a_revoked_certificate_cannot_be_revoked_again(certificate, superuser):
    certificate_revoke(certificate=certificate, actor=superuser, reason="第一次")
    with pytest.raises(RevokeRefused):
        certificate_revoke(certificate=certificate, actor=superuser, reason="第二次")
    response = admin_client(superuser).post(revoke_url(certificate), {"reason": "第二次"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.revoke_reason == "第一次"
    assert ModelLogEntry.objects.filter(action=REVOKE_LOG_ACTION).count() == 1


def test_without_permission_the_admin_refuses(certificate):
    client = admin_client(staff("no-cert-perms"))
    assert refused(client.get(reverse(INDEX)))
    inspect = client.get(reverse("certificates_admin:inspect", args=[certificate.pk]))
    assert inspect.status_code == 404 or refused(inspect)  # nothing is in this user's scope
    assert refused(client.get(revoke_url(certificate)))
    assert refused(client.post(revoke_url(certificate), {"reason": "x"}))
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


def test_view_permission_can_look_but_not_revoke(certificate):
    client = admin_client(staff("cert-viewer", "view_certificate", is_superuser=False))
    # Without a managed unit a non-superuser sees nobody (accounts.scope).
    assert client.get(reverse(INDEX)).status_code == 200
    assert refused(client.post(revoke_url(certificate), {"reason": "x"}))


def test_a_manager_revokes_only_within_their_part_of_the_tree(organisation, complete):
    units = make_org_tree()
    course = make_course("网格巡查")
    make_lesson(course)
    mine = complete(make_user("in-a", org_unit=units["A社区"]), course)
    theirs = complete(make_user("in-c", org_unit=units["C社区"]), course)
    manager = staff("jfb-manager", "change_certificate", "view_certificate", managed_unit=units["解放碑街道"])
    client = admin_client(manager)
    listed = list(client.get(reverse(INDEX)).context["object_list"])
    assert listed == [mine]
    assert client.get(reverse("certificates_admin:inspect", args=[theirs.pk])).status_code == 404
    assert client.post(revoke_url(theirs), {"reason": "越权"}).status_code == 404
    assert client.post(revoke_url(mine), {"reason": "信息有误"}).status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None and theirs.revoked_at is None

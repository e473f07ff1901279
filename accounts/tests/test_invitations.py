"""Joining by invitation: the services (uses, expiry, approval, audit log), the join page's unhappy
paths, the admin screens' scope and the poster."""

import datetime
import io
import re

import pytest
import segno
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from wagtail.models import ModelLogEntry

from accounts import invitations
from accounts.models import Invitation, JoinRequest, User
from accounts.poster import QR_PIXELS_PER_MODULE, join_qr, poster_pdf
from core import sms
from tests.factories import make_course, make_org_tree, make_position, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def units():
    return make_org_tree()


@pytest.fixture
def volunteer():
    return make_position("志愿者")


@pytest.fixture
def street_manager(units):
    return make_user(
        "jfb_manager", name="解放碑管理员", groups=["Managers"], managed_unit=units["解放碑街道"]
    )


@pytest.fixture
def other_manager(units):
    return make_user(
        "qxg_manager", name="七星岗管理员", groups=["Managers"], managed_unit=units["七星岗街道"]
    )


def invite(manager, unit, position, **fields):
    return invitations.invitation_create(org_unit=unit, position=position, actor=manager, **fields)


def last_code(mobile):
    for message in reversed(sms.outbox):
        if message.mobile == mobile and "code" in message.params:
            return message.params["code"]
    raise AssertionError(f"no code sent to {mobile}")


# -- services ----------------------------------------------------------------------------------------


def test_create_makes_an_unguessable_token_and_logs(street_manager, units, volunteer):
    first = invite(street_manager, units["解放碑街道"], volunteer)
    second = invite(street_manager, units["A社区"], volunteer)
    assert len(first.token) >= 32 and first.token != second.token
    assert ModelLogEntry.objects.filter(object_id=str(first.pk), action="wagtail.create").exists()


def test_create_refuses_a_unit_outside_the_managers_part(street_manager, units, volunteer):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        invite(street_manager, units["C社区"], volunteer)
    assert not Invitation.objects.exists()


def test_direct_join_places_the_person_and_assignments_apply(
    street_manager, units, volunteer, django_capture_on_commit_callbacks
):
    from assignments.services import assignment_create

    course = make_course("志愿者入门")
    admin = make_user("root", is_superuser=True, is_staff=True)
    assignment_create(course=course, units=[units["解放碑街道"]], positions=[volunteer], actor=admin)
    invitation = invite(street_manager, units["解放碑街道"], volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        result = invitations.join_submit(invitation=invitation, name="王小明", mobile="13800138001")
    user = result.user
    assert (user.org_unit, user.position, user.name, user.username) == (
        units["解放碑街道"],
        volunteer,
        "王小明",
        "13800138001",
    )
    assert not user.has_usable_password()
    assert course.pk in set(user.enrolments.values_list("course_id", flat=True))
    invitation.refresh_from_db()
    assert invitation.uses == 1
    assert ModelLogEntry.objects.filter(
        action=invitations.JOIN_LOG_ACTION, object_id=str(invitation.pk)
    ).exists()


def test_max_uses_expiry_and_deactivation_refuse(street_manager, units, volunteer):
    invitation = invite(street_manager, units["A社区"], volunteer, max_uses=1)
    invitations.join_submit(invitation=invitation, name="甲", mobile="13800138001")
    with pytest.raises(invitations.JoinRefused) as refused:
        invitations.join_submit(invitation=invitation, name="乙", mobile="13800138002")
    assert refused.value.reason == "used_up"
    expired = invite(street_manager, units["A社区"], volunteer)
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    with pytest.raises(invitations.JoinRefused) as refused:
        invitations.join_submit(invitation=expired, name="乙", mobile="13800138002")
    assert refused.value.reason == "expired"
    withdrawn = invite(street_manager, units["A社区"], volunteer)
    assert invitations.invitation_deactivate(invitation=withdrawn, actor=street_manager)
    with pytest.raises(invitations.JoinRefused) as refused:
        invitations.join_submit(invitation=withdrawn, name="乙", mobile="13800138002")
    assert refused.value.reason == "inactive"
    assert not User.objects.filter(mobile="13800138002").exists()


def test_a_number_with_an_account_is_refused_and_nothing_counted(street_manager, units, volunteer):
    make_user("existing", mobile="13800138009")
    invitation = invite(street_manager, units["A社区"], volunteer, max_uses=1)
    with pytest.raises(invitations.MobileTaken):
        invitations.join_submit(invitation=invitation, name="甲", mobile="13800138009")
    invitation.refresh_from_db()
    assert invitation.uses == 0


def test_approval_flow_texts_the_outcome(
    street_manager, other_manager, units, volunteer, django_capture_on_commit_callbacks
):
    invitation = invite(street_manager, units["解放碑街道"], volunteer, needs_approval=True, max_uses=5)
    waiting = invitations.join_submit(invitation=invitation, name="李四", mobile="13800138004")
    assert waiting.user is None and waiting.request.status == JoinRequest.Status.PENDING
    assert not User.objects.filter(mobile="13800138004").exists()
    with pytest.raises(invitations.AlreadyWaiting):
        invitations.join_submit(invitation=invitation, name="李四", mobile="13800138004")
    declined = invitations.join_submit(invitation=invitation, name="赵五", mobile="13800138005")
    invitation.refresh_from_db()
    assert invitation.uses == 2  # the refused repeat counted nothing

    # Another street's manager decides nothing here.
    decided = invitations.join_requests_decide(
        requests=[waiting.request], approve=True, actor=other_manager, sign_in_url="https://x/accounts/login/"
    )
    assert decided.approved == 0
    with django_capture_on_commit_callbacks(execute=True):
        decided = invitations.join_requests_decide(
            requests=[waiting.request], approve=True, actor=street_manager, sign_in_url="https://x/login/"
        )
        invitations.join_requests_decide(
            requests=[declined.request], approve=False, actor=street_manager, sign_in_url="https://x/login/"
        )
    assert decided.approved == 1
    user = User.objects.get(mobile="13800138004")
    assert (user.org_unit, user.position) == (units["解放碑街道"], volunteer)
    texts = {message.mobile: message.text for message in sms.outbox}
    assert texts["13800138004"].startswith("【一线学堂】您加入解放碑街道（志愿者）的申请已通过")
    assert "https://x/login/" in texts["13800138004"]
    assert "未通过" in texts["13800138005"]
    invitation.refresh_from_db()
    assert invitation.uses == 1  # the rejection gave its use back
    actions = set(ModelLogEntry.objects.filter(object_id=str(invitation.pk)).values_list("action", flat=True))
    assert {invitations.JOIN_APPROVE_LOG_ACTION, invitations.JOIN_REJECT_LOG_ACTION} <= actions


# -- the join page -----------------------------------------------------------------------------------


def join_url(invitation):
    return reverse("join:join", args=[invitation.token])


def test_join_page_happy_path_signs_in(client, street_manager, units, volunteer):
    invitation = invite(street_manager, units["A社区"], volunteer)
    url = join_url(invitation)
    page = client.get(url)
    assert "A社区" in page.content.decode() and "志愿者" in page.content.decode()
    # A forged unit field changes nothing: the invitation alone places people.
    response = client.post(
        url,
        {"action": "send", "name": "王小明", "mobile": "138 0013 8001", "org_unit": units["C社区"].pk},
    )
    assert response.status_code == 200
    response = client.post(
        url, {"action": "confirm", "code": last_code("13800138001"), "org_unit": units["C社区"].pk}
    )
    assert response.status_code == 302 and response["Location"] == reverse("progress:my_learning")
    user = User.objects.get(mobile="13800138001")
    assert user.org_unit == units["A社区"]
    assert client.get(reverse("progress:my_learning")).status_code == 200
    assert int(client.session["_auth_user_id"]) == user.pk


def test_wrong_and_reused_codes(client, street_manager, units, volunteer):
    invitation = invite(street_manager, units["A社区"], volunteer)
    url = join_url(invitation)
    client.post(url, {"action": "send", "name": "王小明", "mobile": "13800138001"})
    code = last_code("13800138001")
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(url, {"action": "confirm", "code": wrong})
    assert response.status_code == 200 and not User.objects.filter(mobile="13800138001").exists()
    assert "field__error" in response.content.decode()
    assert client.post(url, {"action": "confirm", "code": code}).status_code == 302
    client.logout()
    # The same code again (a replayed form) joins nobody else.
    response = client.post(url, {"action": "confirm", "code": code})
    assert response.status_code == 200
    assert User.objects.filter(mobile="13800138001").count() == 1
    invitation.refresh_from_db()
    assert invitation.uses == 1


def test_tampered_token_is_404(client, street_manager, units, volunteer):
    invitation = invite(street_manager, units["A社区"], volunteer)
    tampered = invitation.token[:-1] + ("A" if invitation.token[-1] != "A" else "B")
    assert client.get(reverse("join:join", args=[tampered])).status_code == 404


def test_closed_invitations_say_so(client, street_manager, units, volunteer):
    used = invite(street_manager, units["A社区"], volunteer, max_uses=1)
    invitations.join_submit(invitation=used, name="甲", mobile="13800138001")
    expired = invite(street_manager, units["A社区"], volunteer)
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - datetime.timedelta(days=1))
    for invitation, reason in ((used, "used_up"), (expired, "expired")):
        text = str(invitations.refusal_message(reason))
        response = client.get(join_url(invitation))
        assert response.status_code == 200
        assert text in response.content.decode()
        response = client.post(
            join_url(invitation), {"action": "send", "name": "乙", "mobile": "13800138002"}
        )
        assert text in response.content.decode()
    assert not sms.outbox


def test_existing_number_is_sent_to_sign_in(client, street_manager, units, volunteer):
    make_user("existing", mobile="13800138009")
    invitation = invite(street_manager, units["A社区"], volunteer)
    response = client.post(join_url(invitation), {"action": "send", "name": "甲", "mobile": "13800138009"})
    assert reverse("accounts:login") in response.content.decode()
    assert not sms.outbox


def test_join_needing_approval_waits(client, street_manager, units, volunteer):
    invitation = invite(street_manager, units["A社区"], volunteer, needs_approval=True)
    url = join_url(invitation)
    client.post(url, {"action": "send", "name": "李四", "mobile": "13800138004"})
    response = client.post(url, {"action": "confirm", "code": last_code("13800138004")})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert JoinRequest.objects.get(mobile="13800138004").status == JoinRequest.Status.PENDING


# -- the admin ---------------------------------------------------------------------------------------


def test_admin_scope_and_deactivate(client, street_manager, other_manager, units, volunteer):
    mine = invite(street_manager, units["A社区"], volunteer)
    theirs = invite(other_manager, units["C社区"], volunteer)
    client.force_login(street_manager)
    listing = client.get(reverse("invitations:index")).content.decode()
    assert "A社区" in listing and "C社区" not in listing
    assert client.get(reverse("invitations:poster", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("invitations:deactivate", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.active
    assert client.post(reverse("invitations:deactivate", args=[mine.pk])).status_code == 302
    mine.refresh_from_db()
    assert not mine.active


def test_admin_create_offers_only_units_in_scope(client, street_manager, units, volunteer):
    client.force_login(street_manager)
    page = client.get(reverse("invitations:add")).content.decode()
    assert "A社区" in page and "C社区" not in page
    response = client.post(
        reverse("invitations:add"), {"org_unit": units["C社区"].pk, "position": volunteer.pk}
    )
    assert response.status_code == 200 and not Invitation.objects.exists()
    response = client.post(
        reverse("invitations:add"),
        {"org_unit": units["B社区"].pk, "position": volunteer.pk, "max_uses": "30", "needs_approval": "on"},
    )
    assert response.status_code == 302
    created = Invitation.objects.get()
    assert (created.org_unit, created.max_uses, created.needs_approval) == (units["B社区"], 30, True)


def test_approvals_screen_in_bulk_and_scoped(
    client, street_manager, other_manager, units, volunteer, django_capture_on_commit_callbacks
):
    mine = invite(street_manager, units["A社区"], volunteer, needs_approval=True)
    theirs = invite(other_manager, units["C社区"], volunteer, needs_approval=True)
    one = invitations.join_submit(invitation=mine, name="甲一", mobile="13800138001").request
    two = invitations.join_submit(invitation=mine, name="甲二", mobile="13800138002").request
    other = invitations.join_submit(invitation=theirs, name="丙一", mobile="13800138003").request
    client.force_login(street_manager)
    page = client.get(reverse("invitations:approvals")).content.decode()
    assert "甲一" in page and "甲二" in page and "丙一" not in page
    # Ticking someone else's request refuses the whole form.
    client.post(reverse("invitations:approvals"), {"requests": [one.pk, other.pk], "decision": "approve"})
    assert not User.objects.filter(mobile__in=["13800138001", "13800138003"]).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("invitations:approvals"), {"requests": [one.pk, two.pk], "decision": "approve"}
        )
    assert response.status_code == 302
    assert (
        User.objects.filter(mobile__in=["13800138001", "13800138002"], org_unit=units["A社区"]).count() == 2
    )
    other.refresh_from_db()
    assert other.status == JoinRequest.Status.PENDING
    learner = make_user("learner_x", org_unit=units["A社区"])
    client.force_login(learner)
    assert client.get(reverse("invitations:approvals")).status_code in (302, 403)


# -- the poster --------------------------------------------------------------------------------------


def test_poster_has_chinese_text_and_the_join_qr(client, street_manager, units, volunteer):
    invitation = invite(
        street_manager,
        units["解放碑街道"],
        volunteer,
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )
    client.force_login(street_manager)
    response = client.get(reverse("invitations:poster", args=[invitation.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert round(float(page.mediabox.width)) == 595 and round(float(page.mediabox.height)) == 842
    text = re.sub(r"\s+", "", page.extract_text())
    assert "解放碑街道" in text and "志愿者" in text
    url = "http://testserver" + reverse("join:join", args=[invitation.token])
    assert url in page.extract_text().replace("\n", "")
    # The embedded image is segno's matrix for exactly this URL, ten pixels a module.
    (image,) = page.images
    picture = image.image.convert("1")
    expected = join_qr(url).matrix
    border = 4 * QR_PIXELS_PER_MODULE
    half = QR_PIXELS_PER_MODULE // 2
    read = [
        [
            picture.getpixel(
                (border + column * QR_PIXELS_PER_MODULE + half, border + row * QR_PIXELS_PER_MODULE + half)
            )
            == 0
            for column in range(len(expected))
        ]
        for row in range(len(expected))
    ]
    assert read == [[bool(module) for module in line] for line in expected]
    assert read != [[bool(module) for module in line] for line in segno.make_qr(url + "x", error="m").matrix]


def test_poster_is_chinese_whatever_the_language(street_manager, units, volunteer):
    from django.utils import translation

    invitation = invite(street_manager, units["A社区"], volunteer)
    with translation.override("en"):
        pdf = poster_pdf(invitation, "https://learn.example.cn/join/x/")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "一线学堂" in text

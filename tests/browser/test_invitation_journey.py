"""Join by poster: a street's training manager (desktop) creates an invitation that needs approval and
downloads its poster; a volunteer on a 360 px phone opens the join page (the poster's QR code), gives a
name and a mobile number and the code from the text message, and is told the request waits; the manager
approves it; the volunteer, signed in, sees the course assigned to that unit and position. Then the
direct variant: no approval, the code signs the volunteer in and lands on My learning.

Selectors use field names and the page's structure, not the new strings' wording (their Chinese comes
with the PO file at merge)."""

import io

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts import invitations
from accounts.models import Invitation, JoinRequest, User
from assignments.services import assignment_create
from core import sms
from tests.browser.conftest import DESKTOP, _recorded_page
from tests.factories import make_course, make_org_tree, make_position, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "a-Strong-pass-2026"
COURSE = "志愿者服务入门"


@pytest.fixture
def world(transactional_db):
    sms.outbox.clear()
    units = make_org_tree()
    volunteer = make_position("志愿者")
    manager = make_user(
        "jfb-manager",
        name="解放碑管理员",
        groups=["Managers"],
        managed_unit=units["解放碑街道"],
        is_staff=True,
    )
    admin = make_user("root", is_superuser=True, is_staff=True)
    course = make_course(COURSE, open_enrolment=False)
    assignment_create(course=course, units=[units["解放碑街道"]], positions=[volunteer], actor=admin)
    yield {"units": units, "volunteer": volunteer, "manager": manager, "course": course}
    sms.outbox.clear()


@pytest.fixture
def manager_desktop(browser, live_server, request):
    yield from _recorded_page(browser, live_server, request, DESKTOP)


def last_code(mobile: str) -> str:
    codes = [m.params["code"] for m in sms.outbox if m.mobile == mobile and "code" in m.params]
    assert codes, f"no code texted to {mobile}"
    return codes[-1]


def fits_the_phone(locator):
    box = locator.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360


def volunteer_joins(phone, token: str, name: str, mobile: str, unit: str):
    page = phone.page
    phone.goto(f"/join/{token}/")
    expect(page.locator("main")).to_contain_text(unit)
    expect(page.locator("main")).to_contain_text("志愿者")
    fits_the_phone(page.locator("input[name=mobile]"))
    page.locator("input[name=name]").fill(name)
    page.locator("input[name=mobile]").fill(mobile)
    page.locator("main button.button--primary").click()
    code = page.locator("input[name=code]")
    expect(code).to_be_visible()
    fits_the_phone(code)
    code.fill(last_code(mobile))
    phone.screenshot("code")
    page.locator("main button.button--primary").click()


def test_join_with_approval(phone, manager_desktop, world, live_server, tmp_path):
    page = manager_desktop.page
    manager_desktop.goto("/admin/")
    page.get_by_label("用户名").fill("jfb-manager")
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    # Create the invitation: only the manager's street and below are offered.
    manager_desktop.goto("/admin/invitations/new/")
    options = page.locator("select[name=org_unit] option")
    expect(options.filter(has_text="解放碑街道")).to_have_count(1)
    expect(options.filter(has_text="七星岗街道")).to_have_count(0)
    page.locator("select[name=org_unit]").select_option(str(world["units"]["解放碑街道"].pk))
    page.locator("select[name=position]").select_option(str(world["volunteer"].pk))
    page.locator("input[name=max_uses]").fill("20")
    page.locator("input[name=needs_approval]").check()
    page.locator("form [type=submit]").last.click()
    expect(page.locator("table.listing")).to_contain_text("解放碑街道")
    invitation = Invitation.objects.get()
    assert invitation.needs_approval and invitation.max_uses == 20

    # The poster.
    poster = page.locator(f"a[href='/admin/invitations/poster/{invitation.pk}/']").first
    with page.expect_download() as download_info:
        poster.click()
    saved = tmp_path / "poster.pdf"
    download_info.value.save_as(saved)
    text = PdfReader(io.BytesIO(saved.read_bytes())).pages[0].extract_text().replace("\n", "")
    assert "解放碑街道" in text and f"/join/{invitation.token}/" in text

    # The volunteer joins from the phone and waits.
    volunteer_joins(phone, invitation.token, "王小明", "13800138001", "解放碑街道")
    expect(phone.page.locator("h1")).to_be_visible()
    assert JoinRequest.objects.get().status == JoinRequest.Status.PENDING
    assert not User.objects.filter(mobile="13800138001").exists()
    phone.screenshot("waiting")

    # The manager approves.
    manager_desktop.goto("/admin/invitations/approvals/")
    row = page.locator("tr[data-join-request]", has_text="王小明")
    row.locator("input[type=checkbox]").check()
    page.locator("button[name=decision][value=approve]").click()
    expect(page.locator("#no-join-requests")).to_be_visible()
    manager_desktop.screenshot("approved")
    user = User.objects.get(mobile="13800138001")
    assert user.org_unit == world["units"]["解放碑街道"]
    approved = [m.text for m in sms.outbox if m.mobile == "13800138001" and m.template == "join_approved"]
    assert approved and "申请已通过" in approved[0]

    # Signed in (sign-in by code is another screen's business), the volunteer sees the course.
    client = Client()
    client.force_login(user)
    phone.page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    phone.goto("/my/")
    expect(phone.page.locator("main")).to_contain_text(COURSE)
    phone.screenshot("my-learning")


def test_join_directly_lands_on_my_learning(phone, world):
    invitation = invitations.invitation_create(
        org_unit=world["units"]["A社区"], position=world["volunteer"], actor=world["manager"]
    )
    volunteer_joins(phone, invitation.token, "李四", "13800138002", "A社区")
    expect(phone.page).to_have_url(phone.page.url.split("/my/")[0] + "/my/")
    expect(phone.page.locator("main")).to_contain_text(COURSE)
    user = User.objects.get(mobile="13800138002")
    assert (user.org_unit, user.position) == (world["units"]["A社区"], world["volunteer"])

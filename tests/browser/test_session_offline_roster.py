"""The trainer's roster with no signal, on a 360 px phone: two taps are kept on the phone and shown as
待同步; back online they are sent, and each person is checked in once, as "offline", at the tap's time;
a tap online is posted at once."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from classroom import services
from classroom.models import OfflineCheckIn, SessionAttendance
from tests.factories import make_org_tree, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "a-Strong-pass-2026"


def test_taps_with_no_signal_are_recorded_once_when_back_online(transactional_db, phone):
    units = make_org_tree()
    trainer = make_user("trainer", name="培训师", groups=["Trainers"], is_staff=True)
    first, second, third = (
        make_user(f"learner{n}", name=name, org_unit=units["A社区"])
        for n, name in enumerate(["甲学员", "乙学员", "丙学员"], start=1)
    )
    starts = timezone.now() - datetime.timedelta(minutes=5)
    session = services.session_create(
        actor=trainer,
        title="楼栋安全培训",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        place="A社区活动室",
        capacity=20,
        unit=units["解放碑街道"],
        invited_units=[units["A社区"]],
    )
    page = phone.page
    phone.goto("/admin/")
    page.get_by_label("用户名").fill("trainer")
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("body")).to_contain_text("培训师")
    phone.goto(reverse("classroom_sessions:roster", args=[session.pk]))
    expect(page.locator("[data-roster][data-offline-ready]")).to_have_count(1)

    page.context.set_offline(True)
    for person in (first, second):
        page.locator(f"[data-roster-row='{person.pk}'] button").click()
        expect(page.locator(f"[data-roster-row='{person.pk}'] [data-roster-state]")).to_have_attribute(
            "data-roster-state", "pending"
        )
    expect(page.locator("[data-offline-note]")).to_be_visible()
    phone.screenshot("1-kept-offline", full_page=False)
    assert not SessionAttendance.objects.exists()

    page.context.set_offline(False)
    for person in (first, second):
        expect(page.locator(f"[data-roster-row='{person.pk}'] [data-roster-state]")).to_have_attribute(
            "data-roster-state", "done"
        )
    expect(page.locator("[data-roster-count]")).to_have_text("2")
    expect(page.locator("[data-offline-note]")).to_be_hidden()
    phone.screenshot("2-synced", full_page=False)
    attendances = SessionAttendance.objects.order_by("learner_id")
    assert [(a.learner_id, a.method) for a in attendances] == [(first.pk, "offline"), (second.pk, "offline")]
    assert OfflineCheckIn.objects.filter(outcome="recorded").count() == 2
    # Reloaded: nothing is left on the phone to send again, and the roster shows both checked in.
    page.reload()
    expect(page.locator("[data-roster][data-offline-ready]")).to_have_count(1)
    assert page.evaluate(f"localStorage.getItem('frontline.offline.checkins.{session.pk}')") is None
    assert SessionAttendance.objects.count() == 2
    # Online again, a tap is posted at once, as a roster check-in.
    page.locator(f"[data-roster-row='{third.pk}'] button").click()
    expect(page.locator("[data-roster-count]")).to_have_text("3")
    assert SessionAttendance.objects.get(learner=third).method == "roster"

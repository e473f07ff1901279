"""Invitations to a session go through the notifications app's channels (in-app and SMS here), once per
person and change; the day before, the daily work reminds the invited."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from classroom import services
from core import sms
from notifications import services as notification_services
from notifications.models import Delivery, Notification

from .conftest import plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def channels_on(settings):
    sms.outbox.clear()
    cache.clear()
    settings.NOTIFY_CHANNELS = ["sms"]
    settings.REMINDER_EMAIL_ENABLED = False
    yield
    sms.outbox.clear()


@pytest.fixture
def mobiles(place):
    for key, number in (("a", "13800000001"), ("a2", "13800000002"), ("b", "13800000003")):
        place[key].mobile = number
        place[key].save(update_fields=["mobile"])
    return place


def kinds(person):
    return sorted(Notification.objects.filter(recipient=person).values_list("kind", flat=True))


def test_planning_invites_each_invited_person_once_by_every_channel(
    mobiles, django_capture_on_commit_callbacks
):
    place = mobiles
    with django_capture_on_commit_callbacks(execute=True):
        session = plan(place, title="消防演练")
    assert kinds(place["a"]) == ["session_invited"] and kinds(place["a2"]) == ["session_invited"]
    assert kinds(place["b"]) == [] and kinds(place["c"]) == []  # B社区 not invited
    assert sorted(m.mobile for m in sms.outbox) == ["13800000001", "13800000002"]
    (message, _other) = sms.outbox
    assert message.template == "session" and "《消防演练》" in message.text and "社区活动室" in message.text
    assert Delivery.objects.filter(state="sent").count() == 2
    # A retried save that changes nothing sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        services.session_update(session=session, actor=place["manager"], title="消防演练")
    assert Notification.objects.count() == 2 and len(sms.outbox) == 2


def test_a_change_of_time_or_place_is_told_once_and_newly_invited_get_an_invitation(
    mobiles, django_capture_on_commit_callbacks
):
    place = mobiles
    with django_capture_on_commit_callbacks(execute=True):
        session = plan(place)
    units = place["units"]
    with django_capture_on_commit_callbacks(execute=True):
        services.session_update(
            session=session,
            actor=place["manager"],
            place="街道礼堂",
            invited_units=[units["A社区"], units["B社区"]],
        )
    with django_capture_on_commit_callbacks(execute=True):  # the same save again
        services.session_update(session=session, actor=place["manager"], place="街道礼堂")
    assert kinds(place["a"]) == ["session_changed", "session_invited"]
    assert kinds(place["b"]) == ["session_invited"]  # new: an invitation, not a change
    changed = Notification.objects.get(recipient=place["a"], kind="session_changed")
    assert changed.params["place"] == "街道礼堂"
    with django_capture_on_commit_callbacks(execute=True):  # moved again: told again
        services.session_update(
            session=session,
            actor=place["manager"],
            starts_at=session.starts_at + datetime.timedelta(hours=1),
            ends_at=session.ends_at + datetime.timedelta(hours=1),
        )
    assert kinds(place["a"]) == ["session_changed", "session_changed", "session_invited"]
    assert len(sms.outbox) == Delivery.objects.filter(state="sent").count() == 8  # 2 + 3 + 3


def test_a_rolled_back_plan_tells_nobody(mobiles, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Exception):  # noqa: B017
        plan(mobiles, capacity=0)
    assert not Notification.objects.exists() and sms.outbox == []


def test_the_daily_work_reminds_the_invited_the_day_before_once(mobiles, django_capture_on_commit_callbacks):
    place = mobiles
    today = timezone.localdate()
    tomorrow_ten = timezone.make_aware(
        datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time(10))
    )
    session = plan(place, starts_in=tomorrow_ten - timezone.now())  # hooks not run: no invitations
    plan(place, starts_in=datetime.timedelta(days=5))  # not tomorrow
    notification_services.reminders_send(today=today)
    notification_services.reminders_send(today=today)
    reminders = Notification.objects.filter(kind="session_reminder")
    assert sorted(reminders.values_list("recipient__username", flat=True)) == ["a1", "a2"]
    assert {n.dedupe_key for n in reminders} == {f"session-reminder:{session.pk}:{tomorrow_ten.date()}"}
    assert len(sms.outbox) == 2 and all("明天线下培训" in m.text for m in sms.outbox)
    services.session_close(session=session, actor=place["manager"])
    Notification.objects.all().delete()
    notification_services.reminders_send(today=today)
    assert not Notification.objects.filter(kind="session_reminder").exists()  # closed: no reminder


def test_invitations_by_email_follow_the_persons_choice(
    mobiles, settings, mailoutbox, django_capture_on_commit_callbacks
):
    from notifications.services import reminder_preference_update

    place = mobiles
    settings.REMINDER_EMAIL_ENABLED = True
    settings.NOTIFY_CHANNELS = ["email"]
    for key in ("a", "a2"):
        place[key].email = f"{place[key].username}@example.cn"
        place[key].save(update_fields=["email"])
    reminder_preference_update(user=place["a2"], email_session=False)
    with django_capture_on_commit_callbacks(execute=True):
        plan(place, title="消防演练")
    assert [message.to for message in mailoutbox] == [["a1@example.cn"]]
    assert "消防演练" in mailoutbox[0].subject and "社区活动室" in mailoutbox[0].body
    assert kinds(place["a2"]) == ["session_invited"]  # in the app always


def test_the_invitation_reads_in_the_readers_language(client, mobiles, in_english):
    from django.urls import reverse

    from notifications.services import notifications_session_planned

    place = mobiles
    session = plan(place, title="消防演练")
    notifications_session_planned(session_id=session.pk)
    client.force_login(place["a"])
    page = client.get(reverse("notifications:list")).content.decode()
    assert "You are invited to the in-person session “消防演练”" in page
    assert "社区活动室" in page

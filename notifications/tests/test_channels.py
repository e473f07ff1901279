"""Each channel against a fake endpoint, retries with backoff, exactly once under a dying worker,
people's choices, the new-course notice and the administrators' report of messages not sent."""

import datetime
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assignments import services as assignment_services
from core import sms
from notifications import channels, deliveries, selectors, services
from notifications.models import Delivery, Notification, ReminderPreference
from tests.factories import make_org_tree, make_user

from .conftest import days, enrol

pytestmark = pytest.mark.django_db
LATER = datetime.timedelta(days=2)  # past every backoff


@pytest.fixture(autouse=True)
def fresh(settings):
    sms.outbox.clear()
    cache.clear()
    settings.NOTIFY_CHANNELS = ["sms"]
    settings.REMINDER_EMAIL_ENABLED = False
    yield
    sms.outbox.clear()


def person(username, **fields):
    return make_user(username, mobile=fields.pop("mobile", "13800138000"), **fields)


def later():
    return timezone.now() + LATER


# --- SMS -----------------------------------------------------------------------------------


def test_a_reminder_goes_by_text_message_in_chinese_once(course, today):
    learner = person("late")
    enrol(learner, course, due_on=today - days(1))
    assert services.reminders_send(today=today)["sent"] == 1
    services.reminders_send(today=today)
    (message,) = sms.outbox
    assert message.mobile == "13800138000" and message.template == "reminder"
    assert (
        message.text.startswith("【一线学堂】")
        and f"《{course.title}》" in message.text
        and "逾期" in message.text
    )
    assert message.params["course"] == course.title
    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.state, delivery.attempts) == ("sms", "sent", 1)
    assert delivery.provider_id == "locmem:1"


def test_a_retryable_sms_failure_is_retried_with_backoff_then_given_up(course, today, settings, monkeypatch):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    settings.NOTIFY_RETRY_BASE_SECONDS = 60
    learner = person("late")
    enrol(learner, course, due_on=today - days(1))
    tries = []

    def busy(message):
        tries.append(timezone.now())
        raise sms.SmsError("provider busy", retryable=True)

    monkeypatch.setattr(sms.LocmemBackend, "send", lambda self, message: busy(message))
    start = timezone.now()
    services.reminders_send(today=today)
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("pending", 1)
    assert datetime.timedelta(seconds=59) < delivery.next_try_at - start < datetime.timedelta(seconds=62)
    assert deliveries.deliveries_send(now=start + datetime.timedelta(seconds=30)) == 0  # not yet due
    assert len(tries) == 1

    deliveries.deliveries_send(now=start + datetime.timedelta(seconds=61))
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("pending", 2)
    assert delivery.next_try_at == start + datetime.timedelta(seconds=61 + 120)  # doubled

    deliveries.deliveries_send(now=start + datetime.timedelta(seconds=200))
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, len(tries)) == ("failed", 3, 3)
    assert "provider busy" in delivery.last_error
    assert deliveries.deliveries_send(now=later()) == 0 and len(tries) == 3


def test_backoff_doubles_and_is_capped():
    assert [deliveries.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert deliveries.backoff(30) == datetime.timedelta(days=1)


def test_a_number_the_provider_refuses_fails_at_once(course, today, monkeypatch):
    learner = person("late")
    enrol(learner, course, due_on=today - days(1))

    def refuse(self, message):
        raise sms.SmsError("invalid number", retryable=False)

    monkeypatch.setattr(sms.LocmemBackend, "send", refuse)
    services.reminders_send(today=today)
    assert Delivery.objects.get().state == "failed"


# --- Choices -------------------------------------------------------------------------------


def test_people_choose_their_channels_and_the_app_always_has_it(course, today, settings):
    settings.REMINDER_EMAIL_ENABLED = True
    quiet = person("quiet", email="quiet@example.cn")
    ReminderPreference.objects.create(user=quiet, sms=False, email_overdue=False)
    keen = person("keen", email="keen@example.cn", mobile="13900139000")
    no_mobile = make_user("nomobile")
    for learner in (quiet, keen, no_mobile):
        enrol(learner, course, due_on=today - days(1))

    services.reminders_send(today=today)

    assert [message.mobile for message in sms.outbox] == ["13900139000"]
    assert [message.to for message in mail.outbox] == [["keen@example.cn"]]
    # Mandatory training: everyone has it in the app whatever they turned off.
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {
        "quiet",
        "keen",
        "nomobile",
    }


def test_a_channel_the_organisation_turns_off_sends_nothing_more(course, today, settings):
    learner = person("late")
    enrol(learner, course, due_on=today - days(1))
    settings.NOTIFY_CHANNELS = []
    services.reminders_send(today=today)
    assert sms.outbox == [] and not Delivery.objects.exists()


def test_switching_sms_off_drops_what_is_still_owed(course, today, monkeypatch):
    learner = person("late")
    enrol(learner, course, due_on=today - days(1))
    monkeypatch.setattr(deliveries, "deliveries_send", lambda **kwargs: 0)  # the worker has not run yet
    services.reminders_send(today=today)
    monkeypatch.undo()
    services.reminder_preference_update(user=learner, sms=False)
    assert deliveries.deliveries_send() == 0
    assert sms.outbox == [] and Delivery.objects.get().state == "dropped"


def test_the_preferences_page_offers_the_channels_the_organisation_uses(settings):
    me = person("me")
    client = Client()
    client.force_login(me)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert 'name="sms"' in page and 'name="wecom"' not in page  # WeCom is not configured
    response = client.post(reverse("notifications:preferences"), {"email_overdue": "on"})
    assert response.status_code == 302
    preference = ReminderPreference.objects.get(user=me)
    assert preference.sms is False and preference.email_overdue and not preference.email_due_soon


# --- Exactly once under a dying worker ------------------------------------------------------


class WorkerKilled(BaseException):
    """Not an Exception: nothing in the sending loop catches it, like a SIGKILL."""


def owed_sms(learner, course, today, monkeypatch):
    """One text message owed to ``learner``. The worker that dies in these tests is gone at once, so a
    stamp counts as stale at once too (on SQLite, which has no row locks to tell)."""
    enrol(learner, course, due_on=today - days(1))
    monkeypatch.setattr(deliveries, "deliveries_send", lambda **kwargs: 0)
    services.reminders_send(today=today)
    monkeypatch.undo()
    monkeypatch.setattr(deliveries, "stale_after", lambda: datetime.timedelta(0))


def test_a_worker_that_dies_before_the_provider_has_it_leaves_it_for_the_next_one(course, today, monkeypatch):
    owed_sms(person("late"), course, today, monkeypatch)
    real = channels.SmsChannel.send

    def die_before_sending(self, notification, address, **kwargs):
        raise WorkerKilled

    monkeypatch.setattr(channels.SmsChannel, "send", die_before_sending)
    with pytest.raises(WorkerKilled):
        deliveries.deliveries_send()
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("pending", 1)
    assert delivery.sending_at is not None  # in flight: the next run asks the provider first

    monkeypatch.setattr(channels.SmsChannel, "send", real)
    assert deliveries.deliveries_send() == 1  # the provider does not have it: sent now
    assert deliveries.deliveries_send() == 0
    assert len(sms.outbox) == 1 and sms.outbox[0].key == f"delivery-{delivery.pk}"
    assert Delivery.objects.get().sending_at is None


def die_when_recording_sent(monkeypatch):
    """Returns a function that puts the real recording back."""
    real_record = deliveries._record

    def record(delivery, **fields):
        if fields.get("state") == Delivery.State.SENT:
            raise WorkerKilled
        return real_record(delivery, **fields)

    monkeypatch.setattr(deliveries, "_record", record)
    return lambda: monkeypatch.setattr(deliveries, "_record", real_record)


def test_a_death_between_the_providers_accept_and_the_commit_sends_nothing_twice(course, today, monkeypatch):
    """The provider took the message and the worker died before COMMIT: the row is still stamped, the
    next run finds the message at the provider by its key and records it as sent."""
    owed_sms(person("late"), course, today, monkeypatch)
    restore = die_when_recording_sent(monkeypatch)
    with pytest.raises(WorkerKilled):
        deliveries.deliveries_send()
    assert Delivery.objects.get().state == "pending" and len(sms.outbox) == 1
    restore()

    assert deliveries.deliveries_reconcile() == {"accepted": 1, "owed_again": 0}
    assert deliveries.deliveries_send() == 0
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.sending_at, delivery.provider_id) == ("sent", None, "locmem:1")
    assert len(sms.outbox) == 1  # exactly once


def test_a_provider_that_cannot_tell_gets_the_one_message_in_flight_again(course, today, monkeypatch, caplog):
    owed_sms(person("late"), course, today, monkeypatch)
    restore = die_when_recording_sent(monkeypatch)
    with pytest.raises(WorkerKilled):
        deliveries.deliveries_send()
    restore()
    monkeypatch.setattr(sms.LocmemBackend, "accepted", lambda self, key, mobile: None)

    assert deliveries.deliveries_send() == 1
    assert len(sms.outbox) == 2  # one repeat at most, and said in the log
    assert "cannot say whether it arrived" in caplog.text
    assert Delivery.objects.get().state == "sent"


def test_a_message_a_live_worker_is_sending_is_left_to_it(course, today, monkeypatch, settings):
    """Without row locks (SQLite) a stamp is only taken over once it is stale; on PostgreSQL the
    sending worker's row lock says it is alive (test_parallel_workers_… below)."""
    if connection.features.has_select_for_update_skip_locked:
        pytest.skip("SQLite's rule; PostgreSQL uses the row lock")
    owed_sms(person("late"), course, today, monkeypatch)
    monkeypatch.undo()  # stamps go stale after NOTIFY_SENDING_STALE_SECONDS again
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(sending_at=timezone.now(), attempts=1)
    assert deliveries.deliveries_send() == 0 and sms.outbox == []
    settings.NOTIFY_SENDING_STALE_SECONDS = 0
    assert deliveries.deliveries_send() == 1 and len(sms.outbox) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_workers_and_a_dying_one_send_each_message_once(course, today, settings, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL); SQLite serialises all writes")
    settings.NOTIFY_CHANNELS = ["sms"]
    learners = [person(f"many{i}", mobile=f"1380013{i:04d}") for i in range(40)]
    for learner in learners:
        enrol(learner, course, due_on=today - days(1))
    services.notifications_create(drafts=selectors.overdue_reminders(today=today))
    assert Delivery.objects.filter(state="pending").count() == 40
    real = channels.SmsChannel.send
    dying = threading.current_thread  # the first worker dies on its third message
    victim = {}

    def send(self, notification, address, **kwargs):
        me = dying()
        if victim.setdefault("thread", me) is me:
            victim["count"] = victim.get("count", 0) + 1
            if victim["count"] == 3:
                raise WorkerKilled
        return real(self, notification, address, **kwargs)

    monkeypatch.setattr(channels.SmsChannel, "send", send)
    barrier = threading.Barrier(4)
    sent, died = [], []

    def work():
        try:
            barrier.wait()
            sent.append(deliveries.deliveries_send())
        except WorkerKilled:
            died.append(True)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sent.append(deliveries.deliveries_send())  # the restarted worker

    assert died == [True]
    assert sum(sent) + 2 == 40  # the dead worker's two committed messages
    mobiles = [message.mobile for message in sms.outbox]
    assert sorted(mobiles) == sorted(learner.mobile for learner in learners)  # each exactly once
    assert not Delivery.objects.exclude(state="sent").exists()


# --- WeCom against a fake server --------------------------------------------------------------


class FakeWeCom(BaseHTTPRequestHandler):
    calls: list = []
    script: list = []  # errcodes message/send answers with, in order (then 0)

    def log_message(self, *args):
        pass

    def _answer(self, body: dict):
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        FakeWeCom.calls.append(("GET", url.path, query, None))
        if url.path == "/cgi-bin/gettoken":
            if query.get("corpsecret") != ["secret"]:
                return self._answer({"errcode": 40001, "errmsg": "invalid credential"})
            n = sum(1 for call in FakeWeCom.calls if call[1] == "/cgi-bin/gettoken")
            return self._answer({"errcode": 0, "errmsg": "ok", "access_token": f"T{n}", "expires_in": 7200})
        self._answer({"errcode": 404})

    def do_POST(self):
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeWeCom.calls.append(("POST", url.path, query, body))
        if url.path == "/cgi-bin/user/getuserid":
            if body["mobile"] == "13900000000":
                return self._answer({"errcode": 46004, "errmsg": "user no exist"})
            return self._answer({"errcode": 0, "errmsg": "ok", "userid": f"u{body['mobile'][-4:]}"})
        if url.path == "/cgi-bin/message/send":
            code = FakeWeCom.script.pop(0) if FakeWeCom.script else 0
            if code:
                return self._answer({"errcode": code, "errmsg": "scripted"})
            return self._answer({"errcode": 0, "errmsg": "ok", "invaliduser": "", "msgid": "M1"})
        self._answer({"errcode": 404})


@pytest.fixture
def wecom(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeWeCom)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeWeCom.calls, FakeWeCom.script = [], []
    settings.NOTIFY_CHANNELS = ["wecom"]
    settings.WECOM_CORP_ID, settings.WECOM_AGENT_ID, settings.WECOM_SECRET = "corp", "1000002", "secret"
    settings.WECOM_API_BASE = f"http://127.0.0.1:{server.server_port}"
    yield FakeWeCom
    server.shutdown()
    server.server_close()


def sends(fake):
    return [call for call in fake.calls if call[1] == "/cgi-bin/message/send"]


def test_wecom_sends_a_text_card_to_the_person_found_by_mobile(wecom, course, today):
    learner = person("late", mobile="13800131234")
    enrol(learner, course, due_on=today - days(1))
    assert services.reminders_send(today=today)["sent"] == 1
    (call,) = sends(wecom)
    body = call[3]
    assert call[2]["access_token"] == ["T1"]
    assert body["touser"] == "u1234" and body["agentid"] == 1000002 and body["msgtype"] == "textcard"
    assert course.title in body["textcard"]["title"] and body["textcard"]["url"].startswith("http")
    assert Delivery.objects.get().provider_id == "M1"


def test_wecom_fetches_a_fresh_token_when_it_expired(wecom, course, today):
    learners = [person("a", mobile="13800130001"), person("b", mobile="13800130002")]
    for learner in learners:
        enrol(learner, course, due_on=today - days(1))
    wecom.script = [0, 42001]  # the second send finds the cached token expired
    assert services.reminders_send(today=today)["sent"] == 2
    tokens = [call[2]["access_token"][0] for call in sends(wecom)]
    assert tokens == ["T1", "T1", "T2"]
    assert len([call for call in wecom.calls if call[1] == "/cgi-bin/gettoken"]) == 2


def test_wecom_rate_limit_is_retried_later(wecom, course, today):
    learner = person("late")
    enrol(learner, course, due_on=today - days(1))
    wecom.script = [45009]
    assert services.reminders_send(today=today)["sent"] == 0
    delivery = Delivery.objects.get()
    assert delivery.state == "pending" and "45009" in delivery.last_error
    assert deliveries.deliveries_send(now=later()) == 1
    assert len(sends(wecom)) == 2


def test_wecom_person_not_in_the_directory_fails_without_retry(wecom, course, today):
    learner = person("outsider", mobile="13900000000")
    enrol(learner, course, due_on=today - days(1))
    services.reminders_send(today=today)
    delivery = Delivery.objects.get()
    assert delivery.state == "failed" and "46004" in delivery.last_error and sends(wecom) == []


def test_wecom_is_off_unless_configured(wecom, settings, course, today):
    settings.WECOM_SECRET = ""
    learner = person("late")
    enrol(learner, course, due_on=today - days(1))
    services.reminders_send(today=today)
    assert not Delivery.objects.exists() and wecom.calls == []


# --- The new-course notice ---------------------------------------------------------------------


def test_people_are_told_of_a_new_course_once(course, django_capture_on_commit_callbacks):
    tree = make_org_tree()
    admin = make_user("admin", is_superuser=True, is_staff=True)
    learner = person("jia", org_unit=tree["A社区"])
    due = timezone.localdate() + days(20)
    with django_capture_on_commit_callbacks(execute=True):
        assignment = assignment_services.assignment_create(
            course=course, units=[tree["A社区"]], due_mode="date", due_date=due, actor=admin
        )
    with django_capture_on_commit_callbacks(execute=True):  # edited and re-applied: nothing new
        assignment_services.assignment_update(
            assignment=assignment,
            units=[tree["A社区"]],
            due_mode="date",
            due_date=due,
            mandatory=True,
            actor=admin,
        )
    notice = Notification.objects.get(recipient=learner)
    assert notice.kind == "course_assigned" and notice.dedupe_key == f"assigned:{assignment.pk}:{course.pk}"
    (message,) = sms.outbox
    assert message.template == "assigned"
    assert (
        message.text
        == f"【一线学堂】你有一门新课程：《{course.title}》，请在 {due.month}月{due.day}日前完成。"
    )

    newcomer = person("yi", org_unit=tree["B社区"], mobile="13800138001")
    with django_capture_on_commit_callbacks(execute=True):
        newcomer.org_unit = tree["A社区"]
        newcomer.save()
        from accounts.services import people_placed

        people_placed(user_ids=[newcomer.pk])
    assert Notification.objects.filter(kind="course_assigned").count() == 2
    assert [message.mobile for message in sms.outbox] == ["13800138000", "13800138001"]


# --- The administrators' report ---------------------------------------------------------------


def test_administrators_see_what_could_not_be_sent(course, today, monkeypatch):
    learner = person("late", name="王五")
    enrol(learner, course, due_on=today - days(1))
    monkeypatch.setattr(
        sms.LocmemBackend,
        "send",
        lambda self, m: (_ for _ in ()).throw(sms.SmsError("号码停机", retryable=False)),
    )
    services.reminders_send(today=today)
    url = reverse("notifications_admin:failed_deliveries")
    admin = make_user("root", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(admin)
    html = client.get(url).content.decode()
    assert "王五" in html and "号码停机" in html
    manager = make_user("boss", is_staff=True, managed_unit=make_org_tree()["渝中区"])
    client.force_login(manager)
    refused = client.get(url)
    assert refused.status_code in (302, 403) and "号码停机" not in refused.content.decode()

"""Each reminder exists once and is emailed once, whatever reruns, crashes or parallel workers."""

import datetime
import smtplib
import threading
from collections import Counter

import pytest
from django.core import mail
from django.db import connection, connections
from django.utils import timezone

from notifications import deliveries, selectors, services
from notifications.models import Delivery, Notification, ReminderPreference
from tests.factories import make_course, make_user

from .conftest import days, enrol, learner_with_email
from .mail_backends import CrashAfterBackend

pytestmark = pytest.mark.django_db


def recipients_emailed() -> Counter:
    return Counter(address for message in mail.outbox for address in message.to)


def test_a_rerun_creates_and_emails_nothing_new(course, today):
    soon, late = learner_with_email("soon"), learner_with_email("late")
    enrol(soon, course, due_on=today + days(2))
    enrol(late, course, due_on=today - days(2))

    first = services.reminders_send(today=today)
    second = services.reminders_send(today=today)
    tomorrow = services.reminders_send(today=today + days(1))

    assert (first["created"], first["sent"]) == (2, 2)
    assert (second["created"], second["sent"]) == (0, 0)
    assert (tomorrow["created"], tomorrow["sent"]) == (0, 0)  # still due soon / still overdue
    assert Notification.objects.count() == 2
    assert recipients_emailed() == {"soon@example.cn": 1, "late@example.cn": 1}
    assert set(Notification.objects.values_list("kind", flat=True)) == {"due_soon", "overdue"}
    assert set(Delivery.objects.values_list("channel", "state")) == {("email", "sent")}


def test_a_new_due_date_is_a_new_reminder(course, today):
    learner = learner_with_email("moved")
    enrolment = enrol(learner, course, due_on=today - days(1))
    services.reminders_send(today=today)
    enrolment.due_on = today - days(1) + days(7)  # the manager gave more time, then it ran out again
    enrolment.save()
    services.reminders_send(today=today + days(8))
    assert Notification.objects.filter(recipient=learner, kind="overdue").count() == 2


def test_a_crash_halfway_and_a_rerun_email_everyone_exactly_once(course, today, settings):
    learners = [learner_with_email(f"late{i}") for i in range(5)]
    for learner in learners:
        enrol(learner, course, due_on=today - days(1))
    settings.EMAIL_BACKEND = "notifications.tests.mail_backends.CrashAfterBackend"
    CrashAfterBackend.remaining = 2

    services.reminders_send(today=today)  # the server going away is a retryable failure

    assert len(mail.outbox) == 2
    assert Notification.objects.count() == 5  # every reminder exists, in the app at least
    assert Delivery.objects.filter(state="sent").count() == 2
    assert Delivery.objects.filter(state="pending", attempts=1).count() == 3

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    later = timezone.now() + datetime.timedelta(hours=1)  # after the backoff
    assert services.reminders_send(today=today) == {"date": today.isoformat(), "created": 0, "sent": 0}
    assert deliveries.deliveries_send(now=later) == 3
    assert deliveries.deliveries_send(now=later) == 0

    assert recipients_emailed() == {learner.email: 1 for learner in learners}
    assert not Delivery.objects.filter(state="pending").exists()


def test_email_follows_the_persons_choices_and_address(course, today):
    wants_none = learner_with_email("quiet")
    ReminderPreference.objects.create(user=wants_none, email_overdue=False)
    no_address = make_user("no-address")
    wants_all = learner_with_email("keen")
    for learner in (wants_none, no_address, wants_all):
        enrol(learner, course, due_on=today - days(1))
    enrol(wants_all, make_course("无期限课程"), due_on=None)  # assigned without a due date: nothing

    services.reminders_send(today=today)

    assert recipients_emailed() == {"keen@example.cn": 1}
    # Everyone still has the reminder in the app.
    assert Notification.objects.filter(kind="overdue").count() == 3


def test_switching_email_off_before_the_send_is_respected(course, today, settings):
    learner = learner_with_email("changed-mind")
    enrol(learner, course, due_on=today - days(1))
    settings.EMAIL_BACKEND = "notifications.tests.mail_backends.CrashAfterBackend"
    CrashAfterBackend.remaining = 0
    services.reminders_send(today=today)
    services.reminder_preference_update(user=learner, email_overdue=False)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    assert deliveries.deliveries_send(now=timezone.now() + datetime.timedelta(hours=1)) == 0
    assert mail.outbox == []
    assert Delivery.objects.get().state == "dropped"


def test_without_email_configured_reminders_stay_in_the_app(course, today, settings):
    settings.REMINDER_EMAIL_ENABLED = False
    learner = learner_with_email("offline")
    enrol(learner, course, due_on=today - days(1))
    services.reminders_send(today=today)
    assert mail.outbox == []
    assert not Delivery.objects.exists()
    # Turning email on later does not flood people with old reminders.
    settings.REMINDER_EMAIL_ENABLED = True
    assert deliveries.deliveries_send() == 0


def test_a_refused_address_is_given_up_and_the_rest_still_go(course, today, settings, monkeypatch):
    bad, good = learner_with_email("bad"), learner_with_email("good")
    for learner in (bad, good):
        enrol(learner, course, due_on=today - days(1))
    real_send = mail.EmailMessage.send

    def send(message, fail_silently=False):
        if message.to == [bad.email]:
            raise smtplib.SMTPRecipientsRefused({bad.email: (550, b"no such user")})
        return real_send(message, fail_silently)

    monkeypatch.setattr(mail.EmailMessage, "send", send)
    assert services.reminders_send(today=today)["sent"] == 1
    assert recipients_emailed() == {"good@example.cn": 1}
    assert deliveries.deliveries_send(now=timezone.now() + datetime.timedelta(days=2)) == 0  # not retried
    failed = Delivery.objects.get(notification__recipient=bad)
    assert failed.state == "failed" and "refused" in failed.last_error


def test_the_email_says_what_and_links_back(course, today):
    learner = learner_with_email("reader")
    enrol(learner, course, due_on=today + days(1))
    services.reminders_send(today=today)
    (message,) = mail.outbox
    assert course.title in message.subject and message.subject.startswith("[")
    assert f"http://testserver{course.url}" in message.body
    assert "http://testserver/notifications/settings/" in message.body


def test_marking_read_is_idempotent_and_keeps_the_first_time(course, today):
    learner = learner_with_email("reader")
    enrol(learner, course, due_on=today - days(1))
    services.reminders_send(today=today)
    notification = Notification.objects.get()
    first = services.notification_mark_read(notification=notification).read_at
    again = services.notification_mark_read(notification=Notification.objects.get()).read_at
    assert first is not None and again == first


def test_unknown_preferences_are_refused():
    with pytest.raises(ValueError):
        services.reminder_preference_update(user=make_user(), email_everything=False)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_workers_never_send_one_email_twice(course, today, settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL); SQLite serialises all writes")
    learners = [learner_with_email(f"many{i}") for i in range(30)]
    for learner in learners:
        enrol(learner, course, due_on=today - days(1))
    settings.REMINDER_EMAIL_ENABLED = True
    services.notifications_create(drafts=selectors.overdue_reminders(today=today))
    barrier = threading.Barrier(4)
    sent, errors = [], []

    def work():
        try:
            barrier.wait()
            sent.append(deliveries.deliveries_send())
        except Exception as exc:  # asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(sent) == 30
    assert recipients_emailed() == {learner.email: 1 for learner in learners}

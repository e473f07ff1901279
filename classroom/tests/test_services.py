import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from classroom import codes, services
from classroom.models import SessionAttendance, TrainingSession
from classroom.selectors import hours_of, learner_invited, roster_rows, upcoming_sessions_for
from classroom.tests.conftest import plan
from progress.models import CourseCompletion, Enrolment, ItemProgress
from reports.selectors import learner_transcript

pytestmark = pytest.mark.django_db


def test_plan_a_session_for_units_in_scope(place, course):
    session = plan(place, course=course)
    assert session.status == TrainingSession.Status.PLANNED
    assert session.trainer == place["trainer"]
    assert list(session.invited_units.all()) == [place["units"]["A社区"]]
    assert session.hours == Decimal("1.5")


def test_a_manager_cannot_plan_for_another_street(place):
    with pytest.raises(ValidationError):
        plan(place, invited=("C社区",))
    assert not TrainingSession.objects.exists()


def test_ends_before_it_starts_is_refused(place):
    now = timezone.now()
    with pytest.raises(ValidationError) as error:
        services.session_create(
            actor=place["manager"],
            title="x",
            starts_at=now,
            ends_at=now - datetime.timedelta(hours=1),
            place="室",
            capacity=5,
            unit=place["units"]["A社区"],
        )
    assert "ends_at" in error.value.message_dict


def test_invited_by_unit_below_and_position(place):
    session = plan(place, invited=("解放碑街道",))
    assert learner_invited(session, place["a"])
    assert learner_invited(session, place["b"])
    assert not learner_invited(session, place["c"])
    other = plan(place, invited=("A社区",))
    other.invited_positions.set([])
    assert learner_invited(other, place["a"])
    from tests.factories import make_position

    other.invited_positions.set([make_position("志愿者")])
    assert not learner_invited(other, place["a"])


def test_check_in_twice_is_harmless(place):
    session = plan(place)
    first, created = services.session_check_in(session=session, learner=place["a"])
    again, created_again = services.session_check_in(session=session, learner=place["a"])
    assert created and not created_again
    assert first.pk == again.pk
    assert SessionAttendance.objects.count() == 1
    session.refresh_from_db()
    assert session.status == TrainingSession.Status.OPEN


def test_capacity_is_enforced(place):
    session = plan(place, capacity=1)
    services.session_check_in(session=session, learner=place["a"])
    with pytest.raises(services.CheckInRefused) as error:
        services.session_check_in(session=session, learner=place["a2"])
    assert error.value.code == "full"


def test_time_window_for_scanning(place):
    session = plan(place, starts_in=datetime.timedelta(hours=3))
    with pytest.raises(services.CheckInRefused) as error:
        services.session_check_in(session=session, learner=place["a"])
    assert error.value.code == "not_yet"
    late = session.ends_at + datetime.timedelta(minutes=1)
    with pytest.raises(services.CheckInRefused) as error:
        services.session_check_in(session=session, learner=place["a"], now=late)
    assert error.value.code == "ended"
    # The trainer's roster still checks people in after the end, until the session closes.
    attendance, created = services.session_check_in(
        session=session, learner=place["a"], method="roster", actor=place["trainer"], now=late
    )
    assert created and attendance.recorded_by == place["trainer"]


def test_uninvited_accepted_or_refused_as_the_session_says(place):
    open_session = plan(place, allow_uninvited=True)
    attendance, _ = services.session_check_in(session=open_session, learner=place["b"])
    assert attendance.invited is False
    closed_door = plan(place, allow_uninvited=False)
    with pytest.raises(services.CheckInRefused) as error:
        services.session_check_in(session=closed_door, learner=place["b"])
    assert error.value.code == "not_invited"
    assert not SessionAttendance.objects.filter(session=closed_door).exists()
    # The refused scan shows on the roster, and the trainer may still check them in from there.
    rows = {row["person"].pk: row for row in roster_rows(closed_door)}
    assert rows[place["b"].pk]["refused"] and not rows[place["b"].pk]["invited"]
    assert not rows[place["a"].pk]["refused"]
    attendance, created = services.session_check_in(
        session=closed_door, learner=place["b"], method="roster", actor=place["trainer"]
    )
    assert created and attendance.invited is False
    assert not {row["person"].pk: row for row in roster_rows(closed_door)}[place["b"].pk]["refused"]


def test_close_completes_the_course_as_of_the_session_for_attendees_only(place, course):
    session = plan(place, course=course, starts_in=datetime.timedelta(minutes=-150))
    for learner in (place["a"], place["b"]):
        services.session_check_in(session=session, learner=learner, method="roster", actor=place["trainer"])
    Enrolment.objects.create(learner=place["a2"], course_id=course.pk, assigned=True, source="assigned")
    assert services.session_close(session=session, actor=place["trainer"]) == 2
    completions = {c.learner_id: c for c in CourseCompletion.objects.filter(course_id=course.pk)}
    assert set(completions) == {place["a"].pk, place["b"].pk}
    done = completions[place["a"].pk]
    assert done.rule == CourseCompletion.Rule.SESSION_ATTENDED
    assert done.completed_at == session.ends_at
    assert "消防演练培训" in done.reason
    # The no-show stays assigned and not completed.
    assert Enrolment.objects.get(learner=place["a2"], course_id=course.pk).status == "not_started"
    # The transcript names the session.
    lines = learner_transcript(learner=place["a"])
    assert any("消防演练培训" in line.note for entry in lines for line in entry.lines)
    # Closed: no more check-ins, and closing again is refused.
    with pytest.raises(services.CheckInRefused):
        services.session_check_in(session=session, learner=place["a2"], method="roster")
    with pytest.raises(ValidationError):
        services.session_close(session=session, actor=place["trainer"])
    assert CourseCompletion.objects.filter(course_id=course.pk).count() == 2


def test_close_with_ticked_lessons_completes_only_those(place, course):
    first = course.get_children().first()
    session = plan(place, course=course, starts_in=datetime.timedelta(minutes=-150))
    services.session_check_in(session=session, learner=place["a"], method="roster")
    services.session_close(session=session, actor=place["trainer"], covered_item_ids=[first.pk])
    progress = ItemProgress.objects.get(learner=place["a"])
    assert progress.item_id == first.pk
    assert progress.completed_at == session.ends_at
    assert not CourseCompletion.objects.exists()


def test_a_briefing_without_course_counts_hours(place, course):
    briefing = plan(place, starts_in=datetime.timedelta(minutes=-150), hours="0.5")
    services.session_check_in(session=briefing, learner=place["a"], method="roster")
    assert hours_of(place["a"]) == Decimal("0")  # not until it closes
    services.session_close(session=briefing, actor=place["trainer"])
    assert hours_of(place["a"]) == Decimal("0.5")
    # A course completed by attending counts the session's hours, not the course's as well.
    session = plan(place, course=course, starts_in=datetime.timedelta(minutes=-150), hours="1.5")
    services.session_check_in(session=session, learner=place["a"], method="roster")
    services.session_close(session=session, actor=place["trainer"])
    assert hours_of(place["a"]) == Decimal("2.0")
    assert hours_of(place["a"], year=timezone.localdate().year - 1) == Decimal("0")


def test_course_hours_count_for_a_course_completed_online(place, course):
    from progress.services import item_complete

    course.open_enrolment = True
    course.save()
    for item in course.get_children().specific():
        item_complete(learner=place["c"], item=item, course=course)
    assert hours_of(place["c"]) == Decimal("2.0")


def test_upcoming_sessions_on_my_learning(place):
    mine = plan(place, invited=("A社区",), title="甲的培训")
    plan(place, invited=("B社区",), title="乙的培训")
    assert [s.pk for s in upcoming_sessions_for(place["a"])] == [mine.pk]
    services.session_check_in(session=mine, learner=place["a"])
    assert upcoming_sessions_for(place["a"])[0].checked_in


# -- codes ---------------------------------------------------------------------------------------


def test_code_round_trip_and_previous_step():
    now = 1_000_000.0
    code = codes.checkin_code(42, now=now)
    assert codes.read_code(code, now=now).session_id == 42
    assert codes.read_code(code, now=now + codes.STEP_SECONDS).session_id == 42


def test_expired_code_is_refused():
    now = 1_000_000.0
    code = codes.checkin_code(42, now=now)
    with pytest.raises(codes.CodeExpired):
        codes.read_code(code, now=now + 2 * codes.STEP_SECONDS)
    with pytest.raises(codes.CodeExpired):  # from the future: not a step this site gave out yet
        codes.read_code(code, now=now - codes.STEP_SECONDS)


def test_tampered_code_is_refused():
    code = codes.checkin_code(42)
    _session_id, step, signature = code.split(".")
    with pytest.raises(codes.CodeInvalid):
        codes.read_code(f"43.{step}.{signature}")
    with pytest.raises(codes.CodeInvalid):
        codes.read_code("garbage")


# -- query cost ----------------------------------------------------------------------------------


def test_reads_do_not_grow_with_people(place, course, django_assert_num_queries):
    from accounts.scope import scope_for
    from classroom.selectors import hours_rows, roster_rows, unit_hours_rows
    from tests.factories import make_user

    session = plan(place, course=course, starts_in=datetime.timedelta(minutes=-150))
    for n in range(6):
        learner = make_user(f"many{n}", org_unit=place["units"]["A社区"], position=place["grid"])
        services.session_check_in(session=session, learner=learner, method="roster")
    services.session_close(session=session, actor=place["trainer"])
    session = TrainingSession.objects.select_related("unit").get(pk=session.pk)
    with django_assert_num_queries(5):  # attendances, invited units, positions, invited people, refusals
        rows = roster_rows(session)
    assert len(rows) == 8
    scope = scope_for(place["manager"])
    rows = hours_rows(scope=scope, year=timezone.localdate().year)
    with django_assert_num_queries(1):  # a page: the people with their two sums as subqueries
        page = rows[0:50]
    assert len(page) == len(rows) == 10 and sum(row.total for row in page) == Decimal("9.0")
    with django_assert_num_queries(5):  # people, session hours, course hours, completions, unit names
        units = unit_hours_rows(scope=scope, year=timezone.localdate().year)
    assert sum(row.total for row in units) == Decimal("9.0") and sum(row.people for row in units) == 10
    with django_assert_num_queries(1):
        assert hours_of(place["a"]) == Decimal("0")


def test_deleting_the_trainers_account_keeps_the_session_and_who_came(place, course):
    session = plan(place, course=course)
    services.session_check_in(session=session.pk, learner=place["a"], method="roster")
    place["trainer"].delete()
    session.refresh_from_db()
    assert session.trainer is None
    assert SessionAttendance.objects.filter(session=session, learner=place["a"]).exists()

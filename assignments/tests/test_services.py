import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import ModelLogEntry

from accounts import services as accounts_services
from assignments import services
from assignments.models import Assignment, AssignmentMember
from progress import services as progress_services
from progress.models import CourseCompletion, Enrolment, ItemProgress
from tests.factories import make_course, make_lesson, make_org_tree, make_position, make_user

pytestmark = pytest.mark.django_db

TZ = timezone.get_default_timezone()


def local(year, month, day, hour=12):
    return datetime.datetime(year, month, day, hour, tzinfo=TZ)


@pytest.fixture
def units():
    return make_org_tree()


@pytest.fixture
def city_admin(units):
    return make_user("city-admin", managed_unit=units["重庆市"])


@pytest.fixture
def street_manager(units):
    return make_user("jfb-manager", managed_unit=units["解放碑街道"])


@pytest.fixture
def course():
    course = make_course("扫码登记入门", open_enrolment=False)
    for i in range(3):
        make_lesson(course, f"第 {i + 1} 课")
    return course


def assign(actor, course, units=(), **fields):
    fields.setdefault("due_mode", Assignment.DueMode.NONE)
    return services.assignment_create(course=course, units=units, actor=actor, **fields)


def enrolment(user, course):
    return Enrolment.objects.filter(learner=user, course_id=course.pk).first()


def members(assignment):
    return set(AssignmentMember.objects.filter(assignment=assignment).values_list("learner_id", flat=True))


def hire(**fields):
    """A new person, announced as the admin's create form and the staff import announce them
    (accounts.services): a bare save re-matches nobody."""
    person = make_user(**fields)
    accounts_services.user_placement_announce(user=person, before=None)
    return person


def place(person, **fields):
    """Move someone, change their position or (de)activate them as the admin's edit form does: save,
    then announce the change through accounts.services."""
    before = accounts_services.Placement.of(person)
    for name, value in fields.items():
        setattr(person, name, value)
    person.save()
    accounts_services.user_placement_announce(user=person, before=before)


# -- who is covered ------------------------------------------------------------------------------------


def test_a_street_covers_everyone_below_it_and_nobody_else(units, city_admin, course):
    a = make_user(org_unit=units["A社区"])
    b = make_user(org_unit=units["B社区"])
    at_street = make_user(org_unit=units["解放碑街道"])
    c = make_user(org_unit=units["C社区"])
    nowhere = make_user()
    gone = make_user(org_unit=units["A社区"], is_active=False)

    assignment = assign(city_admin, course, [units["解放碑街道"]])

    assert members(assignment) == {a.pk, b.pk, at_street.pk}
    for person in (a, b, at_street):
        row = enrolment(person, course)
        assert row.source == Enrolment.Source.ASSIGNED and row.assigned and row.mandatory
        assert row.status == Enrolment.Status.NOT_STARTED
        assert row.org_unit_id == person.org_unit_id
    assert not Enrolment.objects.filter(learner__in=[c, nowhere, gone]).exists()


def test_positions_narrow_the_units_and_alone_mean_the_whole_city(units, city_admin, course):
    grid = make_position("网格员")
    volunteer = make_position("志愿者")
    grid_a = make_user(org_unit=units["A社区"], position=grid)
    grid_c = make_user(org_unit=units["C社区"], position=grid)
    make_user(org_unit=units["A社区"], position=volunteer)
    make_user(org_unit=units["A社区"])

    street = assign(city_admin, course, [units["解放碑街道"]], positions=[grid])
    assert members(street) == {grid_a.pk}

    whole_city = assign(city_admin, make_course("另一门课"), [], positions=[grid])
    assert members(whole_city) == {grid_a.pk, grid_c.pk}


def test_nested_units_count_people_once(units, city_admin, course):
    a = make_user(org_unit=units["A社区"])
    assignment = assign(city_admin, course, [units["渝中区"], units["解放碑街道"], units["A社区"]])
    assert members(assignment) == {a.pk}
    assert Enrolment.objects.filter(learner=a).count() == 1


# -- scope ---------------------------------------------------------------------------------------------


def test_a_street_manager_cannot_assign_to_another_street(units, street_manager, course):
    with pytest.raises(ValidationError) as error:
        assign(street_manager, course, [units["A社区"], units["C社区"]])
    assert "C社区" in str(error.value) and "A社区" not in str(error.value)
    with pytest.raises(ValidationError):
        assign(street_manager, course, [units["渝中区"]])  # above their node is outside too
    assert not Assignment.objects.exists()


def test_only_the_city_may_leave_units_empty(units, street_manager, city_admin, course):
    with pytest.raises(ValidationError) as error:
        assign(street_manager, course, [], positions=[make_position()])
    assert "units" in error.value.message_dict
    someone = make_user(org_unit=units["C社区"])
    assert members(assign(city_admin, course, [])) == {someone.pk}


def test_a_user_without_a_managed_unit_cannot_assign(units, course):
    trainer = make_user("trainer")
    with pytest.raises(ValidationError):
        assign(trainer, course, [units["A社区"]])


def test_unpublished_courses_and_past_dates_are_refused(units, city_admin):
    draft = make_course("草稿课程", live=False)
    with pytest.raises(ValidationError) as error:
        assign(city_admin, draft, [units["A社区"]])
    assert "course" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        assign(
            city_admin,
            make_course(),
            [units["A社区"]],
            due_mode=Assignment.DueMode.DATE,
            due_date=timezone.localdate() - datetime.timedelta(days=1),
        )
    assert "due_date" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        assign(city_admin, make_course(), [units["A社区"]], due_mode=Assignment.DueMode.DAYS_AFTER_JOINING)
    assert "due_days" in error.value.message_dict


def test_a_street_manager_cannot_change_or_end_a_district_assignment(
    units, street_manager, city_admin, course
):
    district = assign(city_admin, course, [units["渝中区"]])
    with pytest.raises(PermissionDenied):
        services.assignment_end(assignment=district, actor=street_manager)
    with pytest.raises(PermissionDenied):
        services.assignment_update(
            assignment=district,
            units=[units["A社区"]],
            due_mode=Assignment.DueMode.NONE,
            mandatory=True,
            actor=street_manager,
        )
    district.refresh_from_db()
    assert district.active


# -- people who arrive, move, change position, leave ----------------------------------------------------


def test_new_staff_are_enrolled_when_their_account_is_created(
    units, city_admin, course, django_capture_on_commit_callbacks
):
    assignment = assign(city_admin, course, [units["解放碑街道"]], due_mode="days", due_days=30)
    with django_capture_on_commit_callbacks(execute=True):
        newcomer = hire(org_unit=units["B社区"], date_joined=local(2027, 3, 1))
        outsider = hire(org_unit=units["C社区"])
    assert members(assignment) == {newcomer.pk}
    row = enrolment(newcomer, course)
    assert row.assigned and row.due_on == datetime.date(2027, 3, 31)
    assert enrolment(outsider, course) is None


def test_moving_in_and_out_of_an_assigned_unit(units, city_admin, course, django_capture_on_commit_callbacks):
    person = make_user(org_unit=units["C社区"])
    assignment = assign(
        city_admin, course, [units["解放碑街道"]], due_mode="date", due_date=datetime.date(2099, 1, 1)
    )
    assert enrolment(person, course) is None

    with django_capture_on_commit_callbacks(execute=True):
        place(person, org_unit=units["A社区"])
    row = enrolment(person, course)
    assert members(assignment) == {person.pk}
    assert (row.assigned, row.due_on, row.org_unit_id) == (True, datetime.date(2099, 1, 1), units["A社区"].pk)

    progress_services.item_complete(learner=person, item=course.items().first().specific, course=course)
    with django_capture_on_commit_callbacks(execute=True):
        place(person, org_unit=units["C社区"])
    row = enrolment(person, course)
    assert members(assignment) == set()
    # Still enrolled with their progress, but no longer assigned, due or mandatory; the copy of
    # their place follows them.
    assert row.status == Enrolment.Status.IN_PROGRESS
    assert (row.assigned, row.due_on, row.mandatory, row.org_unit_id) == (
        False,
        None,
        False,
        units["C社区"].pk,
    )
    assert ItemProgress.objects.filter(learner=person, completed_at__isnull=False).count() == 1


def test_position_change(units, city_admin, course, django_capture_on_commit_callbacks):
    grid, volunteer = make_position("网格员"), make_position("志愿者")
    person = make_user(org_unit=units["A社区"], position=volunteer)
    assignment = assign(city_admin, course, [units["渝中区"]], positions=[grid])
    assert members(assignment) == set()
    with django_capture_on_commit_callbacks(execute=True):
        place(person, position=grid)
    assert members(assignment) == {person.pk}
    assert enrolment(person, course).position_id == grid.pk


def test_deactivation_and_return(units, city_admin, course, django_capture_on_commit_callbacks):
    person = make_user(org_unit=units["A社区"])
    assignment = assign(city_admin, course, [units["A社区"]])
    with django_capture_on_commit_callbacks(execute=True):
        place(person, is_active=False)
    assert members(assignment) == set()
    assert enrolment(person, course).assigned is False  # kept, not deleted
    with django_capture_on_commit_callbacks(execute=True):
        place(person, is_active=True)
    assert members(assignment) == {person.pk}
    assert enrolment(person, course).assigned is True


def test_changes_that_do_not_touch_the_place_refresh_nothing(
    units, city_admin, course, django_capture_on_commit_callbacks
):
    person = make_user(org_unit=units["A社区"])
    assign(city_admin, course, [units["A社区"]])
    with django_capture_on_commit_callbacks() as callbacks:
        place(person, name="新名字", email="new@example.com")
    assert not [c for c in callbacks if isinstance(c, services._PendingRefresh)]
    with django_capture_on_commit_callbacks() as callbacks:
        place(person, org_unit=units["B社区"])
    assert [c for c in callbacks if isinstance(c, services._PendingRefresh)]


def test_many_saves_in_one_transaction_are_refreshed_together(
    units, city_admin, course, django_capture_on_commit_callbacks, monkeypatch
):
    """Announcements of one transaction (a request, an import) are refreshed once, after it commits."""
    assignment = assign(city_admin, course, [units["解放碑街道"]])
    batches = []
    refresh = services.learners_assignments_refresh
    monkeypatch.setattr(
        services, "learners_assignments_refresh", lambda ids: batches.append(ids) or refresh(ids)
    )
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        people = [hire(org_unit=units["A社区"]) for _ in range(5)]
        place(people[0], org_unit=units["B社区"])
    assert len(batches) == 1 and {person.pk for person in people} <= batches[0]
    assert members(assignment) == {person.pk for person in people}


def test_a_rolled_back_save_refreshes_nobody(units, city_admin, course, django_capture_on_commit_callbacks):
    assignment = assign(city_admin, course, [units["解放碑街道"]])
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                hire(org_unit=units["A社区"])
                raise RuntimeError
        except RuntimeError:
            pass
        later = hire(org_unit=units["A社区"])
    assert members(assignment) == {later.pk}


def test_moving_a_street_to_another_district(units, city_admin, course, django_capture_on_commit_callbacks):
    other_district = units["重庆市"].add_child(name="江北区", level="district")
    person = make_user(org_unit=units["C社区"])
    assignment = assign(city_admin, course, [units["渝中区"]])
    assert members(assignment) == {person.pk}
    with django_capture_on_commit_callbacks(execute=True):
        accounts_services.org_unit_update(
            unit=units["七星岗街道"], name="七星岗街道", level="street", parent=other_district
        )
    assert members(assignment) == set()
    assert enrolment(person, course).assigned is False


# -- due dates, overlaps, ending -----------------------------------------------------------------------


def test_days_after_joining_counts_from_the_assignment_day_for_people_already_there(
    units, city_admin, course, django_capture_on_commit_callbacks
):
    veteran = make_user(org_unit=units["A社区"], date_joined=local(2020, 5, 1))
    assignment = assign(city_admin, course, [units["A社区"]], due_mode="days", due_days=14)
    assignment.created_at = local(2027, 1, 10, hour=23)  # late evening: still the 10th locally
    assignment.save(update_fields=["created_at"])
    recent = make_user(org_unit=units["A社区"], date_joined=local(2027, 2, 1, hour=0))  # 1 Feb local
    services.assignment_apply(assignment)  # set-based, in SQL
    due = dict(AssignmentMember.objects.filter(assignment=assignment).values_list("learner_id", "due_on"))
    assert due == {veteran.pk: datetime.date(2027, 1, 24), recent.pk: datetime.date(2027, 2, 15)}

    # The per-person refresh (in Python) agrees with the SQL.
    AssignmentMember.objects.all().delete()
    services.learners_assignments_refresh([veteran.pk, recent.pk])
    assert due == dict(
        AssignmentMember.objects.filter(assignment=assignment).values_list("learner_id", "due_on")
    )
    assert enrolment(recent, course).due_on == datetime.date(2027, 2, 15)


def _backdate(assignment, days):
    """As if the assignment had been made ``days`` days ago, covering the same people since then."""
    then = timezone.now() - datetime.timedelta(days=days)
    Assignment.objects.filter(pk=assignment.pk).update(created_at=then)
    AssignmentMember.objects.filter(assignment=assignment).update(matched_at=then)
    assignment.refresh_from_db()
    return timezone.localtime(then, TZ).date()


def test_days_after_joining_counts_from_the_move_for_people_who_move_in(
    units, city_admin, course, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    veteran = make_user(org_unit=units["A社区"], date_joined=local(2020, 5, 1))
    mover = make_user(org_unit=units["C社区"], date_joined=local(2020, 5, 1))
    assignment = assign(city_admin, course, [units["A社区"]], due_mode="days", due_days=30)
    assigned_day = _backdate(assignment, 60)
    services.assignment_apply(assignment)  # the people already there keep their day
    assert enrolment(veteran, course).due_on == assigned_day + datetime.timedelta(days=30)  # overdue

    with django_capture_on_commit_callbacks(execute=True):
        place(mover, org_unit=units["A社区"])
    # Moving in is when the course reaches them: 30 days from today, not overdue on arrival.
    assert enrolment(mover, course).due_on == today + datetime.timedelta(days=30)
    member = AssignmentMember.objects.get(assignment=assignment, learner=mover)
    assert timezone.localtime(member.matched_at, TZ).date() == today

    # Re-applying (the SQL path) and refreshing (the Python path) keep both clocks where they are.
    services.assignment_apply(assignment)
    services.learners_assignments_refresh([veteran.pk, mover.pk])
    due = dict(AssignmentMember.objects.filter(assignment=assignment).values_list("learner_id", "due_on"))
    assert due == {
        veteran.pk: assigned_day + datetime.timedelta(days=30),
        mover.pk: today + datetime.timedelta(days=30),
    }

    # A change of the number of days counts again from the same days.
    services.assignment_update(
        assignment=assignment,
        units=[units["A社区"]],
        positions=[],
        due_mode=Assignment.DueMode.DAYS_AFTER_JOINING,
        due_days=90,
        mandatory=True,
        actor=city_admin,
    )
    due = dict(AssignmentMember.objects.filter(assignment=assignment).values_list("learner_id", "due_on"))
    assert due == {
        veteran.pk: assigned_day + datetime.timedelta(days=90),
        mover.pk: today + datetime.timedelta(days=90),
    }
    assert enrolment(mover, course).due_on == today + datetime.timedelta(days=90)


def test_days_after_joining_counts_from_the_edit_for_people_an_edit_takes_in(units, city_admin, course):
    today = timezone.localdate()
    first = make_user(org_unit=units["A社区"], date_joined=local(2020, 5, 1))
    added = make_user(org_unit=units["B社区"], date_joined=local(2020, 5, 1))
    assignment = assign(city_admin, course, [units["A社区"]], due_mode="days", due_days=14)
    assigned_day = _backdate(assignment, 30)
    services.assignment_update(
        assignment=assignment,
        units=[units["A社区"], units["B社区"]],
        positions=[],
        due_mode=Assignment.DueMode.DAYS_AFTER_JOINING,
        due_days=14,
        mandatory=True,
        actor=city_admin,
    )
    assert enrolment(first, course).due_on == assigned_day + datetime.timedelta(days=14)
    assert enrolment(added, course).due_on == today + datetime.timedelta(days=14)


def test_someone_who_leaves_and_comes_back_counts_from_their_return(
    units, city_admin, course, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    person = make_user(org_unit=units["A社区"], date_joined=local(2020, 5, 1))
    assignment = assign(city_admin, course, [units["A社区"]], due_mode="days", due_days=30)
    _backdate(assignment, 60)
    for unit in ("C社区", "A社区"):
        with django_capture_on_commit_callbacks(execute=True):
            place(person, org_unit=units[unit])
    assert enrolment(person, course).due_on == today + datetime.timedelta(days=30)


def test_a_fixed_date_is_the_same_for_everyone(units, city_admin, course):
    people = [make_user(org_unit=units["A社区"], date_joined=local(year, 1, 1)) for year in (2019, 2027)]
    assign(city_admin, course, [units["A社区"]], due_mode="date", due_date=datetime.date(2099, 6, 30))
    assert {enrolment(p, course).due_on for p in people} == {datetime.date(2099, 6, 30)}


def test_overlapping_assignments_earliest_due_wins_and_any_mandatory_counts(units, city_admin, course):
    person = make_user(org_unit=units["A社区"])
    late = assign(
        city_admin,
        course,
        [units["渝中区"]],
        due_mode="date",
        due_date=datetime.date(2099, 12, 31),
        mandatory=True,
    )
    early = assign(
        city_admin,
        course,
        [units["A社区"]],
        due_mode="date",
        due_date=datetime.date(2099, 3, 1),
        mandatory=False,
    )
    no_date = assign(city_admin, course, [units["解放碑街道"]], mandatory=False)
    row = enrolment(person, course)
    assert (row.due_on, row.mandatory) == (datetime.date(2099, 3, 1), True)
    assert Enrolment.objects.filter(learner=person).count() == 1

    services.assignment_end(assignment=early, actor=city_admin)
    row.refresh_from_db()
    assert (row.due_on, row.mandatory) == (datetime.date(2099, 12, 31), True)

    services.assignment_end(assignment=late, actor=city_admin)
    row.refresh_from_db()
    assert (row.assigned, row.due_on, row.mandatory) == (True, None, False)

    services.assignment_end(assignment=no_date, actor=city_admin)
    row.refresh_from_db()
    assert (row.assigned, row.due_on, row.mandatory) == (False, None, False)


def test_ending_keeps_enrolments_and_progress_and_is_idempotent(units, city_admin, course):
    person = make_user(org_unit=units["A社区"])
    assignment = assign(
        city_admin, course, [units["A社区"]], due_mode="date", due_date=datetime.date(2099, 1, 1)
    )
    for lesson in course.items():
        progress_services.item_complete(learner=person, item=lesson.specific, course=course)
    services.assignment_end(assignment=assignment, actor=city_admin)
    services.assignment_end(assignment=assignment, actor=city_admin)
    assignment.refresh_from_db()
    row = enrolment(person, course)
    assert not assignment.active and members(assignment) == set()
    assert row.status == Enrolment.Status.COMPLETED and not row.assigned and row.due_on is None
    assert CourseCompletion.objects.filter(learner=person).exists()
    assert ItemProgress.objects.filter(learner=person).count() == 3
    assert ModelLogEntry.objects.filter(action=services.END_LOG_ACTION).count() == 1
    with pytest.raises(ValidationError):
        services.assignment_update(
            assignment=assignment, units=[units["A社区"]], due_mode="none", mandatory=True, actor=city_admin
        )


def test_progress_made_before_the_assignment_is_kept(units, city_admin, course):
    lessons = [lesson.specific for lesson in course.items()]
    tried = make_user(org_unit=units["A社区"])
    finished = make_user(org_unit=units["A社区"])
    self_enrolled = make_user(org_unit=units["A社区"])
    course.open_enrolment = True  # open to everyone until it was assigned
    course.save(update_fields=["open_enrolment"])
    progress_services.item_seen(learner=tried, item=lessons[1], course=course)  # opened, never joined
    for lesson in lessons:
        progress_services.item_complete(learner=finished, item=lesson, course=course)
    Enrolment.objects.filter(learner=finished).delete()  # e.g. from before enrolments were kept
    own = progress_services.enrolment_join(learner=self_enrolled, course=course)
    course.open_enrolment = False
    course.save(update_fields=["open_enrolment"])

    assign(city_admin, course, [units["A社区"]], due_mode="date", due_date=datetime.date(2099, 1, 1))

    row = enrolment(tried, course)
    assert (row.status, row.last_item_id, row.source) == (
        Enrolment.Status.IN_PROGRESS,
        lessons[1].pk,
        Enrolment.Source.ASSIGNED,
    )
    row = enrolment(finished, course)
    assert row.status == Enrolment.Status.COMPLETED and row.completed_at is not None
    row = enrolment(self_enrolled, course)
    assert (row.pk, row.source, row.enrolled_at) == (own.pk, Enrolment.Source.SELF, own.enrolled_at)
    assert row.assigned and row.due_on == datetime.date(2099, 1, 1)


def test_update_re_matches_and_recomputes(units, city_admin, course):
    a = make_user(org_unit=units["A社区"])
    c = make_user(org_unit=units["C社区"])
    assignment = assign(
        city_admin, course, [units["A社区"]], due_mode="date", due_date=datetime.date(2099, 1, 1)
    )
    services.assignment_update(
        assignment=assignment,
        units=[units["七星岗街道"]],
        due_mode="date",
        due_date=datetime.date(2099, 2, 1),
        mandatory=False,
        note="请尽快完成",
        actor=city_admin,
    )
    assert members(assignment) == {c.pk}
    assert (enrolment(c, course).due_on, enrolment(c, course).mandatory) == (datetime.date(2099, 2, 1), False)
    assert enrolment(a, course).assigned is False
    entry = ModelLogEntry.objects.get(action=services.CHANGE_LOG_ACTION)
    assert entry.user_id == city_admin.pk
    assert set(entry.data["changed"]) == {"units", "due_date", "mandatory", "note"}


def test_every_action_is_in_the_audit_log(units, street_manager, course):
    make_user(org_unit=units["A社区"])
    assignment = assign(street_manager, course, [units["A社区"]])
    services.assignment_update(
        assignment=assignment, units=[units["B社区"]], due_mode="none", mandatory=True, actor=street_manager
    )
    services.assignment_end(assignment=assignment, actor=street_manager)
    entries = list(ModelLogEntry.objects.filter(object_id=str(assignment.pk)).order_by("timestamp", "pk"))
    assert [e.action for e in entries] == [
        services.ASSIGN_LOG_ACTION,
        services.CHANGE_LOG_ACTION,
        services.END_LOG_ACTION,
    ]
    assert {e.user_id for e in entries} == {street_manager.pk}
    assert entries[0].data["units"] == ["A社区"] and entries[0].data["covered"] == 1
    assert entries[0].timestamp is not None
    assert "A社区" in entries[0].message


def test_applying_again_changes_nothing(units, city_admin, course):
    make_user(org_unit=units["A社区"])
    assignment = assign(
        city_admin, course, [units["A社区"]], due_mode="date", due_date=datetime.date(2099, 1, 1)
    )
    before = list(AssignmentMember.objects.values_list("pk", "due_on", "matched_at"))
    result = services.assignment_apply(assignment)
    assert (result.covered, result.removed, result.enrolled) == (1, 0, 0)
    assert list(AssignmentMember.objects.values_list("pk", "due_on", "matched_at")) == before


def test_apply_query_count_does_not_grow_with_people(units, city_admin, course):
    assignment = assign(city_admin, course, [units["渝中区"]])

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            services.assignment_apply(assignment)
        return len(ctx.captured_queries)

    few = queries()
    for name in ("A社区", "B社区", "C社区"):
        for _ in range(10):
            make_user(org_unit=units[name])
    assert queries() == few


def test_refresh_query_count_does_not_grow_with_assignments(units, city_admin):
    person = make_user(org_unit=units["A社区"])

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            services.learner_assignments_refresh(person)
        return len(ctx.captured_queries)

    assign(city_admin, make_course(), [units["A社区"]])
    one = queries()
    for _ in range(5):
        assign(city_admin, make_course(), [units["解放碑街道"]])
    assert queries() == one

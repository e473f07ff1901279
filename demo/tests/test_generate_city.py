"""`manage.py generate_city` on a tiny city: a valid tree, consistent history, refusals."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F
from wagtail.models import ModelLogEntry

from accounts.models import OrgUnit, User
from assignments.models import Assignment, AssignmentMember
from courses.models import CoursePage, LessonPage
from demo import citygen
from progress.models import CourseCompletion, Enrolment, ItemProgress

pytestmark = pytest.mark.django_db

TINY = [
    "--allow-sqlite",
    "--staff=120",
    "--districts=2",
    "--streets-per-district=2",
    "--communities-per-street=3",
    "--courses=9",  # every kind of assignment in citygen.PLAN appears in the first nine
    "--seed=7",
    "--password=a-Strong-pass-2026",
]


def generate(*extra) -> str:
    out = io.StringIO()
    call_command("generate_city", *TINY, *extra, stdout=out)
    return out.getvalue()


def _schema(tables) -> list:
    """Index and constraint definitions of ``tables`` (PostgreSQL), to compare before and after."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
            "UNION ALL SELECT pg_get_constraintdef(oid) || conname FROM pg_constraint "
            "WHERE conrelid::regclass::text = ANY(%s) ORDER BY 1",
            [tables, tables],
        )
        return [row[0] for row in cursor.fetchall()]


def test_tree_people_and_history_are_consistent():
    tables = [model._meta.db_table for model in (Enrolment, ItemProgress, CourseCompletion, AssignmentMember)]
    schema = _schema(tables)

    output = generate()

    assert _schema(tables) == schema  # the bulk load put back every index and constraint

    assert "Generated a city" in output
    assert not any(OrgUnit.find_problems())
    root = OrgUnit.objects.get(depth=1, code=citygen.ROOT_CODE)
    levels = dict(
        OrgUnit.objects.order_by().values_list("level").annotate(n=Count("pk")).values_list("level", "n")
    )
    assert levels == {"city": 1, "district": 2, "street": 4, "community": 12}
    assert root.name == "重庆市" and root.get_children_count() == 2
    # Siblings are in name order, as treebeard keeps them for node_order_by = ["name"].
    for unit in OrgUnit.objects.filter(numchild__gt=0):
        names = [child.name for child in unit.get_children()]
        assert names == sorted(names)
    # The computed paths leave treebeard able to carry on as usual.
    street = OrgUnit.objects.filter(level="street").first()
    street.add_child(name="新建社区", level="community")
    assert not any(OrgUnit.find_problems())

    staff = User.objects.filter(username__startswith=citygen.STAFF_PREFIX)
    assert staff.count() == 120
    assert not staff.exclude(org_unit__level="community").exists()
    assert (
        staff.filter(mobile__isnull=False).values("mobile").distinct().count()
        == staff.filter(mobile__isnull=False).count()
    )
    district_manager = User.objects.get(username=citygen.DISTRICT_MANAGER)
    assert district_manager.managed_unit.level == "district"
    assert district_manager.check_password("a-Strong-pass-2026")
    assert staff.first().check_password("a-Strong-pass-2026")  # one hash shared by all staff

    courses = CoursePage.objects.filter(slug__startswith=citygen.COURSE_SLUG_PREFIX)
    assert courses.count() == 9 and all(course.live for course in courses)
    for course in courses:
        assert 4 <= LessonPage.objects.child_of(course).live().count() <= 6
    assert Assignment.objects.count() == 9 - 1 + 1  # "self" has none, "overlap" has two

    enrolments = Enrolment.objects.all()
    assert enrolments.count() > 0
    assert not enrolments.exclude(org_unit=F("learner__org_unit")).exists()
    assert not enrolments.exclude(position=F("learner__position")).exists()
    statuses = set(enrolments.values_list("status", flat=True))
    assert statuses == {"not_started", "in_progress", "completed"}
    completed = enrolments.filter(status="completed")
    assert CourseCompletion.objects.count() == completed.count()
    assert not completed.filter(completed_at__isnull=True).exists()
    assert not enrolments.exclude(status="completed").filter(completed_at__isnull=False).exists()
    # Everyone who started has lesson records, and nobody who did not has any.
    started = enrolments.exclude(status="not_started")
    with_items = set(ItemProgress.objects.values_list("learner_id", "course_id").distinct())
    assert set(started.values_list("learner_id", "course_id")) == with_items
    # Assigned enrolments are exactly the people some assignment covers, with its due date.
    members = AssignmentMember.objects.values_list("learner_id", "course_id").distinct()
    assert set(enrolments.filter(assigned=True).values_list("learner_id", "course_id")) == set(members)
    assert enrolments.filter(assigned=False, source="self").exists()
    for enrolment in enrolments.filter(assigned=True)[:200]:
        dues = AssignmentMember.objects.filter(
            learner_id=enrolment.learner_id, course_id=enrolment.course_id, due_on__isnull=False
        ).values_list("due_on", flat=True)
        assert enrolment.due_on == (min(dues) if dues else None)

    # The site history: every unit created, every person imported, every course marked complete.
    log = ModelLogEntry.objects.all()
    assert log.filter(action="wagtail.create").count() == OrgUnit.objects.count() - 1  # not the new one
    imported = log.filter(action="accounts.staff_import")
    assert set(imported.values_list("object_id", flat=True)) == {
        str(pk) for pk in staff.values_list("pk", flat=True)
    }
    overrides = CourseCompletion.objects.filter(rule="manager_override")
    assert log.filter(action="progress.completion_override").count() == overrides.count() > 0
    assert set(imported.values_list("user_id", flat=True)) == {
        district_manager.pk,
        User.objects.get(username=citygen.CITY_ADMIN).pk,
    }


def _counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (User, OrgUnit, Enrolment, ModelLogEntry))


def test_a_second_run_refuses_unless_reset():
    generate("--courses=2")
    counts = _counts()

    with pytest.raises(CommandError, match="already has a generated city"):
        generate("--courses=2")
    assert _counts() == counts

    generate("--courses=2", "--reset")  # the same seed gives the same city again
    assert _counts() == counts
    assert not any(OrgUnit.find_problems())


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the refusal is for other databases")
def test_refuses_without_postgresql_unless_allowed():
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command("generate_city", "--staff=10", stdout=io.StringIO())
    with pytest.raises(CommandError, match="or fewer"):
        call_command("generate_city", "--allow-sqlite", "--staff=100000", stdout=io.StringIO())
    assert not OrgUnit.objects.exists()

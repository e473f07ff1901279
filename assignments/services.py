"""Writes for course assignments: create, change and end them, and keep who they cover in step.

Who an assignment covers: every active person with an organisation unit inside one of its units (the unit
itself or anywhere below it; no units = the whole organisation, for city admins only) who, if the
assignment names positions, holds one of them. Two ways keep that in step:

- `assignment_apply` re-matches one assignment against all staff, set-based: a handful of statements
  whatever the number of people (INSERT … SELECT, UPDATE … subquery; no row travels to Python), so an
  assignment to a whole city of 100,000 people takes seconds. Create, update and end call it.
- `learners_assignments_refresh` re-matches some people against all active assignments. The accounts
  services that create people or place them elsewhere (the admin's user forms, the staff import, bulk
  activation, moving a unit with its subtree, the demo loader) announce them through the
  ``frontline_people_placed`` hook (accounts.services.people_placed); assignments/wagtail_hooks.py
  registers `learners_assignments_refresh_on_commit` on it, so they are refreshed once the transaction
  commits, in one batch. Nothing follows a bare ``User.save()`` or ``queryset.update()``: after one,
  call ``accounts.services.people_placed(user_ids=…)``.

Whoever an assignment newly covers is announced through ``COURSE_ASSIGNED_HOOK`` (notifications registers
on it and tells each person once per assignment: 「你有一门新课程：…」), inside the transaction that
covers them.

Each covered person gets an `AssignmentMember` row with the due date this assignment gives them and, if
they had none, an `Enrolment` (source "assigned"; progress made before is kept: the status follows what
they already did). The enrolment's ``assigned``/``due_on``/``mandatory`` summarise every assignment that
covers them now: the earliest due date wins and it is mandatory if any of them is. Ending an assignment
removes its members and recomputes those from the rest; enrolments and progress are never deleted.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections, models, transaction
from django.db.models import (
    Case,
    DateField,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.log_actions import log

from accounts.models import OrgUnit, Position, User
from accounts.scope import Scope, scope_for
from assignments.models import Assignment, AssignmentMember
from courses.models import CoursePage
from progress.models import CourseCompletion, Enrolment, ItemProgress

ASSIGN_LOG_ACTION = "assignments.assign"
CHANGE_LOG_ACTION = "assignments.change"
END_LOG_ACTION = "assignments.end"

# Extension point: apps above assignments (notifications) act on people newly covered by an assignment,
# without assignments importing them. Each hook is called as hook(assignment_id=…, learner_ids=…) inside
# the transaction that covers them; learner_ids None means "every member" (a new or changed assignment).
COURSE_ASSIGNED_HOOK = "frontline_course_assigned"

MAX_DUE_DAYS = 3650
REFRESH_BATCH = 500


@dataclass(frozen=True)
class ApplyResult:
    covered: int  # people the assignment covers now
    removed: int  # members who no longer match
    enrolled: int  # enrolments created for people who had none


# -- who may target what -------------------------------------------------------------------------------


def assignment_manageable(*, actor, assignment: Assignment, scope: Scope | None = None) -> bool:
    """A manager may change or end an assignment only when every unit it targets lies in their scope
    (one query). Whole-organisation assignments belong to city admins."""
    scope = scope or scope_for(actor)
    if scope.everything:
        return True
    if scope.nothing:
        return False
    paths = list(assignment.units.values_list("path", flat=True))
    return bool(paths) and all(path.startswith(scope.unit.path) for path in paths)


def _check_targets(*, actor, units: list[OrgUnit]) -> None:
    scope = scope_for(actor)
    if scope.nothing:
        raise ValidationError(
            _("Your account is not attached to a part of the organisation, so you cannot assign courses.")
        )
    outside = [unit.name for unit in units if not scope.contains(unit)]
    if outside:
        raise ValidationError(
            {
                "units": _("These units are outside the part of the organisation you manage: %(names)s.")
                % {"names": "、".join(outside)}
            }
        )
    if not units and not scope.everything:
        raise ValidationError(
            {"units": _("Choose at least one unit: without units the course goes to the whole city.")}
        )


def _check_course(course) -> None:
    if not isinstance(course, CoursePage) or not course.live:
        raise ValidationError({"course": _("Choose a published course.")})


def _normalise_due(assignment: Assignment, *, due_date_changed: bool) -> None:
    """Keep only the due field the mode uses, and refuse dates that make everyone late at once."""
    mode = assignment.due_mode
    if mode != Assignment.DueMode.DATE:
        assignment.due_date = None
    if mode != Assignment.DueMode.DAYS_AFTER_JOINING:
        assignment.due_days = None
    if (
        mode == Assignment.DueMode.DATE
        and assignment.due_date
        and due_date_changed
        and assignment.due_date < timezone.localdate()
    ):
        raise ValidationError({"due_date": _("The due date is in the past.")})
    if assignment.due_days is not None and assignment.due_days > MAX_DUE_DAYS:
        raise ValidationError(
            {"due_days": _("At most %(days)s days.") % {"days": MAX_DUE_DAYS}},
        )


# -- create, update, end -------------------------------------------------------------------------------


@transaction.atomic
def assignment_create(
    *,
    course: CoursePage,
    units: Iterable[OrgUnit] = (),
    positions: Iterable[Position] = (),
    due_mode: str = Assignment.DueMode.NONE,
    due_date: datetime.date | None = None,
    due_days: int | None = None,
    mandatory: bool = True,
    note: str = "",
    actor,
) -> Assignment:
    """Assign a course and enrol everyone it covers now. ValidationError for a unit outside the actor's
    scope, no unit at all (unless the actor is a city admin), an unpublished course or a bad due date."""
    units, positions = list(units), list(positions)
    _check_targets(actor=actor, units=units)
    _check_course(course)
    assignment = Assignment(
        course=course,
        due_mode=due_mode,
        due_date=due_date,
        due_days=due_days,
        mandatory=mandatory,
        note=(note or "").strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    _normalise_due(assignment, due_date_changed=True)
    assignment.full_clean()
    assignment.save()
    assignment.units.set(units)
    assignment.positions.set(positions)
    result = assignment_apply(assignment)
    log(assignment, ASSIGN_LOG_ACTION, user=actor, data=_log_data(assignment, units, positions, result))
    return assignment


@transaction.atomic
def assignment_update(
    *,
    assignment: Assignment,
    units: Iterable[OrgUnit] = (),
    positions: Iterable[Position] = (),
    due_mode: str,
    due_date: datetime.date | None = None,
    due_days: int | None = None,
    mandatory: bool,
    note: str = "",
    actor,
) -> Assignment:
    """Change whom an active assignment covers and what it asks; the course stays (assign another
    course as a new assignment). Members and enrolments follow at once."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if not assignment_manageable(actor=actor, assignment=assignment):
        raise PermissionDenied
    if not assignment.active:
        raise ValidationError(_("This assignment has ended and can no longer be changed."))
    units, positions = list(units), list(positions)
    _check_targets(actor=actor, units=units)
    before = _log_data(assignment, assignment.units.all(), assignment.positions.all())
    due_date_changed = due_mode != assignment.due_mode or due_date != assignment.due_date
    assignment.due_mode, assignment.due_date, assignment.due_days = due_mode, due_date, due_days
    assignment.mandatory, assignment.note = mandatory, (note or "").strip()
    _normalise_due(assignment, due_date_changed=due_date_changed)
    assignment.full_clean()
    assignment.save()
    assignment.units.set(units)
    assignment.positions.set(positions)
    result = assignment_apply(assignment)
    after = _log_data(assignment, units, positions, result)
    after["changed"] = [key for key in before if key != "covered" and before[key] != after.get(key)]
    log(assignment, CHANGE_LOG_ACTION, user=actor, data=after)
    return assignment


@transaction.atomic
def assignment_end(*, assignment: Assignment, actor) -> Assignment:
    """End an assignment: it no longer covers anyone, due dates and the mandatory flag fall back to
    the assignments that remain. Enrolments and progress stay. Ending twice changes nothing."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if not assignment_manageable(actor=actor, assignment=assignment):
        raise PermissionDenied
    if not assignment.active:
        return assignment
    covered = AssignmentMember.objects.filter(assignment=assignment).count()
    assignment.active = False
    assignment.save(update_fields=["active", "updated_at"])
    assignment_apply(assignment)
    data = _log_data(assignment, assignment.units.all(), assignment.positions.all())
    data["covered"] = covered
    log(assignment, END_LOG_ACTION, user=actor, data=data)
    return assignment


def _log_data(assignment, units, positions, result: ApplyResult | None = None) -> dict[str, Any]:
    data = {
        "course": assignment.course_id,
        "course_title": assignment.course.title,
        "units": sorted(unit.name for unit in units),
        "positions": sorted(position.name for position in positions),
        "due_mode": assignment.due_mode,
        "due_date": assignment.due_date.isoformat() if assignment.due_date else None,
        "due_days": assignment.due_days,
        "mandatory": assignment.mandatory,
        "note": assignment.note,
    }
    if result is not None:
        data["covered"] = result.covered
    return data


# -- matching, set-based -------------------------------------------------------------------------------


def _outermost(paths: Iterable[str]) -> list[str]:
    """Drop units that lie below another chosen unit: they add no one and cost a LIKE each."""
    kept: list[str] = []
    for path in sorted(paths):
        if not kept or not path.startswith(kept[-1]):
            kept.append(path)
    return kept


def _covered_users(unit_paths: list[str], position_ids: list[int]) -> QuerySet[User]:
    users = User.objects.filter(is_active=True, org_unit__isnull=False)
    if unit_paths:
        users = users.filter(reduce(or_, (Q(org_unit__path__startswith=path) for path in unit_paths)))
    if position_ids:
        users = users.filter(position_id__in=position_ids)
    return users


def _assigned_day(assignment: Assignment) -> datetime.date:
    return timezone.localtime(assignment.created_at, timezone.get_default_timezone()).date()


def _local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def _due_expression(assignment: Assignment, *, has_members: bool = True):
    """`Assignment.due_for` as SQL over users: max(joined, assigned, covered) + N = the greatest of
    joined + N, assigned + N and covered + N, where covered is when their member row was made (people
    covered before keep their day; people new to it are covered now). Without members yet (a new
    assignment) everyone is covered now, and their rows are not looked up: while the member rows are
    being inserted, a lookup of each in the same table can scan everything inserted so far."""
    if assignment.due_mode == Assignment.DueMode.DATE:
        return Value(assignment.due_date, output_field=DateField())
    if assignment.due_mode == Assignment.DueMode.DAYS_AFTER_JOINING and assignment.due_days:
        days = datetime.timedelta(days=assignment.due_days)
        zone = timezone.get_default_timezone()
        covered = Value(timezone.now(), output_field=DateTimeField())
        if has_members:
            member = AssignmentMember.objects.filter(assignment_id=assignment.pk, learner_id=OuterRef("pk"))
            covered = Coalesce(
                Subquery(member.values("matched_at")[:1]), covered, output_field=DateTimeField()
            )
        return Greatest(
            TruncDate(F("date_joined") + Value(days), tzinfo=zone),
            TruncDate(covered + Value(days), tzinfo=zone),
            Value(_assigned_day(assignment) + days, output_field=DateField()),
            output_field=DateField(),
        )
    return Value(None, output_field=DateField())


def _insert_select(
    model: type[models.Model],
    source: QuerySet,
    columns: dict[str, Any],
    *,
    conflict: list[str],
    update: list[str] = (),
) -> int:
    """``INSERT INTO model (…) SELECT … FROM source ON CONFLICT (…) DO NOTHING | DO UPDATE``: one
    statement whatever the number of rows. Fields not given take their default (``now`` for
    auto_now(_add) fields), so a new field with a default keeps this working. Both PostgreSQL and
    SQLite (≥ 3.24) speak this upsert; SQLite needs the SELECT to have a WHERE, which ``source``
    must have."""
    now = timezone.now()
    opts = model._meta
    values = {}
    for field in opts.concrete_fields:
        if field.primary_key:
            continue
        if field.name in columns:
            expression = columns[field.name]
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            expression = Value(now, output_field=field)
        else:
            expression = Value(field.get_default(), output_field=field)
        values[field.column] = expression
    select = source.order_by().values(**{f"v_{i}": expr for i, expr in enumerate(values.values())})
    sql, params = select.query.sql_with_params()
    if " WHERE " not in sql:
        raise ValueError("the source of an INSERT … SELECT … ON CONFLICT must have a WHERE clause")
    connection = connections[source.db]
    qn = connection.ops.quote_name
    conflict_columns = ", ".join(qn(opts.get_field(name).column) for name in conflict)
    if update:
        updated = [qn(opts.get_field(name).column) for name in update]
        distinct = "IS NOT" if connection.vendor == "sqlite" else "IS DISTINCT FROM"
        action = "DO UPDATE SET {} WHERE {}".format(
            ", ".join(f"{column} = excluded.{column}" for column in updated),
            " OR ".join(f"{qn(opts.db_table)}.{column} {distinct} excluded.{column}" for column in updated),
        )
    else:
        action = "DO NOTHING"
    statement = (
        f"INSERT INTO {qn(opts.db_table)} ({', '.join(qn(column) for column in values)}) "
        f"{sql} ON CONFLICT ({conflict_columns}) {action}"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return max(cursor.rowcount, 0)


NO_DUE = datetime.date(9999, 12, 31)  # sorts after every real date; compares where NULL would not


def _summary(learner, course) -> dict[str, Any]:
    """An enrolment's assigned / due_on / mandatory, from the members that cover (learner, course) now:
    the earliest due date, mandatory if any is. Correlated subqueries on the (learner, course) index."""
    members = AssignmentMember.objects.filter(learner_id=learner, course_id=course)
    return {
        "assigned": Exists(members),
        "due_on": Subquery(members.filter(due_on__isnull=False).order_by("due_on").values("due_on")[:1]),
        "mandatory": Exists(members.filter(mandatory=True)),
    }


def _enrol_missing(course_id: int, users: QuerySet[User], summary: dict[str, Any] | None = None) -> int:
    """Enrol these people in the course where they are not enrolled yet, in one statement, already
    summarised (by ``summary``'s expressions over users if given, else from their member rows). Anyone
    who opened or finished it before (e.g. an open course they tried) starts where they are."""
    completion = CourseCompletion.objects.filter(learner_id=OuterRef("pk"), course_id=course_id)
    progress = ItemProgress.objects.filter(learner_id=OuterRef("pk"), course_id=course_id).order_by(
        F("last_seen_at").desc(nulls_last=True)
    )
    # Everyone, not "those without an enrolment": ON CONFLICT skips the enrolled at the cost of an index
    # probe each, where an anti-join on the table being filled can degrade to a scan per row when the
    # planner's statistics still say it is empty (a fresh database, a first city-wide assignment).
    return _insert_select(
        Enrolment,
        users,
        {
            "learner": F("pk"),
            "course": Value(course_id),
            "source": Value(Enrolment.Source.ASSIGNED.value),
            "status": Case(
                When(Exists(completion), then=Value(Enrolment.Status.COMPLETED.value)),
                When(Exists(progress), then=Value(Enrolment.Status.IN_PROGRESS.value)),
                default=Value(Enrolment.Status.NOT_STARTED.value),
            ),
            "completed_at": Subquery(completion.values("completed_at")[:1]),
            "org_unit": F("org_unit_id"),
            "position": F("position_id"),
            "last_item": Subquery(progress.values("item_id")[:1]),
            "last_seen_at": Subquery(progress.values("last_seen_at")[:1]),
            **(summary or _summary(OuterRef("pk"), course_id)),
        },
        conflict=["learner", "course"],
    )


def _enrolments_summarise(enrolments: QuerySet[Enrolment]) -> int:
    """Re-summarise these enrolments (`_summary`) in one UPDATE that writes only the rows whose summary
    changed: a re-applied assignment rewrites nothing, an edited one only what it changed."""
    summary = _summary(OuterRef("learner_id"), OuterRef("course_id"))
    stale = enrolments.alias(
        new_assigned=summary["assigned"],
        new_mandatory=summary["mandatory"],
        old_due=Coalesce("due_on", Value(NO_DUE)),
        new_due=Coalesce(summary["due_on"], Value(NO_DUE)),
    ).filter(~Q(assigned=F("new_assigned")) | ~Q(mandatory=F("new_mandatory")) | ~Q(old_due=F("new_due")))
    return stale.update(**summary, updated_at=timezone.now())


def _without_jit() -> None:
    """PostgreSQL compiles a statement to machine code when its estimated cost is high, which these
    statements' per-row subqueries make it: over a second of compiling for a few milliseconds of index
    lookups. For the rest of this transaction only."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


@transaction.atomic
def assignment_apply(assignment: Assignment) -> ApplyResult:
    """Make the assignment's members exactly the people it covers now (none once it has ended), enrol
    those who are not enrolled and re-summarise the course's assigned enrolments. Five statements
    plus a count, whatever the number of people; safe to run again at any time."""
    _without_jit()
    assignment = Assignment.objects.select_for_update().select_related("course").get(pk=assignment.pk)
    course_id = assignment.course_id
    members = AssignmentMember.objects.filter(assignment=assignment)
    enrolled = 0
    if assignment.active:
        unit_paths = _outermost(assignment.units.values_list("path", flat=True))
        users = _covered_users(unit_paths, list(assignment.positions.values_list("pk", flat=True)))
        removed, _by_model = members.filter(~Exists(users.filter(pk=OuterRef("learner_id")))).delete()
        has_members = members.exists()
        _insert_select(
            AssignmentMember,
            users,
            {
                "assignment": Value(assignment.pk),
                "learner": F("pk"),
                "course": Value(course_id),
                "due_on": _due_expression(assignment, has_members=has_members),
                "mandatory": Value(assignment.mandatory),
            },
            conflict=["assignment", "learner"],
            update=["course", "due_on", "mandatory"],
        )
        # New enrolments take this assignment's values as for someone covered now; the rare person
        # also covered by another assignment of the course, or covered before but not enrolled, is put
        # right by the summary below.
        enrolled = _enrol_missing(
            course_id,
            users,
            {
                "assigned": Value(True),
                "due_on": _due_expression(assignment, has_members=False),
                "mandatory": Value(assignment.mandatory),
            },
        )
        _course_assigned(assignment_id=assignment.pk, learner_ids=None)
    else:
        removed, _by_model = members.delete()
    # Whoever was covered before has assigned=True; whoever is covered now has a member row.
    _enrolments_summarise(
        Enrolment.objects.filter(course_id=course_id).filter(
            Q(assigned=True) | Q(learner_id__in=members.values("learner_id"))
        )
    )
    return ApplyResult(covered=members.count(), removed=removed, enrolled=enrolled)


def _course_assigned(*, assignment_id: int, learner_ids: list[int] | None) -> None:
    for follow in hooks.get_hooks(COURSE_ASSIGNED_HOOK):
        follow(assignment_id=assignment_id, learner_ids=learner_ids)


# -- people whose place changed ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rule:
    assignment: Assignment
    unit_paths: frozenset[str]
    position_ids: frozenset[int]
    assigned_day: datetime.date

    def covers(self, *, ancestors: set[str], position_id: int | None) -> bool:
        """The Python twin of `_covered_users` (ancestors: the paths of the person's unit and above)."""
        if self.unit_paths and not (self.unit_paths & ancestors):
            return False
        return not self.position_ids or position_id in self.position_ids

    def due_on(self, joined: datetime.datetime, covered: datetime.datetime) -> datetime.date | None:
        return self.assignment.due_for(
            joined=_local_day(joined), assigned=self.assigned_day, covered=_local_day(covered)
        )


def _active_rules() -> list[_Rule]:
    """Every active assignment with its targets: three queries."""
    assignments = Assignment.objects.filter(active=True).prefetch_related(
        models.Prefetch("units", queryset=OrgUnit.objects.only("pk", "path")),
        models.Prefetch("positions", queryset=Position.objects.only("pk")),
    )
    return [
        _Rule(
            assignment=assignment,
            unit_paths=frozenset(unit.path for unit in assignment.units.all()),
            position_ids=frozenset(position.pk for position in assignment.positions.all()),
            assigned_day=_assigned_day(assignment),
        )
        for assignment in assignments
    ]


def learner_assignments_refresh(user: User) -> None:
    """One person after they joined, moved, changed position or were (de)activated: see below."""
    learners_assignments_refresh([user.pk])


def learners_assignments_refresh(user_ids: Iterable[int]) -> None:
    """Re-match these people against every active assignment: add and remove their memberships (with
    due dates), enrol them where newly covered, bring their enrolments' copies of unit and position up
    to date and re-summarise assigned/due_on/mandatory. About a dozen queries per batch of 500 people
    (plus one per course they are newly enrolled in), whatever the number of assignments.

    Reached through ``accounts.services.people_placed`` (see the module's docstring); nothing calls it
    on a model save."""
    ids = sorted({int(pk) for pk in user_ids})
    if not ids:
        return
    rules = _active_rules()
    for start in range(0, len(ids), REFRESH_BATCH):
        _refresh_batch(ids[start : start + REFRESH_BATCH], rules)


@transaction.atomic
def _refresh_batch(ids: list[int], rules: list[_Rule]) -> None:
    _without_jit()
    steplen = OrgUnit.steplen
    existing = {
        (member.assignment_id, member.learner_id): member
        for member in AssignmentMember.objects.filter(learner_id__in=ids).only(
            "pk", "assignment_id", "learner_id", "course_id", "due_on", "mandatory", "matched_at"
        )
    }
    now = timezone.now()
    wanted: dict[tuple[int, int], tuple[int, datetime.date | None, bool]] = {}
    people = User.objects.filter(pk__in=ids).values_list(
        "pk", "is_active", "org_unit__path", "position_id", "date_joined"
    )
    for pk, is_active, path, position_id, joined in people:
        if not is_active or not path:
            continue
        ancestors = {path[:end] for end in range(steplen, len(path) + 1, steplen)}
        for rule in rules:
            if rule.covers(ancestors=ancestors, position_id=position_id):
                assignment = rule.assignment
                member = existing.get((assignment.pk, pk))
                wanted[(assignment.pk, pk)] = (
                    assignment.course_id,
                    rule.due_on(joined, member.matched_at if member else now),
                    assignment.mandatory,
                )

    stale = [member.pk for key, member in existing.items() if key not in wanted]
    if stale:
        AssignmentMember.objects.filter(pk__in=stale).delete()
    changed = []
    for key, (course_id, due_on, mandatory) in wanted.items():
        member = existing.get(key)
        if member is not None and (member.course_id, member.due_on, member.mandatory) != (
            course_id,
            due_on,
            mandatory,
        ):
            member.course_id, member.due_on, member.mandatory = course_id, due_on, mandatory
            changed.append(member)
    if changed:
        AssignmentMember.objects.bulk_update(changed, ["course", "due_on", "mandatory"])
    new = [
        AssignmentMember(
            assignment_id=assignment_id,
            learner_id=learner_id,
            course_id=course_id,
            due_on=due,
            mandatory=mandatory,
        )
        for (assignment_id, learner_id), (course_id, due, mandatory) in wanted.items()
        if (assignment_id, learner_id) not in existing
    ]
    if new:
        AssignmentMember.objects.bulk_create(new, ignore_conflicts=True)
        newly: dict[int, list[int]] = defaultdict(list)
        for member in new:
            newly[member.assignment_id].append(member.learner_id)
        for assignment_id, learner_ids in sorted(newly.items()):
            _course_assigned(assignment_id=assignment_id, learner_ids=sorted(learner_ids))

    enrolled = set(Enrolment.objects.filter(learner_id__in=ids).values_list("learner_id", "course_id"))
    to_enrol: dict[int, set[int]] = defaultdict(set)
    for (_assignment_id, learner_id), (course_id, _due, _mandatory) in wanted.items():
        if (learner_id, course_id) not in enrolled:
            to_enrol[course_id].add(learner_id)
    for course_id, learner_ids in sorted(to_enrol.items()):
        _enrol_missing(course_id, User.objects.filter(pk__in=sorted(learner_ids)))

    # Copies of the person's unit and position, written only where they differ. Correlated subqueries
    # rather than a join: a join makes Django write "id IN (SELECT … FROM the same table)", which the
    # planner can turn into a scan per row when its statistics lag behind a large change.
    enrolments = Enrolment.objects.filter(learner_id__in=ids)
    place = User.objects.filter(pk=OuterRef("learner_id"))
    unit, position = Subquery(place.values("org_unit_id")[:1]), Subquery(place.values("position_id")[:1])
    enrolments.alias(
        old_unit=Coalesce("org_unit_id", 0),
        new_unit=Coalesce(unit, 0),
        old_position=Coalesce("position_id", 0),
        new_position=Coalesce(position, 0),
    ).filter(~Q(old_unit=F("new_unit")) | ~Q(old_position=F("new_position"))).update(
        org_unit_id=unit, position_id=position, updated_at=timezone.now()
    )
    _enrolments_summarise(enrolments)


# -- after commit, in one batch ------------------------------------------------------------------------


def learners_assignments_refresh_on_commit(user_ids: Iterable[int], *, using: str = "default") -> None:
    """Refresh these people once the current transaction commits (at once outside a transaction).
    Registered on accounts' ``frontline_people_placed`` hook (assignments/wagtail_hooks.py).

    Every call in one transaction adds to one shared batch, so announcements of one request or import
    are refreshed together: each call registers a callback (so that Django's savepoint and test
    machinery see one per call), and the first to run takes the whole batch, leaving the others
    nothing to do. A rolled-back transaction drops its batch with it."""
    connection = connections[using]
    if not connection.in_atomic_block:
        learners_assignments_refresh(user_ids)
        return
    batch = None
    for _savepoints, callback, _robust in reversed(connection.run_on_commit):
        if isinstance(callback, _PendingRefresh):
            batch = callback.batch
            break
    if batch is None:
        batch = set()
    batch.update(user_ids)
    # robust: the people are saved already; a failed refresh is logged and heals at their next change.
    transaction.on_commit(_PendingRefresh(batch), using=using, robust=True)


class _PendingRefresh:
    def __init__(self, batch: set[int]):
        self.batch = batch

    def __call__(self) -> None:
        ids = set(self.batch)
        self.batch.clear()
        if ids:
            learners_assignments_refresh(ids)

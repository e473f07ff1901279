"""Running counts behind the completion dashboard (reports/tallies.py says how they are kept and why).

Counting two million enrolments live takes over a second at city scale; these tables hold the same
numbers per (unit, course, position, status, due date), where "unit" is the learner's unit *and every
unit above it*, so a dashboard reads only the rows of the children of the node it shows. The keys are
plain numbers, not foreign keys: 0 means "not placed" or "no position", and `NO_DUE_DATE` stands for
no due date, so that every key is non-null and unique.

The triggers that keep them are declared here, on proxy models of the tables they watch (django-pgtrigger):
the reports own their machinery, and progress and accounts know nothing of it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit
from progress.models import Enrolment
from reports import tallies
from reports.tallies import (  # noqa: F401 - the tally keys' encoding, read by the selectors
    COMPLETED_MONTH,
    ENROLLED_MONTH,
    NO_DUE_DATE,
    NO_POSITION,
    NOT_PLACED,
    SECOND_HALF_STARTS,
)


class TallyKey(models.Model):
    unit_id = models.BigIntegerField(_("organisation unit"))
    course_id = models.IntegerField(_("course"))
    position_id = models.BigIntegerField(_("position"))
    status = models.CharField(_("status"), max_length=12)
    due_on = models.DateField(_("due on"))

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.unit_id} · {self.course_id} · {self.position_id} · {self.status} · {self.due_on}"


class EnrolmentTally(TallyKey):
    """How many assigned enrolments, folded up to date (plus whatever `EnrolmentTallyChange` still holds)."""

    learners = models.IntegerField(_("learners"), default=0)

    class Meta:
        verbose_name = _("enrolment tally")
        verbose_name_plural = _("enrolment tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["unit_id", "course_id", "position_id", "status", "due_on"], name="enrolment_tally_key"
            )
        ]


class EnrolmentTallyChange(TallyKey):
    """A change not yet folded into `EnrolmentTally`: written by the database triggers, never updated, so
    learners' progress writes never wait on a shared counter row."""

    change = models.IntegerField(_("change"))

    class Meta:
        verbose_name = _("enrolment tally change")
        verbose_name_plural = _("enrolment tally changes")
        indexes = [models.Index(fields=["unit_id"], name="tally_change_unit")]


class MonthTallyKey(TallyKey):
    """A tally key with the half month of one of the enrolment's dates, in the site's time zone: ``period``
    is its first day, the 1st (days 1–15) or the 16th (the 16th to the month's end). ``dated_by`` says
    which date, `COMPLETED_MONTH` or `ENROLLED_MONTH`. A completed
    enrolment is counted with `NO_DUE_DATE`: its due date counts for nothing (only unfinished work is
    overdue), and leaving it out keeps the rows few."""

    dated_by = models.CharField(_("dated by"), max_length=1)
    period = models.DateField(_("half month"))

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.dated_by} {self.period:%Y-%m-%d} · {super().__str__()}"


class EnrolmentMonthTally(MonthTallyKey):
    """How many assigned enrolments were completed (or enrolled) in a half month, folded up to date (plus
    whatever `EnrolmentMonthTallyChange` still holds): the dashboard filtered by a date range reads whole
    half months here and counts only the days at either end live."""

    learners = models.IntegerField(_("learners"), default=0)

    class Meta:
        verbose_name = _("enrolment month tally")
        verbose_name_plural = _("enrolment month tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["dated_by", "unit_id", "period", "course_id", "position_id", "status", "due_on"],
                name="enrolment_month_tally_key",
            )
        ]


class EnrolmentMonthTallyChange(MonthTallyKey):
    """A change not yet folded into `EnrolmentMonthTally`: appended by the database triggers, never
    updated."""

    change = models.IntegerField(_("change"))

    class Meta:
        verbose_name = _("enrolment month tally change")
        verbose_name_plural = _("enrolment month tally changes")
        indexes = [models.Index(fields=["unit_id"], name="month_tally_change_unit")]


class MonthTallyZone(models.Model):
    """The time zone whose days the month tallies count: one row, written when they are counted from the
    enrolments (the migration that declared the triggers, `report_tallies --rebuild`). With no row the
    triggers keep no month tallies and the reports count date ranges live.

    Not managed by Django (PostgreSQL only; reports/migrations/0008 creates it), so that ``flush``, which
    empties every managed table (as tests do between transactional cases), leaves the zone the triggers
    count in, as it leaves the triggers."""

    time_zone = models.CharField(_("time zone"), max_length=64, primary_key=True)

    class Meta:
        managed = False
        db_table = "reports_monthtallyzone"
        verbose_name = _("month tally time zone")
        verbose_name_plural = _("month tally time zones")

    def __str__(self):
        return self.time_zone


class TalliedEnrolment(Enrolment):
    """``progress_enrolment`` as the tallies see it: the statement triggers that append every change of
    what they count (reports/tallies.py)."""

    class Meta:
        proxy = True
        default_permissions = ()
        triggers = tallies.ENROLMENT_TRIGGERS


class TalliedOrgUnit(OrgUnit):
    """``accounts_orgunit`` as the tallies see it: a unit that moves takes its enrolments' counts along."""

    class Meta:
        proxy = True
        default_permissions = ()
        triggers = tallies.UNIT_TRIGGERS

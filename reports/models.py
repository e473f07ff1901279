"""Running counts behind the completion dashboard (see reports/tallies.py for how they are kept).

Counting two million enrolments live takes over a second at city scale; these tables hold the same
numbers per (unit, course, position, status, due date), where "unit" is the learner's unit *and every
unit above it*, so a dashboard reads only the rows of the children of the node it shows. The keys are
plain numbers, not foreign keys: 0 means "not placed" or "no position", and `NO_DUE_DATE` stands for
no due date, so that every key is non-null and unique.
"""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

NO_DUE_DATE = datetime.date(9999, 12, 31)
NOT_PLACED = 0
NO_POSITION = 0


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


COMPLETED_MONTH = "c"
ENROLLED_MONTH = "e"
# The tallied periods: a month's 1st to 15th, and its 16th to its end.
SECOND_HALF_STARTS = 16


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

"""Learner history, in layers (after Kolibri's logs): one enrolment per learner × course, one
progress row per learner × course item, one completion per learner × course.

History outlives content: rows point at pages by id without a database constraint or
cascade, so deleting or unpublishing a page never deletes who completed it.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _


def _page_reference(model: str, verbose_name, **kwargs):
    return models.ForeignKey(
        model,
        verbose_name=verbose_name,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        **kwargs,
    )


# The reports' partial indexes (Enrolment.Meta.indexes): assigned enrolments, and what the counts group by.
ASSIGNED = models.Q(assigned=True)
REPORTED = ["org_unit", "course", "position", "status", "due_on"]


class Enrolment(models.Model):
    class Source(models.TextChoices):
        SELF = "self", _("Joined by the learner")
        ASSIGNED = "assigned", _("Assigned")
        MANAGER = "manager", _("Added by a manager")

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("learner"),
    )
    course = _page_reference("courses.CoursePage", _("course"))
    source = models.CharField(_("how it started"), max_length=20, choices=Source.choices, default=Source.SELF)
    enrolled_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")

    # Kept up to date by progress.services so that reports aggregate one table.
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # Copies of the learner's place when the row last changed (reports group by them; kept in step
    # by accounts' signals when a person moves).
    org_unit = models.ForeignKey(
        "accounts.OrgUnit",
        verbose_name=_("organisation unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    position = models.ForeignKey(
        "accounts.Position",
        verbose_name=_("position"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # From the assignments that currently cover this learner (assignments.services): the earliest due
    # date, and whether any of them is mandatory.
    assigned = models.BooleanField(_("assigned"), default=False)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    mandatory = models.BooleanField(_("mandatory"), default=False)
    # Where to resume: the item the learner last opened in this course.
    last_item = _page_reference("courses.CourseItemPage", _("last opened"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("last seen at"), null=True, blank=True)
    # When anything else about the row last changed (the REST API's changed_since): the services that
    # write due_on / assigned / mandatory / status / the place copies with UPDATE set it themselves,
    # since auto_now only fires on save().
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_default=Now())

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [models.UniqueConstraint(fields=["learner", "course"], name="unique_enrolment")]
        indexes = [
            models.Index(fields=["course", "learner"], name="enrolment_course_idx"),
            models.Index(fields=["org_unit", "course", "status"], name="enrolment_unit_course_status"),
            models.Index(fields=["course", "due_on"], name="enrolment_course_due"),
            # For the training reports, which read assigned enrolments only (reports.selectors). A page of
            # people straight off an index in (unit, learner) or (due date, unit, learner) order, instead
            # of sorting every enrolment of a district or the city:
            models.Index(
                fields=["org_unit", "learner", "course"], condition=ASSIGNED, name="enrolment_assigned_unit"
            ),
            models.Index(
                fields=["due_on", "org_unit", "learner", "course"],
                condition=ASSIGNED,
                name="enrolment_assigned_due",
            ),
            # The days at either end of a date range, counted index-only (what the counts group by is
            # included), and a searched learner's enrolments counted without reading the table:
            models.Index(
                fields=["completed_at"],
                include=REPORTED,
                condition=ASSIGNED & models.Q(completed_at__isnull=False),
                name="enrolment_assigned_completed",
            ),
            models.Index(
                fields=["enrolled_at"],
                include=REPORTED,
                condition=ASSIGNED,
                name="enrolment_assigned_enrolled",
            ),
            models.Index(
                fields=["learner"], include=REPORTED, condition=ASSIGNED, name="enrolment_assigned_learner"
            ),
            # The REST API's changed_since (api.views): what a nightly sync asks of every enrolment.
            models.Index(fields=["enrolled_at"], name="enrolment_enrolled_at"),
            models.Index(fields=["last_seen_at"], name="enrolment_last_seen_at"),
            models.Index(fields=["completed_at"], name="enrolment_completed_at"),
            models.Index(fields=["updated_at"], name="enrolment_updated_at"),
        ]

    def __str__(self):
        return f"{self.learner_id} → {self.course_id}"


class ItemProgress(models.Model):
    """A learner's progress through one course item (lesson or quiz)."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="item_progress",
        verbose_name=_("learner"),
    )
    item = _page_reference("courses.CourseItemPage", _("item"))
    course = _page_reference("courses.CoursePage", _("course"))
    first_seen_at = models.DateTimeField(_("first seen at"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("last seen at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # Set when the item was done by passing a test-out quiz instead of being studied: the id of that
    # quiz attempt (quizzes.QuizAttempt; progress cannot point at the quiz app). Reports show such a
    # lesson as skipped by the test-out; it counts as done everywhere.
    tested_out_attempt = models.PositiveIntegerField(
        _("skipped by passing quiz attempt"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("item progress")
        verbose_name_plural = _("item progress")
        constraints = [models.UniqueConstraint(fields=["learner", "item"], name="unique_item_progress")]
        indexes = [
            models.Index(fields=["learner", "course"], name="itemprogress_learner_course"),
            models.Index(fields=["course", "item"], name="itemprogress_course_item"),
            # The REST API's changed_since (first_seen_at is always written with last_seen_at).
            models.Index(fields=["last_seen_at"], name="itemprogress_last_seen_at"),
            models.Index(fields=["completed_at"], name="itemprogress_completed_at"),
        ]

    def __str__(self):
        return f"{self.learner_id} · {self.item_id}"

    @property
    def tested_out(self) -> bool:
        return self.tested_out_attempt is not None


class CourseCompletion(models.Model):
    """A learner completed a course: when, and by which rule (or whose override, and why)."""

    class Rule(models.TextChoices):
        ALL_REQUIRED_ITEMS = "all_required_items", _("All required lessons and quizzes done")
        MANAGER_OVERRIDE = "manager_override", _("Marked complete by a manager")
        SESSION_ATTENDED = "session_attended", _("Attended an in-person session")

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="course_completions",
        verbose_name=_("learner"),
    )
    course = _page_reference("courses.CoursePage", _("course"))
    completed_at = models.DateTimeField(_("completed at"))
    rule = models.CharField(_("rule"), max_length=30, choices=Rule.choices)
    # Snapshot of what the rule saw, so the record explains itself after the course changes.
    items_required = models.PositiveIntegerField(_("required items"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    reason = models.CharField(_("reason"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("course completion")
        verbose_name_plural = _("course completions")
        constraints = [models.UniqueConstraint(fields=["learner", "course"], name="unique_course_completion")]
        indexes = [models.Index(fields=["course", "completed_at"], name="completion_course_date")]

    def __str__(self):
        return f"{self.learner_id} ✓ {self.course_id}"


class OfflineCompletion(models.Model):
    """A lesson finished on the phone with no signal, as it reached the server: the phone's key for it
    (each key is taken once per learner, so a retried or repeated send changes nothing), the lesson,
    the time the phone says it was done, and what became of it (repeats are answered with this)."""

    class Outcome(models.TextChoices):
        RECORDED = "recorded", _("Recorded")
        ALREADY_DONE = "already_done", _("Already finished before")
        FUTURE = "future", _("Time in the future")
        BEFORE_ENROLMENT = "before_enrolment", _("Time before the learner joined the course")
        NOT_A_LESSON = "not_a_lesson", _("Not a lesson on the site")
        NOT_OPEN = "not_open", _("Course not open to the learner")

    ACCEPTED = frozenset({Outcome.RECORDED, Outcome.ALREADY_DONE})

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="offline_completions",
        verbose_name=_("learner"),
    )
    key = models.UUIDField(_("key"))
    item = _page_reference("courses.CourseItemPage", _("item"))
    completed_at = models.DateTimeField(_("finished at (phone's time)"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)

    class Meta:
        verbose_name = _("lesson finished offline")
        verbose_name_plural = _("lessons finished offline")
        constraints = [
            models.UniqueConstraint(fields=["learner", "key"], name="unique_offline_completion_key")
        ]

    def __str__(self):
        return f"{self.learner_id} · {self.key}"

    @property
    def accepted(self) -> bool:
        return self.outcome in self.ACCEPTED

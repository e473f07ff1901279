"""Course assignments: a manager gives a course to parts of the organisation tree and/or positions.

An assignment matches every active person who is in one of its units (or anywhere below them) and, if
positions are given, holds one of them. Matching people are enrolled at once and so is anyone who
matches later (new staff, staff who move or change position): see `assignments.services`.
`AssignmentMember` records who an assignment covers now, with the due date it gives that person; the
learner's `Enrolment` carries the earliest due date and the mandatory flag of all that cover them.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _
from wagtail.search import index


class Assignment(index.Indexed, models.Model):
    class DueMode(models.TextChoices):
        NONE = "none", _("No due date")
        DATE = "date", _("On a fixed date")
        DAYS_AFTER_JOINING = "days", _("A number of days after the person joins")

    course = models.ForeignKey(
        "courses.CoursePage", verbose_name=_("course"), on_delete=models.CASCADE, related_name="assignments"
    )
    units = models.ManyToManyField(
        "accounts.OrgUnit",
        verbose_name=_("organisation units"),
        blank=True,
        related_name="assignments",
        help_text=_("Everyone in these units and every unit below them."),
    )
    positions = models.ManyToManyField(
        "accounts.Position",
        verbose_name=_("positions"),
        blank=True,
        related_name="assignments",
        help_text=_("Only people in these positions. Leave empty for every position."),
    )
    due_mode = models.CharField(_("due"), max_length=8, choices=DueMode.choices, default=DueMode.DATE)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    due_days = models.PositiveSmallIntegerField(
        _("days to finish"),
        null=True,
        blank=True,
        help_text=_(
            "Counted from the day the person joins or comes under this assignment, whichever is later: "
            "people already there count from the day of this assignment, people who move in later from "
            "the day they move."
        ),
    )
    mandatory = models.BooleanField(_("mandatory"), default=True)
    note = models.CharField(_("note to learners"), max_length=255, blank=True)
    active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("An ended assignment no longer enrols anyone or sets due dates."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    # Edited or ended (the REST API's changed_since); services that save with update_fields name it.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_default=Now(), db_index=True)

    search_fields = [index.SearchField("note"), index.FilterField("active")]

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-created_at"]

    def __str__(self):
        return str(self.course) if self.course_id else str(_("assignment"))

    def clean(self):
        super().clean()
        if self.due_mode == self.DueMode.DATE and not self.due_date:
            raise ValidationError({"due_date": _("Give the due date.")})
        if self.due_mode == self.DueMode.DAYS_AFTER_JOINING and not self.due_days:
            raise ValidationError({"due_days": _("Give the number of days.")})

    def due_for(
        self, *, joined: datetime.date, assigned: datetime.date, covered: datetime.date | None = None
    ) -> datetime.date | None:
        """The due date this assignment gives someone who joined on ``joined`` and came under it on
        ``covered`` (by moving in, a new position, or an edit that took in their unit; default: the
        day of the assignment). "N days after joining" counts from the latest of the three days, so
        no one is overdue the day the course reaches them."""
        if self.due_mode == self.DueMode.DATE:
            return self.due_date
        if self.due_mode == self.DueMode.DAYS_AFTER_JOINING and self.due_days:
            return max(joined, assigned, covered or assigned) + datetime.timedelta(days=self.due_days)
        return None


class AssignmentMember(models.Model):
    """Who an assignment covers now (rows come and go as people move), and the due date it gives them."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="members")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey("courses.CoursePage", on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField(null=True, blank=True)
    mandatory = models.BooleanField(default=True)
    matched_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assignment member")
        verbose_name_plural = _("assignment members")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "learner"], name="unique_assignment_member")
        ]
        indexes = [models.Index(fields=["learner", "course"], name="assignmember_learner_course")]

    def __str__(self):
        return f"{self.learner_id} ← {self.assignment_id}"

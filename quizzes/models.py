"""Question bank, quiz pages and attempts.

Attempts follow Kolibri's layering: one row per try, holding a snapshot of the questions
(their revision and content) and of the pass rule it ran under, and one row per answer.
Editing a question or a quiz later never changes a past score.
"""

import uuid

from django import forms
from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail import blocks as wagtail_blocks
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import DraftStateMixin, LockableMixin, RevisionMixin
from wagtail.search import index

from core.hotspot_editor import HotspotAreasWidget
from core.percent import format_percent
from courses.models import ITEM_CONTEXT_HOOK, CourseItemPage, LessonPage
from courses.selectors import lesson_position
from quizzes.blocks import (
    ChoiceOptionBlock,
    NumericAnswerBlock,
    QuizQuestionBlock,
    RandomQuestionsBlock,
    TextAnswerBlock,
)
from quizzes.kinds import kind_choices, question_type, used_by
from quizzes.questiondata import QuestionData, QuestionKind


class QuestionCategory(models.Model):
    """A folder of the question bank, e.g. "扫码登记/基础". GIFT's $CATEGORY maps onto it."""

    name = models.CharField(_("name"), max_length=255, unique=True, help_text=_("Use / for sub-folders."))
    description = models.CharField(_("description"), max_length=255, blank=True)

    panels = [FieldPanel("name"), FieldPanel("description")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")

    def __str__(self):
        return self.name


class QuestionTag(TaggedItemBase):
    content_object = ParentalKey("quizzes.Question", on_delete=models.CASCADE, related_name="tagged_items")


KIND_CHOICES = kind_choices()


class Question(DraftStateMixin, RevisionMixin, LockableMixin, index.Indexed, ClusterableModel):
    """One question of the bank. Quizzes use the published version; attempts copy it."""

    kind = models.CharField(_("question type"), max_length=20, choices=KIND_CHOICES, default="single")
    title = models.CharField(
        _("short title"), max_length=200, blank=True, help_text=_("For the bank's list.")
    )
    text = models.TextField(_("question"), max_length=5000)
    image = models.ForeignKey(
        "core.CustomImage",
        verbose_name=_("screenshot"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Shown with the question. Required for tap-the-spot questions."),
    )
    choices = StreamField(
        [("option", ChoiceOptionBlock())],
        verbose_name=_("options"),
        blank=True,
        help_text=_("Single and multiple choice: tick every correct option."),
    )
    true_answer = models.BooleanField(
        _("the statement is"),
        null=True,
        blank=True,
        choices=[(True, _("True")), (False, _("False"))],
        help_text=_("True or false questions."),
    )
    true_feedback = models.CharField(
        _("feedback for “true”"),
        max_length=2000,
        blank=True,
        help_text=_("True or false: shown to a learner who answered “true”."),
    )
    false_feedback = models.CharField(
        _("feedback for “false”"),
        max_length=2000,
        blank=True,
        help_text=_("True or false: shown to a learner who answered “false”."),
    )
    answers = StreamField(
        [("answer", TextAnswerBlock())],
        verbose_name=_("accepted answers"),
        blank=True,
        help_text=_(
            "Fill in the blank: every answer that counts, and what it earns. "
            "Case, spaces and full-width characters are ignored."
        ),
    )
    numeric_answers = StreamField(
        [("answer", NumericAnswerBlock())],
        verbose_name=_("numeric answers"),
        blank=True,
        help_text=_("Numeric answer: the right number, give or take; add more numbers for part marks."),
    )
    marking_guide = models.TextField(
        _("marking guide"),
        blank=True,
        max_length=5000,
        help_text=_(
            "Written answer: what a good answer says. Shown to the trainer who marks it, never to learners."
        ),
    )
    steps = StreamField(
        [("step", wagtail_blocks.CharBlock(label=_("step"), max_length=500))],
        verbose_name=_("steps in the right order"),
        blank=True,
        help_text=_("Put the steps in order: list them in the correct order; learners see them shuffled."),
    )
    areas = models.JSONField(
        _("target areas"),
        default=list,
        blank=True,
        help_text=_("Tap the spot: draw one or more boxes on the screenshot where a tap counts as right."),
    )
    partial_credit = models.BooleanField(
        _("partial credit"),
        default=False,
        help_text=_(
            "Choice and ordering questions: give part marks (an option's weight, or steps in order)."
        ),
    )
    explanation = models.TextField(_("explanation"), blank=True, help_text=_("Shown in feedback: why."))
    category = models.ForeignKey(
        QuestionCategory,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="questions",
    )
    tags = ClusterTaggableManager(through=QuestionTag, blank=True)
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="question")

    # The admin shows only the answer fields of the chosen type (quizzes/static/quizzes/question-form.js).
    panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("kind"), FieldPanel("category")]),
                FieldPanel("title"),
                FieldPanel("tags"),
            ],
            heading=_("Question"),
        ),
        FieldPanel("text"),
        FieldPanel("image"),
        *(
            FieldPanel(name, widget=HotspotAreasWidget, attrs={"data-question-kinds": used_by(name)})
            if name == "areas"
            else FieldPanel(name, attrs={"data-question-kinds": used_by(name)})
            for name in (
                "choices",
                "true_answer",
                "true_feedback",
                "false_feedback",
                "answers",
                "numeric_answers",
                "marking_guide",
                "steps",
                "areas",
            )
        ),
        FieldPanel("partial_credit", attrs={"data-question-kinds": used_by("partial_credit")}),
        FieldPanel("explanation"),
    ]

    search_fields = [
        index.SearchField("text"),
        index.SearchField("title"),
        index.AutocompleteField("title"),
        index.FilterField("kind"),
        index.FilterField("category"),
        index.FilterField("live"),
    ]

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("question bank")
        indexes = [models.Index(fields=["category", "live"], name="question_category_live")]

    def __str__(self):
        return self.title or self.text[:60]

    @property
    def revisions(self):
        return self._revisions

    def to_data(self) -> QuestionData:
        """This question in the neutral form that grading, import and export share; its kind's type
        (quizzes.kinds) reads the answer fields it uses."""
        kind_type = question_type(self.kind)
        return QuestionData(
            kind=kind_type.kind,
            text=self.text.strip(),
            title=self.title.strip(),
            category=self.category.name if self.category_id else "",
            partial_credit=self.partial_credit and kind_type.partial_credit_switch,
            explanation=self.explanation.strip(),
            **kind_type.to_data(self),
        )

    def clean(self):
        super().clean()
        if self.kind == QuestionKind.HOTSPOT and not self.image_id:
            raise ValidationError({"image": _("A tap-the-spot question needs a screenshot.")})
        try:
            problems = self.to_data().validate()
        except (TypeError, ValueError) as exc:
            problems = [str(exc)]
        if problems:
            raise ValidationError(problems)


def check_test_out(*, course_path: str, lessons, required: bool) -> dict[str, list[str]]:
    """What is wrong with a quiz's test-out setting, by field (empty when nothing): every lesson it
    covers must be a lesson of the quiz's own course (``course_path``), and a test-out quiz is
    optional, since passing it is what lets a learner skip lessons, never a step they must take."""
    problems: dict[str, list[str]] = {}
    lessons = list(lessons)
    foreign = [lesson.title for lesson in lessons if lesson.path[: -lesson.steplen] != course_path]
    if foreign:
        problems["test_out_covers"] = [
            _("Only lessons of this quiz’s own course can be skipped: %(titles)s.")
            % {"titles": "、".join(foreign)}
        ]
    if lessons and required:
        problems["required"] = [
            _("A test-out quiz cannot be required for completion: untick “required for completion”.")
        ]
    return problems


class QuizPageForm(WagtailAdminPageForm):
    """The quiz editor: the lessons a test-out can skip are offered from this quiz's course only."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("test_out_covers")
        if field is not None:
            lessons = LessonPage.objects.none()
            if self.parent_page is not None:
                lessons = LessonPage.objects.child_of(self.parent_page).order_by("path")
            field.queryset = lessons

    def clean(self):
        cleaned = super().clean()
        course_path = self.parent_page.path if self.parent_page is not None else ""
        problems = check_test_out(
            course_path=course_path,
            lessons=cleaned.get("test_out_covers") or (),
            required=bool(cleaned.get("required")),
        )
        for name, messages in problems.items():
            for message in messages:
                self.add_error(name, message)
        return cleaned


class QuizPage(CourseItemPage):
    """A quiz inside a course: fixed questions and/or random draws from categories.

    A test-out quiz (``test_out_covers`` not empty) is optional: a learner who passes it has the
    lessons it covers done for them (quizzes.testout), marked as skipped by the test-out."""

    closes_course = True  # a course's last quiz stays last when lessons are added

    class Feedback(models.TextChoices):
        EACH = "each", _("After each question")
        END = "end", _("After submitting")
        NEVER = "never", _("Never (score only)")

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "ul", "ol", "link"])
    questions = StreamField(
        [("question", QuizQuestionBlock()), ("random", RandomQuestionsBlock())],
        verbose_name=_("questions"),
        help_text=_("Pick questions from the bank, or draw some at random from a category."),
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=60, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=0, help_text=_("0 means as many as the learner likes.")
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
        help_text=_("Leave empty for no limit. The server closes the attempt when time is up."),
    )
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=False)
    shuffle_options = models.BooleanField(_("shuffle options"), default=True)
    feedback_mode = models.CharField(
        _("when feedback shows"), max_length=10, choices=Feedback.choices, default=Feedback.END
    )

    test_out_covers = ParentalManyToManyField(
        LessonPage,
        verbose_name=_("lessons a pass lets learners skip"),
        blank=True,
        related_name="test_out_quizzes",
        help_text=_(
            "Makes this quiz a test-out: learners who already know the tool take it first, and passing "
            "it marks these lessons done. Leave empty for an ordinary quiz. A test-out quiz is optional, "
            "and usually allows one attempt."
        ),
    )

    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []
    base_form_class = QuizPageForm

    content_panels = CourseItemPage.content_panels + [
        FieldPanel("summary"),
        FieldPanel("intro"),
        FieldPanel("questions"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("pass_mark"), FieldPanel("attempts_allowed")]),
                FieldPanel("time_limit_minutes"),
                FieldRowPanel([FieldPanel("shuffle_questions"), FieldPanel("shuffle_options")]),
                FieldPanel("feedback_mode"),
                FieldRowPanel([FieldPanel("estimated_minutes"), FieldPanel("required")]),
            ],
            heading=_("Rules"),
        ),
        FieldPanel("test_out_covers", widget=forms.CheckboxSelectMultiple, heading=_("Test-out")),
    ]

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

    @property
    def default_preview_size(self):
        return "mobile"

    def rules_snapshot(self) -> dict:
        return {
            "pass_mark": self.pass_mark,
            "attempts_allowed": self.attempts_allowed,
            "time_limit_minutes": self.time_limit_minutes,
            "shuffle_questions": self.shuffle_questions,
            "shuffle_options": self.shuffle_options,
            "feedback_mode": self.feedback_mode,
            # What passing lets the learner skip, as it stood when the attempt started.
            "test_out_covers": [
                {"id": lesson.pk, "title": lesson.title} for lesson in self.test_out_lessons()
            ],
        }

    def test_out_lessons(self) -> list[LessonPage]:
        """The lessons passing this quiz lets a learner skip, in course order (none for an ordinary
        quiz): those chosen that are still published lessons of this quiz's course. One query."""
        chosen = [lesson.pk for lesson in self.test_out_covers.all()]
        if not chosen:
            return []
        return list(
            LessonPage.objects.live()
            .filter(pk__in=chosen, path__startswith=self.course_path, depth=self.depth)
            .order_by("path")
            .only("id", "title", "path", "depth")
        )

    @property
    def is_test_out(self) -> bool:
        return bool(self.test_out_covers.all())

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(lesson_position(self, request))
        for extend in hooks.get_hooks(ITEM_CONTEXT_HOOK):
            extend(request, self, context)
        for extend in hooks.get_hooks(QUIZ_CONTEXT_HOOK):
            extend(request, self, context)
        return context


QUIZ_CONTEXT_HOOK = "frontline_quiz_page_context"


class QuizAttempt(models.Model):
    """One try at a quiz, with everything it ran under copied in."""

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        TIMED_OUT = "timed_out", _("Closed at the time limit")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="quiz_attempts",
        verbose_name=_("learner"),
    )
    quiz = models.ForeignKey(
        QuizPage, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+", verbose_name=_("quiz")
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("course"),
    )
    number = models.PositiveSmallIntegerField(_("attempt number"))
    quiz_revision_id = models.PositiveIntegerField(_("quiz revision"), null=True, blank=True)
    rules = models.JSONField(_("rules it ran under"))
    questions = models.JSONField(_("questions it drew"))
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.IN_PROGRESS)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    score = models.FloatField(_("score"), null=True, blank=True)
    max_score = models.FloatField(_("maximum score"), null=True, blank=True)
    percent = models.PositiveSmallIntegerField(_("percent"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    # Made before the course was re-assigned for re-training (certificates.services.retraining_start):
    # kept as history, but neither counted toward the attempt limit nor as this round's pass.
    superseded = models.BooleanField(_("from an earlier round of training"), default=False)
    # Closed with written answers a trainer has still to mark: score, percent and passed stay empty
    # until the last one is marked (quizzes.marking).
    awaiting_marking = models.BooleanField(_("awaiting marking"), default=False)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        # quizzes.marking: trainers (all learners) and training managers (their own part of the tree).
        permissions = [("mark_quizattempt", _("Can mark written answers"))]
        constraints = [
            models.UniqueConstraint(fields=["learner", "quiz", "number"], name="unique_attempt_number"),
            models.UniqueConstraint(
                fields=["learner", "quiz"],
                condition=Q(state="in_progress"),
                name="one_open_attempt_per_quiz",
            ),
        ]
        indexes = [
            models.Index(fields=["quiz", "state"], name="attempt_quiz_state"),
            models.Index(
                fields=["submitted_at"], name="attempt_awaiting_marking", condition=Q(awaiting_marking=True)
            ),
            models.Index(fields=["state", "deadline"], name="attempt_state_deadline"),
        ]

    def __str__(self):
        return f"{self.learner_id} · {self.quiz_id} #{self.number}"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.IN_PROGRESS

    @property
    def percent_text(self) -> str:
        """The score as shown everywhere (core.percent): 2 of 3 points is "66.7%". ``percent`` keeps
        the whole percent, rounded down, that the pass mark was compared with."""
        if self.score is None:
            return ""
        return format_percent(self.score, self.max_score) or "0%"

    def question_data(self, position: int) -> QuestionData:
        return QuestionData.from_dict(self.questions[position]["data"])


class AttemptAnswer(models.Model):
    """The learner's answer to one question of an attempt, saved as they go."""

    attempt = models.ForeignKey(QuizAttempt, on_delete=models.CASCADE, related_name="answers")
    position = models.PositiveSmallIntegerField(_("position"))
    question_id = models.PositiveIntegerField(_("question"))  # for statistics across attempts
    response = models.JSONField(_("response"))
    saves = models.PositiveIntegerField(_("times saved"), default=1)
    saved_at = models.DateTimeField(_("saved at"), auto_now=True)
    checked = models.BooleanField(_("feedback shown"), default=False)
    score = models.FloatField(_("score"), null=True, blank=True)
    correct = models.BooleanField(_("correct"), null=True, blank=True)
    # A written answer's mark, given by a trainer (quizzes.marking).
    comment = models.TextField(_("marker's comment"), blank=True, max_length=2000, db_default="")
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    marked_at = models.DateTimeField(_("marked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["attempt", "position"], name="unique_answer_position")]
        indexes = [models.Index(fields=["question_id"], name="answer_question")]

    def __str__(self):
        return f"{self.attempt_id}/{self.position}"


class PracticeRecord(models.Model):
    """A learner finished a guided practice (tap-through) block in a lesson."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_records"
    )
    lesson = models.ForeignKey(
        "courses.LessonPage", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    block_id = models.CharField(max_length=64)
    completed_at = models.DateTimeField(auto_now_add=True)
    misses = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("practice record")
        verbose_name_plural = _("practice records")
        constraints = [
            models.UniqueConstraint(fields=["learner", "lesson", "block_id"], name="unique_practice_record")
        ]

    def __str__(self):
        return f"{self.learner_id} · {self.lesson_id}/{self.block_id}"

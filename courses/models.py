from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import Http404, HttpResponse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from wagtail import blocks as wagtail_blocks
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, HelpPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.documents import get_document_model_string
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from core import content_cache, page_cache
from core.folding import fold
from core.routing import CachedViewRestrictionsMixin
from courses.blocks import LessonStreamBlock
from courses.media_files import RECORDING_EXTENSIONS, SOUND_KINDS_BY_EXTENSION, sound_kind

PHONE_FIRST_PREVIEW = "mobile"
# Extension points: other apps (learner progress) add to these pages' context without the
# content app importing them. Each hook is called as hook(request, page, context).
COURSE_CONTEXT_HOOK = "frontline_course_page_context"
ITEM_CONTEXT_HOOK = "frontline_course_item_context"


def search_index_text(*parts: str) -> str:
    """What search matches against: the parts folded (full-width, half-width and case alike, see
    core.folding), one per line, capped so a huge page cannot bloat the table."""
    return fold("\n".join(part for part in parts if part))[:100_000]


def lesson_plain_text(lesson) -> str:
    """The words of a lesson's blocks (text, captions, steps, tips), without markup."""
    if not lesson.body:
        return ""
    parts = lesson.body.stream_block.get_searchable_content(lesson.body)
    return "\n".join(part for part in parts if isinstance(part, str))


class Topic(models.Model):
    """The digital tool or subject a course teaches, e.g. visitor registration by QR code."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True, allow_unicode=True)
    description = models.CharField(_("description"), max_length=255, blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name


register_snippet(Topic)


class CourseIndexPage(CachedViewRestrictionsMixin, Page):
    """The catalogue: every published course, filterable by topic."""

    intro = models.CharField(_("introduction"), max_length=255, blank=True)

    parent_page_types = ["core.HomePage"]
    subpage_types = ["courses.CoursePage"]
    content_panels = Page.content_panels + [FieldPanel("intro")]

    class Meta:
        verbose_name = _("course catalogue")

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import course_cards

        context = super().get_context(request, *args, **kwargs)
        topics = content_cache.get_or_build(
            ("catalogue-topics", self.pk),
            lambda: list(Topic.objects.filter(courses__live=True).distinct().order_by("name")),
            request,
        )
        selected_topic = self._selected_topic(request, topics)
        context.update(
            # Read only when the page is rendered, not when it comes whole from the page cache.
            courses=SimpleLazyObject(lambda: course_cards(root=self, topic=selected_topic, request=request)),
            topics=topics,
            selected_topic=selected_topic,
            # The same for everyone signed in (or not) with the same topic: kept whole ({% pagecache %}).
            page_cache_key=self._page_cache_key(request, selected_topic),
        )
        return context

    @staticmethod
    def _selected_topic(request, topics):
        selected = request.GET.get("topic")
        return next((t for t in topics if t.slug == selected), None)

    def _page_cache_key(self, request, selected_topic) -> tuple:
        return (
            "catalogue",
            self.pk,
            selected_topic.slug if selected_topic else None,
            request.user.is_authenticated,
        )

    def serve(self, request, *args, **kwargs):
        # Kept whole: served before anything else is worked out, when the topics are at hand.
        if not getattr(request, "is_preview", False):
            topics = content_cache.get(("catalogue-topics", self.pk), request)
            if not content_cache.is_missing(topics):
                key = self._page_cache_key(request, self._selected_topic(request, topics))
                cached = page_cache.cached_response(request, key)
                if cached is not None:
                    return cached
        return super().serve(request, *args, **kwargs)


class CoursePage(CachedViewRestrictionsMixin, Page):
    """A course: a short, practical sequence of lessons about one digital tool or topic."""

    summary = models.TextField(
        _("summary"),
        max_length=400,
        help_text=_("Two or three sentences: who it is for and what they will be able to do."),
    )
    cover_image = models.ForeignKey(
        "core.CustomImage",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated minutes"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(6000)],
        help_text=_("How long the whole course takes, in minutes."),
    )
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("digital tool or topic"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="courses",
    )
    objectives = StreamField(
        [("objective", wagtail_blocks.CharBlock(label=_("objective"), max_length=200, icon="tick"))],
        verbose_name=_("learning objectives"),
        blank=True,
        help_text=_("What a learner can do after this course, one per line, starting with a verb."),
    )

    open_enrolment = models.BooleanField(
        _("open to everyone"),
        default=True,
        help_text=_(
            "Any signed-in learner can join with one tap. Untick for courses given by assignment only."
        ),
    )

    # Folded title, summary and topic for search (see search_index_text); set on every save.
    search_text = models.TextField(editable=False, blank=True, default="")

    certificate_valid_months = models.PositiveSmallIntegerField(
        _("certificate valid for (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
        help_text=_(
            "For training that must be repeated, e.g. 12: certificates expire this many months after "
            "completion. Leave empty for certificates that never expire."
        ),
    )

    # Study hours (学时) the course counts for when completed: set by the trainer, not a stopwatch.
    hours = models.DecimalField(
        _("study hours"),
        max_digits=5,
        decimal_places=1,
        default=0,
        blank=True,  # left empty: none (set in clean)
        validators=[MinValueValidator(0), MaxValueValidator(999)],
        help_text=_("How many study hours a learner who completes this course is credited with, e.g. 1.5."),
    )

    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage", "scorm.ScormPage", "quizzes.QuizPage"]

    content_panels = Page.content_panels + [
        HelpPanel(
            content=_(
                "Lessons and quizzes appear in the order of the course's child pages. A new lesson is "
                "placed before the course's final quiz. To change the order: in Pages, open this "
                "course's child pages, click “Sort menu order”, drag the rows with the handle on the "
                "left, then click “Sort menu order” again to finish."
            ),
            heading=_("Order of lessons"),
        ),
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("topic"),
                FieldPanel("estimated_minutes"),
                FieldPanel("hours"),
                FieldPanel("cover_image"),
                FieldPanel("open_enrolment"),
                FieldPanel("certificate_valid_months"),
            ],
            heading=_("About the course"),
        ),
        FieldPanel("objectives"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.FilterField("topic"),
    ]

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    @property
    def default_preview_size(self):
        return PHONE_FIRST_PREVIEW

    def clean(self):
        super().clean()
        if self.hours is None:
            self.hours = 0
        self.search_text = search_index_text(self.title, self.summary, self.topic.name if self.topic else "")

    def place_before_closing_items(self, item: "CourseItemPage") -> "CourseItemPage | None":
        """Move a newly added ``item`` before the items that close this course (its final quiz, see
        ``CourseItemPage.closes_course``), where Wagtail's "add child page" puts it last. Returns the
        item it now stands before, or None when nothing closes the course (nothing moved)."""
        if item.closes_course:
            return None
        siblings = list(
            CourseItemPage.objects.child_of(self)
            .exclude(pk=item.pk)
            .order_by("-path")
            .only("id", "title", "path", "depth", "content_type_id")
        )
        first_closing = None
        for sibling in siblings:  # from the end, while they close the course
            if not getattr(sibling.specific_class, "closes_course", False):
                break
            first_closing = sibling
        if first_closing is None or item.path < first_closing.path:
            return None
        item.move(first_closing, pos="left")
        return first_closing

    def items(self):
        """Published lessons (and quizzes) in the order trainers arranged them. The one definition of
        what a course's "N lessons" counts: the course page counts these, and course cards count the
        same rows with courses.selectors.live_item_count."""
        return live_course_items().child_of(self).order_by("path")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)

        def build_items():
            items = list(
                self.items().only(
                    "id",
                    "title",
                    "slug",
                    "url_path",
                    "path",
                    "depth",
                    "estimated_minutes",
                    "summary",
                    "required",
                )
            )
            for item in items:
                item.outline_url = item.get_url(request)
            return items

        if getattr(request, "is_preview", False):
            items = build_items()
        else:
            items = content_cache.get_or_build(("course-items", self.pk), build_items, request)
        context.update(
            items=items,
            first_item=items[0] if items else None,
            # Learner apps fill in each row's status through COURSE_CONTEXT_HOOK.
            outline=[{"item": item, "status": None} for item in items],
        )
        for extend in hooks.get_hooks(COURSE_CONTEXT_HOOK):
            extend(request, self, context)
        if not getattr(request, "is_preview", False):
            context["page_cache_key"] = self.page_cache_key(request)
        return context

    def page_cache_key(self, request) -> tuple:
        """The page is kept whole ({% pagecache %}): one copy for visitors, one per signed-in learner and
        state of theirs (core.learner_state: their enrolment, progress, completion, attempts) and day."""
        if not request.user.is_authenticated:
            return ("course", self.pk, False)
        return page_cache.learner_key(request, *self.learner_page_parts)

    @property
    def learner_page_parts(self) -> tuple:
        """The signed-in page's key parts (with the learner's: page_cache.learner_key); core.routing
        serves a kept copy by them before Wagtail's serve."""
        return ("course", self.pk, True)

    def serve(self, request, *args, **kwargs):
        if not getattr(request, "is_preview", False):
            cached = page_cache.cached_response(request, self.page_cache_key(request))
            if cached is not None:
                return cached
        return super().serve(request, *args, **kwargs)


class CourseItemPage(CachedViewRestrictionsMixin, Page):
    """A step of a course that can count toward completing it: a lesson (or, later, a quiz).

    Concrete, so "the required items of these courses" is one query across every kind, and
    learner progress can point at one table whatever the kind of item.
    """

    summary = models.CharField(
        _("summary"),
        max_length=255,
        blank=True,
        help_text=_("One sentence shown in the course outline and search."),
    )
    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated minutes"), default=5, validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    required = models.BooleanField(
        _("required for completion"),
        default=True,
        help_text=_("Learners must finish this to complete the course."),
    )

    is_creatable = False
    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []
    # An item that stays at the end of its course (a final quiz): lessons added later go before it
    # (CoursePage.place_before_closing_items).
    closes_course = False

    class Meta:
        verbose_name = _("course item")
        verbose_name_plural = _("course items")

    # The one place that knows where an item's course is: every "course of this item" goes through
    # these two, whoever asks (lesson and quiz pages, learner views, search, progress).
    @property
    def course_path(self) -> str:
        """Tree path of the course this item belongs to, without a query: items sit directly under
        their course (``parent_page_types``), so it is the parent's path. Look courses up by it to
        find the courses of many items in one query."""
        return self.path[: -self.steplen]

    def get_course(self, *, live: bool = False) -> CoursePage | None:
        """The course this item belongs to, with its topic: one query. ``live``: only a published
        course (None while it is a draft or unpublished)."""
        courses = CoursePage.objects.live() if live else CoursePage.objects.all()
        return courses.select_related("topic").filter(path=self.course_path).first()


def live_course_items():
    """Every published item of every course: lessons and quizzes, each a step of its course."""
    return CourseItemPage.objects.live()


class LessonPage(RoutablePageMixin, CourseItemPage):
    """One short lesson: text, screenshots and step-by-step guides for one task."""

    body = StreamField(LessonStreamBlock(), verbose_name=_("lesson content"))
    recording = models.ForeignKey(
        get_document_model_string(),
        verbose_name=_("trainer's recording"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Your own reading of this lesson (MP3, M4A, AAC, OGG or WAV). Learners then hear it instead of "
            "the phone's reading voice."
        ),
    )
    # Title, summary and the plain text of the body, folded, for search: Chinese has no spaces
    # between words, so full-text tokenisers index whole sentences as one word; we match
    # substrings of this instead.
    search_text = models.TextField(editable=False, blank=True, default="")

    is_creatable = True
    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("estimated_minutes"), FieldPanel("required")], heading=_("In the course")
        ),
        FieldPanel("body"),
        FieldPanel("recording"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
    ]

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    @property
    def default_preview_size(self):
        return PHONE_FIRST_PREVIEW

    @property
    def has_video(self) -> bool:
        """The lesson has a video block (its page then loads js/video.js)."""
        return any(item.get("type") == "video" for item in self.body.raw_data) if self.body else False

    def clean(self):
        super().clean()
        self.search_text = search_index_text(self.title, self.summary, lesson_plain_text(self))
        if self.recording_id:
            recording_check(self.recording)

    def route(self, request, path_components):
        # The lesson itself routes as a plain page (RoutablePageMixin would route it as its index view), so
        # the route is remembered in the content cache (core.routing) and the page costs no query.
        if not path_components:
            return super(RoutablePageMixin, self).route(request, path_components)
        return super().route(request, path_components)

    @path("job-aid/<str:size>/", name="job_aid")
    def job_aid(self, request, size: str):
        """The lesson's printable one-page job aid (courses.jobaid), A4 or A5: served through the page,
        so whoever may see the lesson may print it, and no one else."""
        from courses.jobaid import SIZES, cached_job_aid_pdf

        if size not in SIZES or getattr(request, "is_preview", False):
            raise Http404
        pdf = cached_job_aid_pdf(self, size=size, url=request.build_absolute_uri(self.url))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="job-aid-{self.pk}-{size}.pdf"'
        return response

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import lesson_position

        context = super().get_context(request, *args, **kwargs)
        context.update(lesson_position(self, request))
        # The whole page is the same for every visitor in the same state (see {% pagecache %});
        # learner apps add their state to this key through ITEM_CONTEXT_HOOK.
        context["page_cache_key"] = ("lesson", self.pk, request.user.is_authenticated)
        for extend in hooks.get_hooks(ITEM_CONTEXT_HOOK):
            extend(request, self, context)
        if context.get("page_cache_key") and request.user.is_authenticated:
            # Signed in: kept per learner and state version instead, so the next view is served before
            # anything is read (serve). Whatever the hooks added to the key follows from the learner's
            # state (their progress, enrolment, AI policy acceptance), their role and the settings, and
            # every change to those renews the page (core.learner_state, the content generation). The
            # parts still shared between learners (body, outline) are cached fragments.
            context["page_cache_key"] = self.learner_page_key(request)
        return context

    def learner_page_key(self, request) -> tuple:
        return page_cache.learner_key(request, *self.learner_page_parts)

    @property
    def learner_page_parts(self) -> tuple:
        """As CoursePage.learner_page_parts."""
        return ("lesson", self.pk, True)

    def serve(self, request, view=None, args=None, kwargs=None):
        if view is None and request.user.is_authenticated and not getattr(request, "is_preview", False):
            cached = page_cache.cached_response(request, self.learner_page_key(request))
            if cached is not None:
                # "Last seen" needs no write: a write of the learner's would have renewed the key, so
                # this is still the item they last opened.
                return cached
        return super().serve(request, view, args, kwargs)


def recording_check(document) -> None:
    """A trainer's recording must be a sound file phones play (mp3, m4a/aac, ogg, wav), by its name and by
    its first bytes: a renamed video or document is refused with a message the trainer can act on."""
    extension = document.file_extension.lower()
    if extension not in RECORDING_EXTENSIONS:
        raise ValidationError(
            {
                "recording": _("Choose a sound file: MP3, M4A, AAC, OGG or WAV. “%(name)s” is not one.")
                % {"name": document.filename}
            }
        )
    try:
        with document.open_file() as file:
            head = file.read(16)
    except OSError:
        raise ValidationError(
            {"recording": _("The recording's file cannot be found. Upload it again.")}
        ) from None
    if sound_kind(head) not in SOUND_KINDS_BY_EXTENSION[extension]:
        raise ValidationError(
            {
                "recording": _(
                    "“%(name)s” is not a sound file a phone can play. Export it again as MP3 or M4A."
                )
                % {"name": document.filename}
            }
        )


class VideoConversion(models.Model):
    """The phone versions of one video document (courses.media_files), made in the background
    (courses.tasks.convert_video) each time the document's file is uploaded or replaced."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting to convert")
        CONVERTING = "converting", _("Converting")
        DONE = "done", _("Converted")
        FAILED = "failed", _("Not converted")

    class Problem(models.TextChoices):
        FFMPEG_MISSING = (
            "ffmpeg_missing",
            _("Cannot convert: ffmpeg is not installed on the server. Learners get the original file."),
        )
        NOT_VIDEO = (
            "not_video",
            _("This file has no picture: it is not a video. Learners are told the video is not available."),
        )
        UNREADABLE = (
            "unreadable",
            _(
                "This file is damaged or is not a video. Upload the video again. Learners are told the "
                "video is not available."
            ),
        )
        TIMEOUT = "timeout", _("Converting took too long and was stopped. Learners get the original file.")
        FAILED = "failed", _("Converting failed. Learners get the original file.")
        MISSING_FILE = "missing_file", _("The video's file cannot be found on the server. Upload it again.")

    document = models.OneToOneField(
        get_document_model_string(), on_delete=models.CASCADE, related_name="video_conversion"
    )
    # file_hash of the document's file these versions were (or are being) made from.
    source_hash = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.WAITING)
    problem = models.CharField(max_length=16, choices=Problem.choices, blank=True)
    detail = models.TextField(blank=True, help_text="ffmpeg's own message, for operators")
    small = models.FileField(upload_to="videos/", blank=True, max_length=255)
    small_size = models.PositiveBigIntegerField(null=True, blank=True)
    large = models.FileField(upload_to="videos/", blank=True, max_length=255)
    large_size = models.PositiveBigIntegerField(null=True, blank=True)
    poster = models.FileField(upload_to="videos/", blank=True, max_length=255)
    width = models.PositiveIntegerField(null=True, blank=True)  # of the small version, as shown
    height = models.PositiveIntegerField(null=True, blank=True)
    duration = models.FloatField(null=True, blank=True)  # seconds
    requested_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("video conversion")
        verbose_name_plural = _("video conversions")

    def __str__(self):
        return f"{self.document_id}: {self.status}"

    @property
    def message(self) -> str:
        """What the trainer is told, in their language."""
        if self.status == self.Status.FAILED:
            return self.get_problem_display() or str(self.Problem.FAILED.label)
        if self.status == self.Status.DONE:
            return _("Phone versions are ready.")
        return _("Converting for phones… Until it is done, learners get the original file.")

    @property
    def unplayable(self) -> bool:
        """The file is no video at all: learners are told so instead of getting a broken player."""
        return self.status == self.Status.FAILED and self.problem in (
            self.Problem.NOT_VIDEO,
            self.Problem.UNREADABLE,
        )

    @property
    def version_files(self):
        return [f for f in (self.small, self.large, self.poster) if f]

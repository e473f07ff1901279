"""SCORM packages as course items: the package (its unpacked files and what its manifest says), the page
that plays it in a course, and each learner's attempts with the run-time data the package wrote.

Content only: nothing here imports learner services (scorm.services writes attempts)."""

import uuid

from django import forms
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, HelpPanel, MultiFieldPanel
from wagtail.models import Page

from courses.models import ITEM_CONTEXT_HOOK, PHONE_FIRST_PREVIEW, CourseItemPage
from courses.selectors import lesson_position
from scorm import hosts
from scorm import package as packages


class ScormPackage(models.Model):
    """One uploaded package, unpacked under MEDIA_ROOT/scorm/<key>/ and served from /scorm/content/<key>/."""

    VERSION_CHOICES = [(packages.VERSION_12, "SCORM 1.2"), (packages.VERSION_2004, "SCORM 2004")]

    key = models.CharField(max_length=32, unique=True, editable=False)
    version = models.CharField(_("SCORM version"), max_length=8, choices=VERSION_CHOICES)
    title = models.CharField(_("title in the package"), max_length=255, blank=True)
    identifier = models.CharField(max_length=255, blank=True)
    launch = models.CharField(_("start page"), max_length=1000)
    mastery_score = models.FloatField(_("mastery score"), null=True, blank=True)
    scaled_passing_score = models.FloatField(_("passing score (scaled)"), null=True, blank=True)
    items = models.JSONField(default=list, blank=True)
    file_count = models.PositiveIntegerField(default=0)
    total_bytes = models.BigIntegerField(default=0)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("SCORM package")
        verbose_name_plural = _("SCORM packages")

    def __str__(self):
        return f"{self.original_name or self.title} (SCORM {self.version})"

    @property
    def launch_url(self) -> str:
        """Where the lesson page loads the package: this site's path, or the same path on the content
        host when there is one (scorm.hosts)."""
        return hosts.content_url(
            reverse("scorm:content", args=(self.key, self.launch.split("?", 1)[0].split("#", 1)[0]))
            + (self.launch[len(self.launch.split("?", 1)[0].split("#", 1)[0]) :])
        )

    @classmethod
    def create_from_upload(cls, upload, *, package: packages.Package, user=None) -> "ScormPackage":
        """Unpack an upload ``read_package`` accepted and record it (files removed if recording fails)."""
        key = packages.new_key()
        packages.extract(upload, key)
        try:
            return cls.objects.create(
                key=key,
                version=package.version,
                title=package.title,
                identifier=package.identifier,
                launch=package.launch,
                mastery_score=package.mastery_score,
                scaled_passing_score=package.scaled_passing_score,
                items=package.items,
                file_count=package.file_count,
                total_bytes=package.total_bytes,
                original_name=(getattr(upload, "name", "") or "")[:255],
                uploaded_by=user if user is not None and user.is_authenticated else None,
            )
        except BaseException:
            packages.remove(key)
            raise


class ScormPageForm(WagtailAdminPageForm):
    """The page editor with the package upload: checked in full before anything is stored."""

    package_file = forms.FileField(
        label=_("SCORM package (.zip)"),
        required=False,
        help_text=_(
            "A SCORM 1.2 or SCORM 2004 package exported from an authoring tool, as one .zip file with "
            "imsmanifest.xml at its top level. Uploading a new file replaces the package; learners' "
            "earlier attempts are kept."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("package_file")
        self.scorm_package = None
        if upload:
            try:
                self.scorm_package = packages.read_package(upload)
            except packages.PackageError as error:
                self.add_error("package_file", str(error))
        elif not getattr(self.instance, "package_id", None):
            self.add_error("package_file", _("Upload the SCORM package (.zip)."))
        return cleaned

    def save(self, commit=True):
        page = super().save(commit=False)
        upload = self.cleaned_data.get("package_file")
        if upload and getattr(self, "scorm_package", None) is not None:
            user = getattr(self, "for_user", None)
            page.package = ScormPackage.create_from_upload(upload, package=self.scorm_package, user=user)
        if commit:
            page.save()
        return page


class ScormPage(CourseItemPage):
    """A lesson that is a SCORM package: played inside the page, tracked through the SCORM run-time API."""

    package = models.ForeignKey(
        ScormPackage,
        verbose_name=_("SCORM package"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pages",
    )

    is_creatable = True
    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []
    base_form_class = ScormPageForm

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("estimated_minutes"), FieldPanel("required")], heading=_("In the course")
        ),
        HelpPanel(
            content=_(
                "The lesson counts as finished when the package reports it completed or passed. A package "
                "with a mastery score counts when the learner's score reaches it."
            ),
            heading=_("SCORM package"),
        ),
        FieldPanel("package_file"),
    ]

    class Meta:
        verbose_name = _("SCORM lesson")
        verbose_name_plural = _("SCORM lessons")

    @property
    def default_preview_size(self):
        return PHONE_FIRST_PREVIEW

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(lesson_position(self, request))
        context["page_cache_key"] = (
            "scorm",
            self.pk,
            self.package_id,
            request.user.is_authenticated,
            hosts.content_origin(),
        )
        # A content host of its own (scorm.hosts): the frame is one real origin, whose messages the
        # lesson page takes from that origin only.
        context["scorm_content_origin"] = hosts.content_origin()
        for extend in hooks.get_hooks(ITEM_CONTEXT_HOOK):
            extend(request, self, context)
        if self.package_id:
            context["package"] = self.package
        return context


class ScormAttempt(models.Model):
    """One learner's attempt at a SCORM lesson: the run-time data it wrote (``data``: element → value,
    e.g. {"cmi.core.lesson_status": "completed"}) and what it says about completion, success and score.

    ``seq`` grows with every commit the runtime sends; a commit that is not newer than the stored one
    (a replay, or one overtaken by a later one) changes nothing, so data never goes backwards."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="scorm_attempts",
        verbose_name=_("learner"),
    )
    item = models.ForeignKey(
        ScormPage,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("SCORM lesson"),
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("course"),
    )
    package = models.ForeignKey(ScormPackage, on_delete=models.PROTECT, related_name="attempts")
    number = models.PositiveSmallIntegerField(_("attempt number"), default=1)
    seq = models.BigIntegerField(default=0)
    data = models.JSONField(default=dict, blank=True)
    completion_status = models.CharField(_("completion"), max_length=20, default="not attempted")
    success_status = models.CharField(_("success"), max_length=20, default="unknown")
    score_raw = models.FloatField(_("score"), null=True, blank=True)
    score_min = models.FloatField(null=True, blank=True)
    score_max = models.FloatField(null=True, blank=True)
    score_scaled = models.FloatField(null=True, blank=True)
    total_seconds = models.PositiveIntegerField(_("time spent (seconds)"), default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    passed_at = models.DateTimeField(_("passed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("SCORM attempt")
        verbose_name_plural = _("SCORM attempts")
        constraints = [
            models.UniqueConstraint(fields=["learner", "item", "number"], name="scorm_attempt_unique_number")
        ]
        indexes = [models.Index(fields=["item", "learner"], name="scorm_attempt_item_learner")]

    def __str__(self):
        return f"{self.learner} · {self.item_id} · {self.number}"

"""A learner's transcript, for a manager whose scope holds them, and the manager's "mark course complete"."""

from __future__ import annotations

from django import forms
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from courses.models import CoursePage
from progress.services import OverrideRefused, course_completion_override
from reports import exports, selectors
from reports.exports import ReportColumn
from reports.views.base import ScopedMixin

TRANSCRIPT_COLUMNS = [
    ReportColumn("kind", _("Entry"), lambda line: line.kind_label),
    ReportColumn("course", _("Course"), lambda line: line.course),
    ReportColumn("item", _("Lesson or quiz"), lambda line: line.item),
    ReportColumn("status", _("Status"), lambda line: line.status),
    ReportColumn("progress", _("Progress"), lambda line: line.progress),
    ReportColumn("due_on", _("Due"), lambda line: line.due_on, nowrap=True),
    ReportColumn("date", _("Completed or submitted at"), lambda line: line.date, nowrap=True),
    ReportColumn("score", _("Score"), lambda line: line.score),
    ReportColumn("note", _("Note"), lambda line: line.note),
]


class OverrideForm(forms.Form):
    course = forms.ModelChoiceField(
        label=_("Course"), queryset=CoursePage.objects.none(), empty_label=_("Choose a course")
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=255,
        help_text=_("Shown with the completion everywhere, e.g. “trained offline on 3 March”."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, learner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = selectors.override_course_choices(learner=learner)

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(gettext("Give the reason, e.g. “trained offline on 3 March”."))
        return reason


class LearnerMixin(ScopedMixin):
    @cached_property
    def learner(self):
        return selectors.learner_in_scope(scope=self.scope, learner_id=self.kwargs["pk"])

    def may_override(self) -> bool:
        # Nobody certifies their own training.
        return self.learner.pk != self.request.user.pk


class TranscriptView(LearnerMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "reports/transcript.html"
    page_title = _("Learner transcript")
    header_icon = "doc-full"
    _show_breadcrumbs = True

    def get(self, request, *args, **kwargs):
        export_format = request.GET.get("export")
        if export_format in ("csv", "xlsx"):
            return self.export_response(export_format)
        return super().get(request, *args, **kwargs)

    @cached_property
    def courses(self) -> list[selectors.TranscriptCourse]:
        return selectors.learner_transcript(learner=self.learner)

    def lines(self):
        for course in self.courses:
            yield from course.lines

    def export_response(self, export_format: str):
        learner_name = self.learner.get_full_name() or self.learner.username
        base = gettext("learner-transcript") + "-" + learner_name
        columns = TRANSCRIPT_COLUMNS
        name = exports.filename(base, export_format)
        if export_format == "csv":
            return exports.csv_response(columns, self.lines(), name)
        return exports.xlsx_response(columns, self.lines(), name, sheet=gettext("Learner transcript"))

    def get_page_subtitle(self):
        return self.learner.get_full_name() or self.learner.username

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("reports:people"), "label": gettext("People")},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = kwargs.get("form")
        if form is None and self.may_override():
            form = OverrideForm(learner=self.learner)
        rows = [
            {
                "line": line,
                "cells": [
                    (exports.cell_text(column.value(line)), column.nowrap) for column in TRANSCRIPT_COLUMNS
                ],
            }
            for line in self.lines()
        ]
        base = reverse("reports:transcript", args=[self.learner.pk])
        context.update(
            learner=self.learner,
            unit_path=selectors.unit_path_names([self.learner.org_unit.path]).get(
                self.learner.org_unit.path, ""
            )
            if self.learner.org_unit
            else "",
            columns=TRANSCRIPT_COLUMNS,
            rows=rows,
            override_form=form,
            override_url=reverse("reports:transcript_override", args=[self.learner.pk]),
            csv_url=base + "?export=csv",
            xlsx_url=base + "?export=xlsx",
        )
        return context


class TranscriptOverrideView(LearnerMixin, View):
    """POST only: mark a course complete for the learner, with a reason (progress.services)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        learner = self.learner
        if not self.may_override():
            messages.error(request, gettext("You cannot mark your own courses complete."))
            return redirect("reports:transcript", pk=learner.pk)
        form = OverrideForm(request.POST, learner=learner)
        if not form.is_valid():
            view = TranscriptView(request=request, kwargs={"pk": pk}, args=())
            view.setup(request, pk=pk)
            view.scope = self.scope
            return view.render_to_response(view.get_context_data(form=form))
        course = form.cleaned_data["course"]
        try:
            course_completion_override(
                learner=learner, course=course, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except OverrideRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request,
                gettext("“%(course)s” marked complete for %(name)s.")
                % {"course": course.title, "name": learner.get_full_name() or learner.username},
            )
        return redirect("reports:transcript", pk=learner.pk)

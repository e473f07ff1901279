"""Admin screens for marking written answers (mounted under /admin/marking/ by wagtail_hooks.py): the queue
of attempts waiting for a mark, and the marking screen of one attempt.

Without the marking permission: 403 (core.rights.forbidden). An attempt outside the marker's reach, their
own, or still open: 404, as if it did not exist. The rules live in quizzes.marking.
"""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail.admin import messages

from core import rights
from quizzes import marking
from quizzes.selectors import attempt_quiz

QUEUE_PAGE_SIZE = 50


def _forbidden(request):
    return rights.forbidden(
        request, gettext("Only trainers and training managers mark written answers. Ask an administrator.")
    )


class MarkingPermissionMixin:
    def dispatch(self, request, *args, **kwargs):
        if not marking.user_can_mark(request.user):
            return _forbidden(request)
        return super().dispatch(request, *args, **kwargs)


class MarkingQueueView(MarkingPermissionMixin, View):
    """Attempts waiting for a mark, oldest first: learner, unit, course, quiz, handed in. Three queries
    per page (count, page, titles)."""

    def get(self, request):
        paginator = Paginator(marking.marking_queue(request.user), QUEUE_PAGE_SIZE)
        page = paginator.get_page(request.GET.get("p"))
        return TemplateResponse(
            request,
            "quizzes/admin/marking_queue.html",
            {
                "page_title": gettext("Awaiting marking"),
                "header_icon": "edit",
                "rows": marking.queue_rows(page.object_list),
                "page_obj": page,
                "count": paginator.count,
            },
        )


class MarkForm(forms.Form):
    """A score and a comment for each written answer still to mark. A score left empty leaves that answer
    for later; a comment needs a score."""

    def __init__(self, *args, answers: list[marking.WrittenAnswer], editable: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.answers = answers
        for row in answers:
            if not editable or row.answer is None:  # graded (marks are final), or left blank
                continue
            self.fields[f"score-{row.position}"] = forms.IntegerField(
                label=_("Score (%)"),
                min_value=0,
                max_value=100,
                required=False,
                initial=row.percent,
                help_text=_("0 to 100% of this question's point."),
            )
            self.fields[f"comment-{row.position}"] = forms.CharField(
                label=_("Comment for the learner"),
                required=False,
                max_length=2000,
                initial=row.answer.comment if row.answer else "",
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def rows(self):
        """(written answer, score field, comment field) for the template."""
        for row in self.answers:
            name = f"score-{row.position}"
            if name in self.fields:
                yield row, self[name], self[f"comment-{row.position}"]
            else:
                yield row, None, None

    def clean(self):
        cleaned = super().clean()
        given = 0
        for row in self.answers:
            score_name, comment_name = f"score-{row.position}", f"comment-{row.position}"
            if score_name not in self.fields:
                continue
            if cleaned.get(score_name) is not None:
                given += 1
            elif (cleaned.get(comment_name) or "").strip():
                self.add_error(score_name, gettext("Give a score with the comment."))
        if given == 0 and not self.errors:
            raise forms.ValidationError(gettext("Give at least one score."))
        return cleaned

    def marks(self) -> dict[int, marking.Mark]:
        marks = {}
        for row in self.answers:
            score = self.cleaned_data.get(f"score-{row.position}")
            if score is not None:
                marks[row.position] = marking.Mark(
                    score=score / 100, comment=self.cleaned_data.get(f"comment-{row.position}", "")
                )
        return marks


class AttemptMarkView(MarkingPermissionMixin, View):
    """One attempt's written answers with the question and marking guide; a score and a comment each.
    The last mark grades the attempt (quizzes.marking.attempt_mark)."""

    def _attempt(self, request, uuid):
        return get_object_or_404(
            marking.markable_attempts(request.user).select_related("learner", "learner__org_unit"), uuid=uuid
        )

    def _render(self, request, attempt, form, status=200):
        quiz = attempt_quiz(attempt)
        return TemplateResponse(
            request,
            "quizzes/admin/marking_attempt.html",
            {
                "page_title": gettext("Mark written answers"),
                "header_icon": "edit",
                "attempt": attempt,
                "quiz": quiz,
                "form": form,
            },
            status=status,
        )

    def get(self, request, uuid):
        attempt = self._attempt(request, uuid)
        form = MarkForm(answers=marking.written_answers(attempt), editable=attempt.awaiting_marking)
        return self._render(request, attempt, form)

    def post(self, request, uuid):
        attempt = self._attempt(request, uuid)
        if not attempt.awaiting_marking:
            messages.info(request, str(marking.AlreadyMarked.message))
            return redirect("quizzes_marking:attempt", uuid=attempt.uuid)
        form = MarkForm(request.POST, answers=marking.written_answers(attempt))
        if not form.is_valid():
            return self._render(request, attempt, form, status=400)
        try:
            marked = marking.attempt_mark(attempt=attempt, marker=request.user, marks=form.marks())
        except marking.AlreadyMarked as error:
            messages.info(request, str(error))
            return redirect("quizzes_marking:attempt", uuid=attempt.uuid)
        except marking.MarkingError as error:
            form.add_error(None, str(error))
            return self._render(request, attempt, form, status=400)
        if marked.awaiting_marking:
            messages.success(request, gettext("Marks saved. Some written answers still wait for a mark."))
            return redirect("quizzes_marking:attempt", uuid=attempt.uuid)
        messages.success(
            request,
            gettext("Marked: %(name)s scored %(score)s and %(verdict)s.")
            % {
                "name": marked.learner.name or marked.learner.get_username(),
                "score": marked.percent_text,
                "verdict": gettext("passed") if marked.passed else gettext("did not pass"),
            },
        )
        return redirect("quizzes_marking:queue")

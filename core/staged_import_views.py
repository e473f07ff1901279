"""The admin screens every staged import shares (core.staged_import): the upload form and view, and the
preview that pages through the staged rows and confirms them once.

A kind's views subclass these with its `kind`, its rights check (a mixin of its app, before these in the
bases), its templates and URL names, and say where a finished import goes (`confirmed`). The preview
template gets ``staged`` (core.staged_import.StagedImport), ``rows`` and ``errors`` (pages of every row
and of the rows with errors), their ``rows_pagination`` / ``errors_pagination`` for
``core/staged_import/pagination.html``, ``save_errors`` and ``can_import``.
"""

from __future__ import annotations

import math
from urllib.parse import quote

from django import forms
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from core import tabular
from core.staged_import import (
    FileRefused,
    ImportKind,
    StagedImport,
    StagedImportAlreadyDone,
    StagedImportBlocked,
    StagedImportNotFound,
    StagedImportRefused,
    Upload,
    staged_import_confirm,
    staged_import_create,
    staged_import_get,
    staged_import_page,
)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(response: HttpResponse, filename: str, fallback: str) -> HttpResponse:
    """Content-Disposition with an ASCII name for old clients and the real (Chinese) one per RFC 5987."""
    response["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


# -- upload ----------------------------------------------------------------------------------------


class StagedImportForm(forms.Form):
    """The upload: one file, refused for its size, emptiness or type before anything parses it.

    Subclasses set `accepted_extensions` (and `accepted_label`, how the error names them) and the
    field's `help_text`, add fields for their other choices and return those in `upload_options` as
    plain values."""

    accepted_extensions: tuple[str, ...] = (".csv", ".xlsx", ".xlsm")
    accepted_label = None
    help_text = ""
    max_bytes = tabular.MAX_BYTES

    file = forms.FileField(
        label=_("File"),
        error_messages={"required": _("Choose a file to import."), "empty": _("The file is empty.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = self.help_text
        self.fields["file"].widget = forms.ClearableFileInput(
            attrs={"accept": ",".join(self.accepted_extensions)}
        )
        self.raw = b""

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise forms.ValidationError(
                gettext(
                    "The file is too large (%(size)s MB); the limit is %(limit)s MB. Split it and "
                    "import the parts."
                )
                # Rounded up: a file just over 2 MB must not read as "2.0 MB; the limit is 2 MB".
                % {
                    "size": f"{math.ceil(upload.size * 10 / 1024 / 1024) / 10:.1f}",
                    "limit": self.max_bytes // (1024 * 1024),
                }
            )
        raw = upload.read(self.max_bytes + 1)
        if not raw:
            raise forms.ValidationError(gettext("The file is empty."))
        if len(raw) > self.max_bytes:  # the declared size was wrong
            raise forms.ValidationError(
                gettext("The file is too large; the limit is %(limit)s MB. Split it and import the parts.")
                % {"limit": self.max_bytes // (1024 * 1024)}
            )
        self.raw = raw
        return upload

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None and not self.extension_allowed(tabular.file_extension(upload.name), cleaned):
            self.add_error(
                "file",
                gettext("Files of type “%(extension)s” cannot be imported. Use %(accepted)s.")
                % {
                    "extension": tabular.file_extension(upload.name) or upload.name,
                    "accepted": self.accepted_label or " ".join(self.accepted_extensions),
                },
            )
        return cleaned

    def extension_allowed(self, extension: str, cleaned_data: dict) -> bool:
        return extension in self.accepted_extensions

    def upload_options(self) -> dict:
        """The form's other choices, as plain values kept with the staged import."""
        return {}

    def upload(self) -> Upload:
        return Upload(name=self.cleaned_data["file"].name, data=self.raw, options=self.upload_options())


class StagedImportUploadView(WagtailAdminTemplateMixin, View):
    """GET: the upload form. POST: parse and plan the file once, then go to its preview."""

    kind: ImportKind
    form_class = StagedImportForm
    preview_url_name: str
    header_icon = "upload"

    def get(self, request):
        return self.render_to_response(self.get_context_data(form=self.form_class()))

    def post(self, request):
        form = self.form_class(request.POST, request.FILES)
        if form.is_valid():
            try:
                staged = staged_import_create(kind=self.kind, upload=form.upload(), actor=request.user)
            except FileRefused as refused:
                form.add_error("file", refused.messages)
            else:
                return redirect(self.preview_url_name, token=staged.token)
        return self.render_to_response(self.get_context_data(form=form))


# -- preview and confirmation ----------------------------------------------------------------------


def pagination(request, page, param: str) -> dict | None:
    """Links to the other pages of `page`, keeping the rest of the query string; None for one page."""
    if page.paginator.num_pages <= 1:
        return None

    def url(number: int) -> str:
        query = request.GET.copy()
        query[param] = number
        return f"?{query.urlencode()}"

    numbers = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return {
        "page": page,
        "previous_url": url(page.previous_page_number()) if page.has_previous() else "",
        "next_url": url(page.next_page_number()) if page.has_next() else "",
        "links": [
            {
                "number": number,
                "url": url(number) if isinstance(number, int) else "",
                "current": number == page.number,
            }
            for number in numbers
        ],
    }


class StagedImportPreviewView(WagtailAdminTemplateMixin, View):
    """GET shows a page of what importing the staged upload would do to every row (nothing is saved);
    POST imports it, all or nothing, once."""

    kind: ImportKind
    upload_url_name: str
    header_icon = "upload"
    rows_param = "p"
    errors_param = "errors_page"

    def get(self, request, token):
        try:
            staged = staged_import_get(kind=self.kind, token=token, actor=request.user)
            return self.render_preview(staged)
        except StagedImportNotFound:
            return self.not_found()
        except StagedImportAlreadyDone as done:
            return self.already_done(token, done.result)

    def post(self, request, token):
        try:
            try:
                result = staged_import_confirm(kind=self.kind, token=token, actor=request.user)
            except StagedImportBlocked as blocked:
                return self.render_preview(blocked.staged)
            except StagedImportRefused as refused:
                return self.render_preview(refused.staged, save_errors=refused.messages)
        except StagedImportNotFound:  # also when it expires while the preview is drawn again
            return self.not_found()
        except StagedImportAlreadyDone as done:
            return self.already_done(token, done.result)
        return self.confirmed(token, result)

    def render_preview(self, staged: StagedImport, save_errors=()):
        rows = staged_import_page(staged, self.request.GET.get(self.rows_param))
        errors = staged_import_page(staged, self.request.GET.get(self.errors_param), errors_only=True)
        context = self.get_context_data(
            staged=staged,
            rows=rows,
            errors=errors,
            rows_pagination=pagination(self.request, rows, self.rows_param),
            errors_pagination=pagination(self.request, errors, self.errors_param),
            save_errors=list(save_errors),
            can_import=staged.can_import and not save_errors,
            **self.preview_context(staged),
        )
        return self.render_to_response(context)

    def preview_context(self, staged: StagedImport) -> dict:
        """The kind's own extra context for its preview template."""
        return {}

    def confirmed(self, token: str, result) -> HttpResponse:
        """Where a finished import goes (with a message saying what it did)."""
        raise NotImplementedError

    def done_url(self, token: str) -> str:
        """Where a second confirmation of a finished import goes."""
        raise NotImplementedError

    def not_found(self) -> HttpResponse:
        messages.error(
            self.request,
            gettext(
                "This upload was not found or has expired (uploads are kept for an hour). "
                "Please upload the file again."
            ),
        )
        return redirect(self.upload_url_name)

    def already_done(self, token: str, result: dict | None) -> HttpResponse:
        messages.warning(
            self.request, gettext("This file has already been imported; nothing was imported again.")
        )
        return redirect(self.done_url(token))

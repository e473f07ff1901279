"""Admin screens for the bulk staff import: upload → dry run (every row's outcome) → confirm once →
result, with the new accounts' initial passwords downloadable once, by the importer only.

Every view checks permission itself (the menu item only hides the link): the importer needs the
permission to add users and, unless a superuser, a unit they manage; they import into that subtree only.
"""

from __future__ import annotations

from urllib.parse import quote

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from accounts import staff_import, staff_import_sheets
from accounts.models import Position
from accounts.scope import scope_for
from accounts.selectors import org_unit_path_names
from core import rights

USERS_LISTING_URL_NAME = "wagtailusers_users:index"


def refused(request, message: str) -> TemplateResponse:
    return rights.forbidden(request, message)


class StaffImportAccessMixin:
    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not staff_import.user_can_import_staff(user):
            return refused(
                request,
                gettext("You do not have permission to import staff. Ask an administrator if you need it."),
            )
        if staff_import.importer_has_no_scope(user):
            return refused(
                request,
                gettext(
                    "You are not attached to a unit of the organisation tree, so you cannot import staff "
                    "yet. Ask an administrator to set the unit you manage."
                ),
            )
        return super().dispatch(request, *args, **kwargs)


def attachment(response: HttpResponse, filename: str, fallback: str) -> HttpResponse:
    """Content-Disposition with an ASCII name for old clients and the real (Chinese) one per RFC 5987."""
    response["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# -- upload ----------------------------------------------------------------------------------------


class StaffImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("A spreadsheet laid out like the template: Excel (.xlsx) or CSV, up to 2 MB."),
        error_messages={"required": _("Choose a file to import."), "empty": _("The file is empty.")},
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(staff_import.ACCEPTED_EXTENSIONS)}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = staff_import.MAX_BYTES
        too_large = gettext(
            "The file is too large; the limit is %(limit)s MB. Split it and import the parts."
        ) % {"limit": limit // (1024 * 1024)}
        if upload.size > limit:
            raise forms.ValidationError(too_large)
        extension = staff_import.file_extension(upload.name)
        if extension not in (*staff_import.ACCEPTED_EXTENSIONS, ".xls"):
            raise forms.ValidationError(
                gettext("Files of type “%(extension)s” cannot be imported. Use Excel (.xlsx) or CSV.")
                % {"extension": extension or upload.name}
            )
        raw = upload.read(limit + 1)
        if not raw:
            raise forms.ValidationError(gettext("The file is empty."))
        if len(raw) > limit:  # the declared size was wrong
            raise forms.ValidationError(too_large)
        self.staff_file = staff_import.staff_file_read(raw, upload.name)
        if not self.staff_file.ok:
            raise forms.ValidationError(self.staff_file.errors)
        return upload


class StaffImportView(StaffImportAccessMixin, WagtailAdminTemplateMixin, View):
    template_name = "accounts/staff_import/upload.html"
    page_title = _("Import staff")
    header_icon = "upload"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(USERS_LISTING_URL_NAME), "label": gettext("Users")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get(self, request):
        return self.render_to_response(self.get_context_data(form=StaffImportForm()))

    def post(self, request):
        form = StaffImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        staged = staff_import.staff_import_stage(
            rows=form.staff_file.rows, filename=form.cleaned_data["file"].name, actor=request.user
        )
        return redirect("staff_import:preview", token=staged.token)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scope = staff_import.importer_scope(self.request.user)
        context.update(
            scope_path="/".join(org_unit_path_names(scope)),
            max_megabytes=staff_import.MAX_BYTES // (1024 * 1024),
            max_rows=staff_import.MAX_ROWS,
            template_csv_url=reverse("staff_import:template", args=["csv"]),
            template_xlsx_url=reverse("staff_import:template", args=["xlsx"]),
        )
        return context


class StaffImportTemplateView(StaffImportAccessMixin, View):
    def get(self, request, file_type):
        if file_type == "csv":
            content = staff_import_sheets.template_csv()
            response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        elif file_type == "xlsx":
            content = staff_import_sheets.template_xlsx(
                unit_paths=staff_import.unit_paths_in_scope(scope_for(request.user)),
                position_names=list(Position.objects.values_list("name", flat=True)),
            )
            response = HttpResponse(content, content_type=XLSX)
        else:
            raise Http404
        return attachment(response, f"员工导入模板.{file_type}", f"staff-import-template.{file_type}")


# -- dry run and confirmation ----------------------------------------------------------------------


class StaffImportPreviewView(StaffImportAccessMixin, WagtailAdminTemplateMixin, View):
    """GET shows what importing the kept upload would do to every row (a dry run: nothing is saved);
    POST imports it, all or nothing, once."""

    template_name = "accounts/staff_import/preview.html"
    page_title = _("Import staff")
    page_subtitle = _("Check before importing")
    header_icon = "upload"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(USERS_LISTING_URL_NAME), "label": gettext("Users")},
            {"url": reverse("staff_import:upload"), "label": gettext("Import staff")},
            {"url": "", "label": gettext("Check before importing")},
        ]

    def get(self, request, token):
        try:
            staged = staff_import.staff_import_staged(token=token, actor=request.user)
        except staff_import.StagedImportNotFound:
            return self._expired()
        except staff_import.StagedImportAlreadyDone:
            return self._already_done(token)
        plan = staff_import.staff_import_plan(rows=staged.rows, actor=request.user)
        return self._preview(staged, plan)

    def post(self, request, token):
        try:
            result = staff_import.staff_import_staged_confirm(token=token, actor=request.user)
        except staff_import.StagedImportNotFound:
            return self._expired()
        except staff_import.StagedImportAlreadyDone:
            return self._already_done(token)
        except staff_import.StaffImportRefused as refusal:
            # The accounts or the tree changed since the preview: show the file as it stands now.
            staged = staff_import.staff_import_staged(token=token, actor=request.user)
            plan = refusal.plan or staff_import.staff_import_plan(rows=staged.rows, actor=request.user)
            return self._preview(staged, plan, save_errors=refusal.messages)
        messages.success(
            request,
            gettext("Import finished: %(created)s new, %(updated)s updated, %(unchanged)s unchanged.")
            % {
                "created": len(result.created),
                "updated": len(result.updated),
                "unchanged": result.unchanged,
            },
        )
        return redirect("staff_import:result", token=token)

    def _preview(self, staged, plan, save_errors=()):
        counts = plan.counts
        context = self.get_context_data(
            staged=staged,
            plan=plan,
            counts=counts,
            error_rows=[row for row in plan.rows if row.errors],
            save_errors=list(save_errors),
            can_import=plan.can_import and not save_errors,
            outcome_labels=dict(staff_import.Outcome.choices),
        )
        return self.render_to_response(context)

    def _expired(self):
        messages.error(
            self.request,
            gettext(
                "This upload was not found or has expired (uploads are kept for an hour). "
                "Please upload the file again."
            ),
        )
        return redirect("staff_import:upload")

    def _already_done(self, token):
        messages.warning(
            self.request, gettext("This file has already been imported; nothing was imported again.")
        )
        return redirect("staff_import:result", token=token)


# -- result and the one-time password sheet --------------------------------------------------------


class StaffImportResultView(StaffImportAccessMixin, WagtailAdminTemplateMixin, View):
    template_name = "accounts/staff_import/result.html"
    page_title = _("Import staff")
    page_subtitle = _("Imported")
    header_icon = "upload"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(USERS_LISTING_URL_NAME), "label": gettext("Users")},
            {"url": reverse("staff_import:upload"), "label": gettext("Import staff")},
            {"url": "", "label": gettext("Imported")},
        ]

    def get(self, request, token):
        done = staff_import.staff_import_done(token=token, actor=request.user)
        if done is None:
            messages.error(request, gettext("This import was not found or has expired."))
            return redirect("staff_import:upload")
        waiting = staff_import.staff_import_credentials_waiting(token=token, actor=request.user)
        context = self.get_context_data(
            done=done,
            token=token,
            credentials_waiting=waiting,
            credentials_minutes=staff_import.CREDENTIALS_SECONDS // 60,
        )
        return self.render_to_response(context)  # the admin's URLs are all never_cache


class StaffImportCredentialsView(StaffImportAccessMixin, View):
    """POST only: the download removes the passwords from the server, so it is not a GET."""

    http_method_names = ["post"]

    def post(self, request, token):
        credentials = staff_import.staff_import_credentials_take(token=token, actor=request.user)
        if credentials is None:
            messages.error(
                request,
                gettext(
                    "The initial passwords have already been downloaded or have expired; they are not kept. "
                    "Set a new password for anyone who did not get theirs in Users."
                ),
            )
            if staff_import.staff_import_done(token=token, actor=request.user) is None:
                return redirect("staff_import:upload")
            return redirect("staff_import:result", token=token)
        response = HttpResponse(staff_import_sheets.credentials_xlsx(credentials), content_type=XLSX)
        return attachment(response, "新账号初始密码.xlsx", "initial-passwords.xlsx")

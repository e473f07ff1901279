"""Admin screens for the bulk staff import: upload → dry run (every row's outcome, a page at a time) →
confirm once → result, with the new accounts' initial passwords downloadable once, by the importer only.
The pipeline is core.staged_import's; these views add the rights check, the template and the
password sheet.

Every view checks permission itself (the menu item only hides the link): the importer needs the
permission to add users and, unless a superuser, a unit they manage; they import into that subtree only.
"""

from __future__ import annotations

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
from accounts.staff_import import STAFF_IMPORT
from core import rights
from core.staged_import import staged_import_held, staged_import_result, staged_import_take
from core.staged_import_views import (
    XLSX_CONTENT_TYPE,
    StagedImportForm,
    StagedImportPreviewView,
    StagedImportUploadView,
    attachment,
)

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


# -- upload ----------------------------------------------------------------------------------------


class StaffImportForm(StagedImportForm):
    # .xls is let through to be refused by the reader, which says how to save it instead.
    accepted_extensions = (*staff_import.ACCEPTED_EXTENSIONS, ".xls")
    accepted_label = _("Excel (.xlsx) or CSV")
    help_text = _("A spreadsheet laid out like the template: Excel (.xlsx) or CSV, up to 2 MB.")


class StaffImportView(StaffImportAccessMixin, StagedImportUploadView):
    kind = STAFF_IMPORT
    form_class = StaffImportForm
    preview_url_name = "staff_import:preview"
    template_name = "accounts/staff_import/upload.html"
    page_title = _("Import staff")

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(USERS_LISTING_URL_NAME), "label": gettext("Users")},
            {"url": "", "label": self.get_page_title()},
        ]

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
            response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
        else:
            raise Http404
        return attachment(response, f"员工导入模板.{file_type}", f"staff-import-template.{file_type}")


# -- dry run and confirmation ----------------------------------------------------------------------


class StaffImportPreviewView(StaffImportAccessMixin, StagedImportPreviewView):
    """GET shows what importing the staged upload would do to every row (a dry run: nothing is saved);
    POST imports it, all or nothing, once."""

    kind = STAFF_IMPORT
    upload_url_name = "staff_import:upload"
    template_name = "accounts/staff_import/preview.html"
    page_title = _("Import staff")
    page_subtitle = _("Check before importing")

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(USERS_LISTING_URL_NAME), "label": gettext("Users")},
            {"url": reverse("staff_import:upload"), "label": gettext("Import staff")},
            {"url": "", "label": gettext("Check before importing")},
        ]

    def confirmed(self, token, result):
        messages.success(
            self.request,
            gettext("Import finished: %(created)s new, %(updated)s updated, %(unchanged)s unchanged.")
            % {
                "created": len(result.created),
                "updated": len(result.updated),
                "unchanged": result.unchanged,
            },
        )
        return redirect(self.done_url(token))

    def done_url(self, token):
        return reverse("staff_import:result", args=[token])


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
        done = staged_import_result(kind=STAFF_IMPORT, token=token, actor=request.user)
        if done is None:
            messages.error(request, gettext("This import was not found or has expired."))
            return redirect("staff_import:upload")
        context = self.get_context_data(
            done=done,
            token=token,
            credentials_waiting=staged_import_held(
                kind=STAFF_IMPORT, token=token, actor=request.user, name="credentials"
            ),
            credentials_minutes=staff_import.CREDENTIALS_SECONDS // 60,
        )
        return self.render_to_response(context)  # the admin's URLs are all never_cache


class StaffImportCredentialsView(StaffImportAccessMixin, View):
    """POST only: the download removes the passwords from the server, so it is not a GET."""

    http_method_names = ["post"]

    def post(self, request, token):
        credentials = staged_import_take(
            kind=STAFF_IMPORT, token=token, actor=request.user, name="credentials"
        )
        if credentials is None:
            messages.error(
                request,
                gettext(
                    "The initial passwords have already been downloaded or have expired; they are not kept. "
                    "Set a new password for anyone who did not get theirs in Users."
                ),
            )
            if staged_import_result(kind=STAFF_IMPORT, token=token, actor=request.user) is None:
                return redirect("staff_import:upload")
            return redirect("staff_import:result", token=token)
        response = HttpResponse(
            staff_import_sheets.credentials_xlsx(credentials), content_type=XLSX_CONTENT_TYPE
        )
        return attachment(response, "新账号初始密码.xlsx", "initial-passwords.xlsx")

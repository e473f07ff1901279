"""Wagtail hooks of the staff import (accounts/staff_import_views.py): its URLs, its menu item under
Settings next to Users, and its action in the audit log. Imported by accounts/wagtail_hooks.py."""

from django.urls import include, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import LogFormatter

from accounts.staff_import import IMPORT_LOG_ACTION, user_can_import_staff


class StaffImportLogFormatter(LogFormatter):
    label = _("Import staff")

    def format_message(self, log_entry):
        data = log_entry.data or {}
        values = {"source": data.get("source") or "—", "row": data.get("row", "?")}
        if data.get("outcome") == "create":
            return gettext("Created by a staff import (file “%(source)s”, row %(row)s)") % values
        return gettext("Updated by a staff import (file “%(source)s”, row %(row)s)") % values


@hooks.register("register_log_actions")
def register_staff_import_log_action(actions):
    actions.register_action(IMPORT_LOG_ACTION)(StaffImportLogFormatter)


@hooks.register("register_admin_urls")
def register_staff_import_urls():
    from accounts import staff_import_urls

    return [path("staff-import/", include(staff_import_urls, namespace="staff_import"))]


class StaffImportMenuItem(MenuItem):
    def is_shown(self, request):
        return user_can_import_staff(request.user)


@hooks.register("register_settings_menu_item")
def register_staff_import_menu_item():
    # Right after Users (600) and Groups (601).
    return StaffImportMenuItem(
        _("Import staff"), reverse("staff_import:upload"), name="staff-import", icon_name="upload", order=605
    )

"""Wagtail hooks of the API: registration only (api.admin_views holds the screens)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import LogFormatter

from api.admin_views import ApiClientViewSet
from api.services import REVOKE_LOG_ACTION


@hooks.register("register_admin_viewset")
def register_api_client_viewset():
    return ApiClientViewSet("api_clients")


class ApiReferenceMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("api.view_apiclient")


@hooks.register("register_settings_menu_item")
def register_api_reference_menu_item():
    return ApiReferenceMenuItem(
        _("API reference"),
        reverse("api_clients:reference"),
        name="api-reference",
        icon_name="code",
        order=641,
    )


@hooks.register("register_log_actions")
def register_api_log_actions(actions):
    @actions.register_action(REVOKE_LOG_ACTION)
    class RevokeFormatter(LogFormatter):
        label = _("Revoke API client")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")
    default = True

    def ready(self):
        from accounts import policies, signals
        from accounts.rights import label_groups_in_view_restrictions

        signals.connect()
        label_groups_in_view_restrictions()
        policies.register()  # before any admin screen asks Wagtail for a fallback policy


class UsersAdminConfig(WagtailUsersAppConfig):
    """Wagtail's user admin with our staff fields: name, mobile, unit and position."""

    user_viewset = "accounts.viewsets.UserViewSet"
    group_viewset = "accounts.viewsets.GroupViewSet"

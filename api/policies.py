"""The permission policy for API clients (registered in api.apps). No group holds the api.* model
permissions, so only site administrators manage clients; the scope part keeps the rule every policy
follows (a client's unit inside the viewer's part of the tree) should a role ever be given them."""

from django.db.models import Q

from accounts.scope import scope_for
from core.rights import ScopedPermissionPolicy


class ApiClientPermissionPolicy(ScopedPermissionPolicy):
    def scope_q(self, user, action: str) -> Q:
        return scope_for(user).q("unit")


def register() -> None:
    from wagtail.permissions import register_permission_policy

    from api.models import ApiClient

    register_permission_policy(ApiClient, ApiClientPermissionPolicy(ApiClient), exact_class=True)

"""Permission policies for accounts and the organisation tree (registered in accounts.apps).

Wagtail asks these on every screen for users and units (listings, edit, delete, history, usage,
choosers, bulk actions; see core.rights), so scope is never checked view by view.
"""

from django.db.models import Q

from accounts.models import Invitation, OrgUnit, User
from accounts.rights import manageable_q
from accounts.scope import scope_for
from core.rights import ScopedPermissionPolicy


class UserPermissionPolicy(ScopedPermissionPolicy):
    """A training manager sees and changes only the accounts they may manage (accounts.rights)."""

    def scope_q(self, user, action: str) -> Q:
        return manageable_q(user)


class OrgUnitPermissionPolicy(ScopedPermissionPolicy):
    """Units in the viewer's part of the tree; a manager changes or deletes only units below their own."""

    def scope_q(self, user, action: str) -> Q:
        scope = scope_for(user)
        if scope.everything:
            return Q()
        if scope.unit is None:
            return Q(pk__in=[])
        if action in ("change", "delete"):
            return scope.q("") & Q(depth__gt=scope.unit.depth)
        return scope.q("")


class InvitationPermissionPolicy(ScopedPermissionPolicy):
    """Invitations to units in the viewer's part of the tree (a street's manager: their street and below)."""

    def scope_q(self, user, action: str) -> Q:
        return scope_for(user).q("org_unit")


def register() -> None:
    from wagtail.permissions import register_permission_policy

    register_permission_policy(User, UserPermissionPolicy(User), exact_class=True)
    register_permission_policy(OrgUnit, OrgUnitPermissionPolicy(OrgUnit), exact_class=True)
    register_permission_policy(Invitation, InvitationPermissionPolicy(Invitation), exact_class=True)

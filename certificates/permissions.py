"""Who may do what with certificates in the admin.

Nobody adds, copies or deletes a certificate by hand, superusers included: certificates are issued
by completing a course and are part of the learning record. ``change`` is the right to revoke
(``certificates.change_certificate``); ``view`` lets someone look them up. What a manager sees is
limited to their part of the organisation tree (accounts.scope)."""

from django.db.models import Q

from accounts.scope import scope_for
from core.rights import ScopedPermissionPolicy

NEVER = frozenset({"add", "delete"})


class CertificatePermissionPolicy(ScopedPermissionPolicy):
    def scope_q(self, user, action: str) -> Q:
        return scope_for(user).q("learner__org_unit")

    def user_has_permission(self, user, action):
        if action in NEVER:
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


def user_can_revoke(user) -> bool:
    return user.is_active and user.has_perm("certificates.change_certificate")


def certificates_in_scope(user, queryset):
    """The certificates of learners in the user's part of the organisation tree."""
    return queryset.filter(scope_for(user).q("learner__org_unit"))

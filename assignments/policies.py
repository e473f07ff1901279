"""The permission policy for assignments (registered in assignments.apps): a manager sees the
assignments that reach their part of the tree and changes or ends only those entirely inside it."""

from django.db.models import Q

from accounts.scope import scope_for
from assignments.selectors import manageable_q, visible_q
from core.rights import ScopedPermissionPolicy


class AssignmentPermissionPolicy(ScopedPermissionPolicy):
    def scope_q(self, user, action: str) -> Q:
        scope = scope_for(user)
        return manageable_q(scope) if action in ("change", "delete") else visible_q(scope)


def register() -> None:
    from wagtail.permissions import register_permission_policy

    from assignments.models import Assignment

    register_permission_policy(Assignment, AssignmentPermissionPolicy(Assignment), exact_class=True)

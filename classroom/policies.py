"""The permission policy for in-person sessions (registered in classroom.apps): a trainer sees and runs
the sessions they are the trainer of; a training manager every session organised by a unit in their
part of the tree (classroom.selectors.visible_q)."""

from django.db.models import Q

from classroom.selectors import visible_q
from core.rights import ScopedPermissionPolicy


class TrainingSessionPermissionPolicy(ScopedPermissionPolicy):
    def scope_q(self, user, action: str) -> Q:
        return visible_q(user, action)


def register() -> None:
    from wagtail.permissions import register_permission_policy

    from classroom.models import TrainingSession

    register_permission_policy(
        TrainingSession, TrainingSessionPermissionPolicy(TrainingSession), exact_class=True
    )

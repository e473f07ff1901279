"""Reactions to changes of users and of the organisation tree.

- A saved or deleted user drops out of the signed-in user cache.
- A user who is created, or saved with another unit, position or active flag, is re-matched against
  the course assignments after the transaction commits (assignments.services); so is everyone in a unit
  that moves with its subtree. Saves in one transaction (a staff import) are refreshed in one batch.
  A bulk ``queryset.update()`` sends no signal: its caller refreshes (see assignments.services).

Changes are detected without a query: the values loaded with the instance are remembered at
``post_init`` and compared at ``post_save``.
"""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_init, post_save
from treebeard.mp_tree import path_updated

from accounts.backends import forget_cached_users

# Field name → attribute: what decides which assignments cover a person.
PLACE_FIELDS = {"org_unit": "org_unit_id", "position": "position_id", "is_active": "is_active"}
_UNKNOWN = object()  # deferred when loaded (e.g. .only()): any value set later counts as a change
PLACE_ATTR = "_assignment_place"


def _forget(sender, instance, **kwargs):
    forget_cached_users([instance.pk])


def _place(instance) -> dict:
    return {attname: instance.__dict__.get(attname, _UNKNOWN) for attname in PLACE_FIELDS.values()}


def _remember_place(sender, instance, **kwargs):
    instance.__dict__[PLACE_ATTR] = _place(instance)


def _refresh_assignments_if_placed(
    sender, instance, created, raw=False, update_fields=None, using=None, **kw
):
    if raw:  # fixtures
        return
    before = instance.__dict__.get(PLACE_ATTR) or {}
    now = _place(instance)
    saved = (
        PLACE_FIELDS.values()
        if update_fields is None
        else [
            attname
            for name, attname in PLACE_FIELDS.items()
            if name in update_fields or attname in update_fields
        ]
    )
    changed = False
    for attname in saved:
        if now[attname] is _UNKNOWN:
            continue
        if before.get(attname, _UNKNOWN) is _UNKNOWN or before[attname] != now[attname]:
            changed = True
        before[attname] = now[attname]
    instance.__dict__[PLACE_ATTR] = before
    if created or changed:
        from assignments.services import learners_assignments_refresh_on_commit

        learners_assignments_refresh_on_commit([instance.pk], using=using or "default")


def _refresh_assignments_after_unit_move(sender, old_path, new_path, using=None, **kwargs):
    """Paths change when a unit moves (its people now sit under other units) and when a sorted insert
    shifts siblings (nobody's ancestors change): only the first matters."""
    steplen = sender.steplen
    if old_path[:-steplen] == new_path[:-steplen]:
        return
    User = get_user_model()
    ids = list(User.objects.filter(org_unit__path__startswith=new_path).values_list("pk", flat=True))
    if ids:
        from assignments.services import learners_assignments_refresh_on_commit

        learners_assignments_refresh_on_commit(ids, using=using or "default")


def connect() -> None:
    from accounts.models import OrgUnit

    User = get_user_model()
    post_save.connect(_forget, sender=User, dispatch_uid="auth-user-cache-saved")
    post_delete.connect(_forget, sender=User, dispatch_uid="auth-user-cache-deleted")
    post_init.connect(_remember_place, sender=User, dispatch_uid="user-place-remembered")
    post_save.connect(_refresh_assignments_if_placed, sender=User, dispatch_uid="user-place-assignments")
    path_updated.connect(_refresh_assignments_after_unit_move, sender=OrgUnit, dispatch_uid="unit-moved")

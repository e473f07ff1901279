"""Which audit-log entries a viewer sees: the scope of accounts.scope applied to Wagtail's log.

Wagtail shows a log entry to anyone with any permission on the logged object's type, so a community
manager (who may change staff accounts) would read every account's history in the city: assignments,
overrides and staff imports in other districts. Here entries about the things the organisation tree
divides up (staff accounts, units, course assignments, certificates) are limited to the viewer's part
of the tree, as the admin screens for those things are:

- superusers and city admins: everything Wagtail shows them;
- a manager below the city: entries about the people, units, assignments and certificates in their
  subtree (the ones they can list in the admin), and entries made by the viewer or by someone in
  their subtree (staff, managers below them: users_in_scope), which keeps what they deleted, as a
  deleted account leaves no unit to check (someone who moves in brings their earlier entries along).
  Nothing else: content (pages, questions, positions) edited by others is not part of their subtree,
  and its history stays with the people who edit it;
- anyone else (trainers, reviewers): Wagtail's rule for content, and nothing about people, units,
  assignments or certificates.

Used by the site history report (reports/views/site_history.py) for its rows, its exports and its
filter choices alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Model, Q, QuerySet
from django.db.models.functions import Cast
from wagtail.log_actions import registry as log_action_registry
from wagtail.models.audit_log import LogEntryQuerySet

from accounts.scope import Scope, scope_for


def _tree_models() -> dict[type[Model], Callable[..., QuerySet]]:
    """Models the organisation tree divides up → (viewer, scope) → the instances the viewer may see,
    as the admin lists them."""
    from accounts.models import OrgUnit
    from accounts.viewsets import users_in_scope
    from assignments.models import Assignment
    from assignments.selectors import assignments_visible_to
    from certificates.models import Certificate
    from certificates.permissions import certificates_in_scope

    return {
        get_user_model(): lambda viewer, scope: users_in_scope(viewer),
        OrgUnit: lambda viewer, scope: scope.units(),
        Assignment: lambda viewer, scope: assignments_visible_to(viewer, scope=scope),
        Certificate: lambda viewer, scope: certificates_in_scope(viewer, Certificate.objects.all()),
    }


def _ids_as_text(objects: QuerySet) -> QuerySet:
    # Log entries keep the object's id as text, whatever the type of its primary key.
    return objects.order_by().annotate(id_text=Cast("pk", output_field=CharField())).values("id_text")


def _names_objects(log_model) -> bool:
    """Log models with ``content_type`` + ``object_id`` (ModelLogEntry); PageLogEntry names a page."""
    return any(field.name == "object_id" for field in log_model._meta.concrete_fields)


def log_entries_in_scope(entries: QuerySet, viewer, *, scope: Scope | None = None) -> QuerySet:
    """``entries`` (of one log model, already limited by Wagtail's permission rule) that ``viewer`` may
    see. Works on ``values()`` querysets too: it only filters.

    Each condition is an uncorrelated ``IN (subquery)`` over the viewer's part of the tree, so the
    database hashes it once (no subquery per log entry)."""
    scope = scope or scope_for(viewer)
    if viewer.is_superuser or scope.everything:
        return entries
    tree = _tree_models()
    types = ContentType.objects.get_for_models(*tree, for_concrete_models=False)
    if scope.nothing:
        if not _names_objects(entries.model):
            return entries
        return entries.exclude(content_type_id__in=[content_type.pk for content_type in types.values()])
    # Made by the viewer or someone in their part of the tree (this covers what they deleted, which
    # has no unit left to check).
    visible = Q(user_id=viewer.pk) | Q(user_id__in=tree[get_user_model()](viewer, scope).values("pk"))
    if _names_objects(entries.model):
        for model, objects_in_scope in tree.items():
            visible |= Q(
                content_type_id=types[model].pk, object_id__in=_ids_as_text(objects_in_scope(viewer, scope))
            )
    return entries.filter(visible)


def log_entries_visible_to(viewer, log_model) -> QuerySet:
    return log_entries_in_scope(log_model.objects.viewable_by_user(viewer), viewer)


@dataclass(frozen=True)
class LogFilterChoices:
    """What the site history's filters offer: only the people, actions and types of the entries the
    viewer sees (a manager's "user" list names no one from another part of the city)."""

    user_ids: frozenset
    actions: frozenset
    content_type_ids: frozenset


def log_filter_choices(viewer) -> LogFilterChoices:
    """One pass over each log model's visible entries, kept on ``viewer`` (``request.user``: one
    request) for the three filters that ask."""
    cached = getattr(viewer, "_scoped_log_filter_choices", None)
    if cached is not None:
        return cached
    user_ids, actions, type_ids = set(), set(), set()
    for log_model in log_action_registry.get_log_entry_models():
        entries = log_entries_visible_to(viewer, log_model)
        rows = list(entries.order_by().values_list("user_id", "action", "content_type_id").distinct())
        user_ids.update(user_id for user_id, _action, _type in rows)
        actions.update(action for _user, action, _type in rows)
        if type(entries).get_content_type_ids is LogEntryQuerySet.get_content_type_ids:
            type_ids.update(content_type_id for _user, _action, content_type_id in rows)
        elif rows:
            # PageLogEntry reports every page type as "Page": its own queryset says which.
            type_ids.update(entries.get_content_type_ids())
    user_ids.discard(None)
    type_ids.discard(None)
    choices = LogFilterChoices(frozenset(user_ids), frozenset(actions), frozenset(type_ids))
    viewer._scoped_log_filter_choices = choices
    return choices

"""Which audit-log entries a viewer sees: the scope of accounts.scope applied to Wagtail's log.

Wagtail shows a log entry to anyone with any permission on the logged object's type, so a community
manager (who may change staff accounts) would read every account's history in the city: assignments,
overrides and staff imports in other districts. Here entries about the things the organisation tree
divides up (staff accounts, units, course assignments, certificates, in-person sessions) are limited to
the viewer's part of the tree, as the admin screens for those things are:

- superusers and city admins: everything Wagtail shows them;
- a manager below the city: entries about the people, units, assignments and certificates in their
  subtree (the ones they can list in the admin), and entries made by the viewer or by someone in
  their subtree (accounts.rights.users_in_scope), which keeps what they deleted, as a
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
from django.db import connection
from django.db.models import Field, ForeignObject, Lookup, Model, Q, QuerySet
from django.db.models.lookups import In
from wagtail.log_actions import registry as log_action_registry
from wagtail.models.audit_log import BaseLogEntryManager, LogEntryQuerySet

from accounts.scope import Scope, scope_for


def _tree_models() -> dict[type[Model], Callable[..., QuerySet]]:
    """Models the organisation tree divides up → (viewer, scope) → the instances the viewer may see,
    as the admin lists them."""
    from accounts.invitations import invitations_in_scope
    from accounts.models import Invitation, OrgUnit
    from accounts.rights import users_in_scope
    from assignments.models import Assignment
    from assignments.selectors import assignments_visible_to
    from certificates.models import Certificate
    from certificates.permissions import certificates_in_scope
    from classroom.models import TrainingSession
    from classroom.selectors import sessions_visible_to

    return {
        get_user_model(): lambda viewer, scope: users_in_scope(viewer),
        OrgUnit: lambda viewer, scope: scope.units(),
        Invitation: lambda viewer, scope: invitations_in_scope(viewer),
        Assignment: lambda viewer, scope: assignments_visible_to(viewer, scope=scope),
        Certificate: lambda viewer, scope: certificates_in_scope(viewer, Certificate.objects.all()),
        # In-person sessions: their check-ins name people (classroom.services).
        TrainingSession: lambda viewer, scope: sessions_visible_to(viewer),
    }


class Ids:
    """A list of integer ids for `AnyOf`, with its PostgreSQL array literal made once (the report filters
    by the same lists several times a request). Not a list, so that Django passes it through as it is;
    integers only, so that the literal needs no quoting (their text is also how log entries name
    objects)."""

    def __init__(self, ids):
        self.values = [int(value) for value in ids]
        self.literal = "{" + ",".join(map(str, self.values)) + "}"


class AnyOf(Lookup):
    """``field__any_of=Ids(…)``: ``field = ANY(%s)`` with the whole list as one array parameter on
    PostgreSQL; ``IN (…)`` elsewhere. ``IN`` with a district's 5,000 people, once as numbers and once as
    text, several times a request, spent 300 ms in Django and psycopg preparing 30,000 parameters."""

    lookup_name = "any_of"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return "%s", [value.literal]

    ARRAY_TYPES = {"CharField": "text", "TextField": "text"}  # anything else: an integer column

    def as_sql(self, compiler, connection):
        if connection.vendor != "postgresql":
            return In(self.lhs, self.rhs.values).as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        kind = self.ARRAY_TYPES.get(self.lhs.output_field.get_internal_type(), "bigint")
        return f"{lhs} = ANY(%s::{kind}[])", [*lhs_params, self.rhs.literal]


Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)  # related fields keep lookups of their own


def _names_objects(log_model) -> bool:
    """Log models with ``content_type`` + ``object_id`` (ModelLogEntry); PageLogEntry names a page."""
    return any(field.name == "object_id" for field in log_model._meta.concrete_fields)


def _scope_ids(viewer, scope: Scope, log_model) -> tuple[Ids, dict[type[Model], Ids]]:
    """(the people in the viewer's part of the tree, {tree model: ids of its objects there that
    ``log_model``'s entries may name}), looked up once per request (kept on ``viewer``, which is
    ``request.user``) and given to the database as arrays: the report asks three times per log model
    (rows, their count, the filter choices), and as subqueries each ask scanned every account of the
    city again (a district's site history took 780 ms over 120,000 entries). Log entries keep an
    object's id as text; the ids here are integers, whose text is the same.

    People and units come from the tree (a district: ~5,000 people, 111 units, found by unit id).
    The other types (assignments, certificates) come from the log first: the few objects of that type
    that entries name, of which those in scope (a district may hold tens of thousands of certificates,
    but only revocations and re-training are logged)."""
    from accounts.models import OrgUnit
    from accounts.rights import users_in_scope

    cache = viewer.__dict__.setdefault("_scoped_log_ids", {})
    if log_model in cache:
        return cache[log_model]
    if "people" not in cache:
        unit_ids = list(scope.units().values_list("pk", flat=True))
        people = get_user_model().objects.filter(org_unit_id__in=unit_ids)
        cache["units"] = Ids(unit_ids)
        cache["people"] = Ids(users_in_scope(viewer, people).values_list("pk", flat=True))
    objects = {get_user_model(): cache["people"], OrgUnit: cache["units"]}
    if _names_objects(log_model):
        types = ContentType.objects.get_for_models(*_tree_models(), for_concrete_models=False)
        for model, objects_in_scope in _tree_models().items():
            if model in objects:
                continue
            named = log_model.objects.filter(content_type_id=types[model].pk).values_list(
                "object_id", flat=True
            )
            ids = [int(pk) for pk in set(named) if pk.isdigit()]
            found = objects_in_scope(viewer, scope).filter(pk__any_of=Ids(ids)).values_list("pk", flat=True)
            objects[model] = Ids(found)
    cache[log_model] = (cache["people"], objects)
    return cache[log_model]


def log_entries_in_scope(entries: QuerySet, viewer, *, scope: Scope | None = None) -> QuerySet:
    """``entries`` (of one log model, already limited by Wagtail's permission rule) that ``viewer`` may
    see. Works on ``values()`` querysets too: it only filters, on lists of ids (`_scope_ids`)."""
    scope = scope or scope_for(viewer)
    if viewer.is_superuser or scope.everything:
        return entries
    tree = _tree_models()
    types = ContentType.objects.get_for_models(*tree, for_concrete_models=False)
    if scope.nothing:
        if not _names_objects(entries.model):
            return entries
        return entries.exclude(content_type_id__in=[content_type.pk for content_type in types.values()])
    found = viewer.__dict__.setdefault("_visible_log_entries", {})
    if entries.model not in found:
        people, objects = _scope_ids(viewer, scope, entries.model)
        # Made by the viewer or someone in their part of the tree (this covers what they deleted, which
        # has no unit left to check).
        visible = Q(user_id=viewer.pk) | Q(user_id__any_of=people)
        if _names_objects(entries.model):
            for model, ids in objects.items():
                visible |= Q(content_type_id=types[model].pk, object_id__any_of=ids)
        # The entries themselves, found once per request (one pass over the log): the report then
        # reads its page and its count by primary key, and its filter choices from these rows.
        # Newest first, as the report lists them (ordered here, by the database, so that the report
        # needs no timestamps in Python: reading them costs more than the sort).
        rows = list(
            entries.model.objects.filter(visible)
            .order_by("-timestamp", "-pk")
            .values_list("pk", "content_type_id", "user_id", "action")
        )
        found[entries.model] = Ids(row[0] for row in rows)
        viewer.__dict__.setdefault("_visible_log_rows", {})[entries.model] = rows
        viewer.__dict__.setdefault("_visible_log_kinds", {})[entries.model] = {
            (user_id, action, content_type_id) for _pk, content_type_id, user_id, action in rows
        }
    return entries.filter(pk__any_of=found[entries.model])


def _viewable_by_type(log_model) -> bool:
    """Whether Wagtail lets ``log_model``'s entries through by their content type alone (the model
    log; the page log checks page permissions)."""
    return type(log_model.objects).viewable_by_user is BaseLogEntryManager.viewable_by_user


def visible_log_ids(viewer, log_model) -> list[int] | None:
    """The ids of every entry of ``log_model`` that ``viewer`` sees unfiltered (Wagtail's rule and the
    scope), newest first (ties: the later id first), for a manager below the city: from the entries
    already found for the request where Wagtail's rule goes by content type, else one query. None for
    everyone else (the whole log, or nothing of the tree: Wagtail's own queries)."""
    scope = scope_for(viewer)
    if viewer.is_superuser or scope.everything or scope.nothing:
        return None
    entries = log_entries_visible_to(viewer, log_model)
    if not _viewable_by_type(log_model):
        return list(entries.order_by("-timestamp", "-pk").values_list("pk", flat=True))
    allowed = viewer._allowed_content_type_ids
    return [
        pk
        for pk, content_type_id, *_actor_action in viewer._visible_log_rows[log_model]
        if content_type_id in allowed
    ]


def allow_content_types(viewer) -> None:
    """Tell Wagtail's ``viewable_by_user`` which content types ``viewer`` has any permission on, before
    it works that out itself by listing the distinct types of the whole log (a scan of every entry, 50–70
    ms at city scale, on every request). It keeps the types that have entries *and* a permission; these
    are the types with a permission, which lets the same entries through. A superuser is not asked."""
    if viewer.is_superuser or hasattr(viewer, "_allowed_content_type_ids"):
        return
    from django.contrib.auth.models import Permission

    granted = viewer.get_all_permissions()
    viewer._allowed_content_type_ids = {
        content_type_id
        for content_type_id, app_label, codename in Permission.objects.values_list(
            "content_type_id", "content_type__app_label", "codename"
        )
        if f"{app_label}.{codename}" in granted
    }


def log_entries_visible_to(viewer, log_model) -> QuerySet:
    allow_content_types(viewer)
    return log_entries_in_scope(log_model.objects.viewable_by_user(viewer), viewer)


@dataclass(frozen=True)
class LogFilterChoices:
    """What the site history's filters offer: only the people, actions and types of the entries the
    viewer sees (a manager's "user" list names no one from another part of the city)."""

    user_ids: frozenset
    actions: frozenset
    content_type_ids: frozenset


def _distinct_values(log_model, column: str, content_type_ids: set | None) -> set:
    """The distinct values of ``column`` among ``log_model``'s entries of these types (None: all), each
    found by one probe of the column's index (PostgreSQL: a "skip scan"; a log holds few actors, actions
    and types, and a DISTINCT over a city's log read all 120,000 entries, 40–90 ms)."""
    entries = log_model.objects.order_by()
    if content_type_ids is not None:
        entries = entries.filter(content_type_id__in=content_type_ids)
    if connection.vendor != "postgresql":
        return set(entries.values_list(column, flat=True).distinct())
    table = connection.ops.quote_name(log_model._meta.db_table)
    name = connection.ops.quote_name(log_model._meta.get_field(column).column)
    kinds = "" if content_type_ids is None else "AND content_type_id = ANY(%s)"
    params = [] if content_type_ids is None else [list(content_type_ids)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE found(value) AS (
                (SELECT {name} FROM {table} WHERE {name} IS NOT NULL {kinds} ORDER BY {name} LIMIT 1)
                UNION ALL
                SELECT (SELECT {name} FROM {table} WHERE {name} > found.value {kinds} ORDER BY {name} LIMIT 1)
                FROM found WHERE found.value IS NOT NULL
            )
            SELECT value FROM found WHERE value IS NOT NULL
            """,  # noqa: S608 - names from the model
            params * 2,
        )
        return {value for (value,) in cursor.fetchall()}


def log_filter_choices(viewer) -> LogFilterChoices:
    """The actors, actions and types of each log model's visible entries, kept on ``viewer``
    (``request.user``: one request) for the three filters that ask. For a log Wagtail limits by content
    type alone (the model log): below the city, from the entries already found; for the whole city, by
    probing the log's indexes. Otherwise (the page log, which Wagtail limits by page permissions) one
    DISTINCT over the visible entries."""
    cached = getattr(viewer, "_scoped_log_filter_choices", None)
    if cached is not None:
        return cached
    user_ids, actions, type_ids = set(), set(), set()
    scope = scope_for(viewer)
    for log_model in log_action_registry.get_log_entry_models():
        entries = log_entries_visible_to(viewer, log_model)
        by_type = _viewable_by_type(log_model)
        allowed = None if viewer.is_superuser else viewer._allowed_content_type_ids
        if by_type and (viewer.is_superuser or scope.everything):
            user_ids.update(_distinct_values(log_model, "user", allowed))
            actions.update(_distinct_values(log_model, "action", allowed))
            type_ids.update(_distinct_values(log_model, "content_type", allowed))
            continue
        kinds = getattr(viewer, "_visible_log_kinds", {}).get(log_model)
        if by_type and kinds is not None:
            rows = [
                (user, action, kind) for user, action, kind in kinds if allowed is None or kind in allowed
            ]
        else:
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


def log_filter_content_types(viewer) -> QuerySet[ContentType]:
    """The "type" filter's choices: the types of the entries ``viewer`` sees, by name."""
    return ContentType.objects.filter(pk__in=log_filter_choices(viewer).content_type_ids).order_by("model")


def log_filter_users(viewer) -> QuerySet:
    """The "user" filter's choices: the people behind the entries ``viewer`` sees, by username."""
    User = get_user_model()
    return User.objects.filter(pk__in=log_filter_choices(viewer).user_ids).order_by(User.USERNAME_FIELD)


def log_entries_with_objects(log_model, pks: list[int]) -> list[tuple]:
    """(entry, the object it is about or None) for these entries of ``log_model``, with each entry's user,
    their profile and the content type: Wagtail's ``with_instances``, a query per log and type."""
    return list(
        log_model.objects.prefetch_related("user__wagtail_userprofile", "content_type")
        .filter(pk__in=pks)
        .with_instances()
    )

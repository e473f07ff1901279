"""Roles in the words people use, and the one rule for acting on someone else's account.

A person has one role: learner, trainer, reviewer, training manager of a unit (and everything below
it), or site administrator. Trainers, reviewers and managers are Django groups created by migrations
(the groups hold the permissions Wagtail checks); a manager also has ``User.managed_unit``; an
administrator is a superuser.

**Nobody acts on someone who holds more rights than they do.** :func:`manageable_users` is the whole
rule, as a queryset filter, and every screen and service that changes an account uses it: the user
admin (through the user permission policy, so Wagtail's own edit, delete, history, usage screens and
bulk actions too), the staff import (create and update), password set and deactivation. A training
manager may act on an account only when all of these hold:

- it is placed in their part of the tree (``org_unit``);
- it is not a site administrator and has no permissions of its own (``user_permissions``);
- every group it is in is one the manager may give (the Managers group: learner or training manager);
- it manages nothing, or a unit strictly below the manager's own: never a manager at or above their
  level, never themselves.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, User
from accounts.scope import Scope, scope_for

TRAINERS_GROUP = "Trainers"
REVIEWERS_GROUP = "Reviewers"
MANAGERS_GROUP = "Managers"


class Role(models.TextChoices):
    LEARNER = "learner", _("Learner")
    TRAINER = "trainer", _("Trainer")
    REVIEWER = "reviewer", _("Reviewer")
    MANAGER = "manager", _("Training manager")
    ADMINISTRATOR = "administrator", _("Site administrator")


# The group that carries each role's permissions (migrations create them).
ROLE_GROUPS = {Role.TRAINER: TRAINERS_GROUP, Role.REVIEWER: REVIEWERS_GROUP, Role.MANAGER: MANAGERS_GROUP}

ROLE_HELP = {
    Role.LEARNER: _("Learns and takes quizzes. No admin."),
    Role.TRAINER: _("Writes lessons and questions, uploads screenshots, sends lessons for review."),
    Role.REVIEWER: _("Everything a trainer does, and approves and publishes."),
    Role.MANAGER: _(
        "Manages the staff, assignments and reports of one unit and everything below it (choose the unit)."
    ),
    Role.ADMINISTRATOR: _("Can do everything, for the whole organisation."),
}


# Wagtail's own groups, made by its first migrations. Nobody is given them here (roles give our groups);
# they are described rather than renamed or deleted, as Wagtail's later migrations may look them up
# by name and a site may have put people in them.
WAGTAIL_DEFAULT_GROUPS = {
    "Editors": (
        _("Editors (Wagtail's default group, not used)"),
        _("Wagtail's default editors group (not used: give the role Trainer instead)"),
    ),
    "Moderators": (
        _("Moderators (Wagtail's default group, not used)"),
        _("Wagtail's default moderators group (not used: give the role Reviewer instead)"),
    ),
}


def group_label(group: Group) -> str:
    """A group as people read it: our groups by the role they carry, Wagtail's defaults described."""
    for role, name in ROLE_GROUPS.items():
        if group.name == name:
            return str(role.label)
    if group.name in WAGTAIL_DEFAULT_GROUPS:
        return str(WAGTAIL_DEFAULT_GROUPS[group.name][0])
    return group.name


def group_description(group: Group) -> str:
    for role, name in ROLE_GROUPS.items():
        if group.name == name:
            return str(ROLE_HELP[role])
    return str(WAGTAIL_DEFAULT_GROUPS[group.name][1]) if group.name in WAGTAIL_DEFAULT_GROUPS else ""


def role_of(user: User) -> Role:
    """The role an account holds; the highest one if it was given several groups by hand."""
    if user.is_superuser:
        return Role.ADMINISTRATOR
    names = {group.name for group in user.groups.all()}
    if user.managed_unit_id or MANAGERS_GROUP in names:
        return Role.MANAGER
    if REVIEWERS_GROUP in names:
        return Role.REVIEWER
    if TRAINERS_GROUP in names:
        return Role.TRAINER
    return Role.LEARNER


def grantable_roles(actor) -> list[Role]:
    """The roles ``actor`` may give: all for an administrator; learner and training manager (of a unit
    below their own) for a training manager; none for anyone else."""
    if actor.is_superuser:
        return list(Role)
    if scope_for(actor).nothing:
        return []
    return [Role.LEARNER, Role.MANAGER]


def grantable_groups(actor) -> QuerySet[Group]:
    if actor.is_superuser:
        return Group.objects.all()
    names = [ROLE_GROUPS[role] for role in grantable_roles(actor) if role in ROLE_GROUPS]
    return Group.objects.filter(name__in=names)


def manageable_units(actor) -> QuerySet[OrgUnit]:
    """Units ``actor`` may make someone the training manager of: strictly below their own."""
    if actor.is_superuser:
        return OrgUnit.objects.all()
    return OrgUnit.objects.filter(_strictly_below(scope_for(actor), ""))


def _strictly_below(scope: Scope, field: str) -> Q:
    prefix = f"{field}__" if field else ""
    if scope.everything:
        return Q(**{f"{prefix}depth__gt": 1})
    if scope.unit is None:
        return Q(pk__in=[])
    return Q(**{f"{prefix}path__startswith": scope.unit.path, f"{prefix}depth__gt": scope.unit.depth})


def manageable_q(actor) -> Q:
    """A filter on User for the accounts ``actor`` may act on (see the module's docstring)."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return Q(pk__in=[])
    if actor.is_superuser:
        return Q()
    scope = scope_for(actor)
    if scope.nothing:
        return Q(pk__in=[])
    memberships = User.groups.through.objects.filter(user_id=OuterRef("pk")).exclude(
        group__in=grantable_groups(actor)
    )
    own_permissions = User.user_permissions.through.objects.filter(user_id=OuterRef("pk"))
    return (
        scope.q("org_unit")
        & Q(is_superuser=False)
        & ~Exists(memberships)
        & ~Exists(own_permissions)
        & (Q(managed_unit__isnull=True) | _strictly_below(scope, "managed_unit"))
        & ~Q(pk=actor.pk)
    )


def manageable_users(actor, users: QuerySet[User] | None = None) -> QuerySet[User]:
    """Of ``users`` (default: everyone), the accounts ``actor`` may see and change in the admin."""
    users = User.objects.all() if users is None else users
    return users.filter(manageable_q(actor))


def may_manage(actor, user: User) -> bool:
    if user.pk is None:
        return True
    return manageable_users(actor).filter(pk=user.pk).exists()


def users_in_scope(viewer, users: QuerySet[User] | None = None) -> QuerySet[User]:
    """Of ``users``, the people placed in ``viewer``'s part of the tree whose history the viewer reads
    (the site history): everyone there but site administrators and managers of a wider part. Wider than
    :func:`manageable_users`: a community manager reads what a fellow manager of the community did,
    but cannot change that person's account."""
    users = User.objects.all() if users is None else users
    if viewer.is_superuser:
        return users
    scope = scope_for(viewer)
    users = users.filter(scope.q("org_unit")).filter(is_superuser=False)
    if not scope.everything:
        users = users.filter(Q(managed_unit__isnull=True) | scope.q("managed_unit"))
    return users


def label_groups_in_view_restrictions() -> None:
    """Wagtail's privacy dialogs (pages and collections: "only these groups may see it") list groups by
    their stored names: show them as `group_label` does everywhere else. Called from AccountsConfig.ready."""
    from wagtail.admin.forms.view_restrictions import BaseViewRestrictionForm

    if getattr(BaseViewRestrictionForm, "_groups_labelled", False):
        return
    wagtail_init = BaseViewRestrictionForm.__init__

    def __init__(self, *args, **kwargs):
        wagtail_init(self, *args, **kwargs)
        self.fields["groups"].label_from_instance = group_label

    BaseViewRestrictionForm.__init__ = __init__
    BaseViewRestrictionForm._groups_labelled = True

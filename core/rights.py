"""Rights as one system: the machinery every admin screen goes through.

Who may do what to which object is decided by a *permission policy* per model, registered with Wagtail
(``wagtail.permissions.register_permission_policy``) in the app that owns the model. A model whose
objects belong to a part of the organisation (people, units, assignments, certificates) registers a
:class:`ScopedPermissionPolicy`: the Django permission for the action *and* the object inside the
viewer's scope. Wagtail asks the policy itself on its generic screens (menus, buttons, choosers,
``user_has_permission_for_instance``); what Wagtail does not ask it, this module makes it ask:

- :class:`ScopedViewSetMixin` wraps every view a viewset builds — index, edit, delete, history, usage,
  inspect, copy and any added later — so that listings are filtered by the policy and an object
  outside it answers 404, as if it did not exist. No view needs its own scoping.
- :func:`bulk_action_view` serves Wagtail's bulk-action URL for every model: for a scoped model the
  action only ever loads objects through the policy (404 when an id is outside it), and
  :func:`bulk_action_guard` (a ``before_bulk_action`` hook) checks each object again before it runs.
- :func:`forbidden` is the one "not allowed" answer, in the viewer's language.

This module knows no project model: the policies live with their models (accounts.policies, ...).

How a screen says no — one rule for the whole project:

- **Outside the viewer's scope, or not theirs: 404**, as if it did not exist, so that nobody learns what
  exists elsewhere in the tree. In the admin that is the policy's answer (the viewset mixins above, or a
  lookup through the policy's or the scope's queryset); on the learner site a lookup filtered by the
  owner (``get_object_or_404(..., learner=request.user)``, in the app's selectors) or by "published".
- **Admin screens of our own, without the right: ``return forbidden(request, message)``**, a 403 page in
  the admin's layout that says what was refused. Never ``raise PermissionDenied`` in an admin view:
  Wagtail turns it into a redirect to the dashboard with a message that does not say what was refused.
  (The model-permission check of Wagtail's generic views, and Wagtail's own screens, keep Wagtail's
  answer.)
- **Learner site, without the right: ``raise PermissionDenied``**; Django renders
  ``site/templates/403.html`` (in Chinese). A service refuses the same way (``progress.services.
  NotEnrolled`` is a PermissionDenied), so a view that does not catch it still answers 403, never 500.
- A view *may* catch a service's refusal to say it where the person already is: a form error or a
  message on the page they came from (the course page for a course not open to them), and for a page's
  script, JSON ``{"error": ...}`` with status 403 or 404. It never invents its own 403 page.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from django.db.models import Q, QuerySet
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry

# -- policies --------------------------------------------------------------------------------------


class ScopedPermissionPolicy(ModelPermissionPolicy):
    """The model permission for an action, limited to the objects in the viewer's scope.

    Subclasses implement :meth:`scope_q`: a filter for the objects ``user`` may ``action``. It is only
    asked when the user holds the model permission and is not a superuser.
    """

    def scope_q(self, user, action: str) -> Q:
        raise NotImplementedError

    def filter_queryset(self, user, queryset: QuerySet, actions: Iterable[str]) -> QuerySet:
        """``queryset`` narrowed to the objects ``user`` may take at least one of ``actions`` on."""
        actions = [action for action in dict.fromkeys(actions) if self.user_has_permission(user, action)]
        if not actions:
            return queryset.none()
        if user.is_superuser:
            return queryset
        conditions = [self.scope_q(user, action) for action in actions]
        if any(not condition for condition in conditions):  # an empty Q: no limit for that action
            return queryset
        combined = conditions[0]
        for condition in conditions[1:]:
            combined |= condition
        return queryset.filter(combined)

    def instances_user_has_any_permission_for(self, user, actions):
        return self.filter_queryset(user, self.model._default_manager.all(), actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_any_permission_for_instance(user, [action], instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        if instance is None or instance.pk is None:
            return self.user_has_any_permission(user, actions)
        primed = self._primed(user, actions)
        if instance.pk in primed:
            return primed[instance.pk]
        queryset = self.model._default_manager.filter(pk=instance.pk)
        return self.filter_queryset(user, queryset, actions).exists()

    def prime(self, user, actions: Iterable[str], instances: Iterable) -> None:
        """Answer the instance checks for ``instances`` with one query, for screens that ask row by row
        (Wagtail's URL finder in a listing). Kept on ``user`` (``request.user``: one request)."""
        primed = self._primed(user, actions)
        pks = {instance.pk for instance in instances if instance.pk not in primed}
        if not pks:
            return
        queryset = self.model._default_manager.filter(pk__in=pks)
        allowed = set(self.filter_queryset(user, queryset, actions).values_list("pk", flat=True))
        primed.update({pk: pk in allowed for pk in pks})

    def _primed(self, user, actions) -> dict:
        memo = user.__dict__.setdefault("_rights_primed", {})
        return memo.setdefault((self.model, frozenset(actions)), {})


def scoped_policy_for(model) -> ScopedPermissionPolicy | None:
    policy = policy_registry.get_by_type(model, fallback=False)
    return policy if isinstance(policy, ScopedPermissionPolicy) else None


def prime_instance_checks(user, action: str, instances: Iterable) -> None:
    """:meth:`ScopedPermissionPolicy.prime` for a mixed list of objects (None and unscoped skipped)."""
    by_model: dict[type, list] = {}
    for instance in instances:
        if instance is not None:
            by_model.setdefault(type(instance), []).append(instance)
    for model, objects in by_model.items():
        if policy := scoped_policy_for(model):
            policy.prime(user, [action], objects)


def view_actions(view) -> list[str]:
    """The actions a view needs, as Wagtail's PermissionCheckedMixin declares them."""
    if getattr(view, "permission_required", None):
        return [view.permission_required]
    return list(getattr(view, "any_permission_required", None) or ["view", "change"])


# -- views -----------------------------------------------------------------------------------------


class _ScopedObjectMixin:
    """An object the policy does not allow answers 404, whichever way the view loads it."""

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        policy = scoped_policy_for(type(obj))
        if policy and not policy.user_has_any_permission_for_instance(
            self.request.user, view_actions(self), obj
        ):
            raise Http404
        return obj


class _ScopedListingMixin:
    def get_base_queryset(self):
        queryset = super().get_base_queryset()
        policy = scoped_policy_for(queryset.model)
        if policy is None:
            return queryset
        return policy.filter_queryset(self.request.user, queryset, view_actions(self))


@cache
def scoped_view_class(view_class: type) -> type:
    """``view_class`` with the policy applied to every object and listing it loads."""
    mixins = []
    if hasattr(view_class, "get_object"):
        mixins.append(_ScopedObjectMixin)
    if hasattr(view_class, "get_base_queryset"):
        mixins.append(_ScopedListingMixin)
    if not mixins:
        return view_class
    return type(view_class.__name__, (*mixins, view_class), {"__module__": view_class.__module__})


class ScopedViewSetMixin:
    """For a ModelViewSet or SnippetViewSet of a model with a :class:`ScopedPermissionPolicy`."""

    def construct_view(self, view_class, **kwargs):
        return super().construct_view(scoped_view_class(view_class), **kwargs)


def forbidden(request, message: str | None = None) -> TemplateResponse:
    """The one "not allowed" answer inside the admin: a 403 page in the viewer's language.

    Not PermissionDenied: Wagtail's admin turns that into a redirect to the dashboard with a message
    that does not say what was refused."""
    return TemplateResponse(
        request,
        "core/forbidden.html",
        {
            "page_title": gettext("Permission denied"),
            "header_icon": "warning",
            "message": message
            or gettext("Your account is not allowed to do this. Ask a site administrator."),
        },
        status=403,
    )


# -- bulk actions ----------------------------------------------------------------------------------


def bulk_action_scope_action(action_class) -> str:
    """The policy action a bulk action needs: deleting needs "delete", anything else "change"."""
    return getattr(action_class, "scope_action", None) or (
        "delete" if action_class.action_type == "delete" else "change"
    )


class _ScopedBulkActionMixin:
    """Loads the selected objects through the policy: an id outside it is a 404 for the whole request
    (nothing is listed, so no name leaks); "select all" takes only what the policy allows."""

    def get_queryset(self, model, object_ids):
        policy = scoped_policy_for(model)
        select_all = not isinstance(object_ids, list | tuple)  # ids from get_all_objects_in_listing_query
        queryset = policy.filter_queryset(
            self.request.user,
            model._default_manager.filter(pk__in=object_ids),
            [bulk_action_scope_action(type(self))],
        )
        objects = list(queryset)
        if not objects:
            raise Http404
        if not select_all:
            wanted = {str(pk) for pk in object_ids}
            if {str(obj.pk) for obj in objects} != wanted:
                raise Http404
        return objects


@cache
def scoped_bulk_action_class(action_class: type) -> type:
    return type(action_class.__name__, (_ScopedBulkActionMixin, action_class), {})


def bulk_action_view(request, app_label, model_name, action):
    """Wagtail's bulk-action dispatcher, with scoped models' actions loading objects through the policy.

    Served at Wagtail's own URL ahead of it (config/urls.py), so every bulk action of every model,
    Wagtail's and ours, present and future, goes through here."""
    from django.apps import apps

    try:
        model = apps.get_model(app_label, model_name)
    except LookupError as error:
        raise Http404 from error
    action_class = bulk_action_registry.get_bulk_action_class(app_label, model_name, action)
    if action_class is None:
        raise Http404
    if scoped_policy_for(model) is not None:
        action_class = scoped_bulk_action_class(action_class)
    return action_class(request, model).dispatch(request)


def bulk_action_guard(request, action_type, objects, action_class_instance):
    """``before_bulk_action``: every object must be one the policy allows, or nothing runs."""
    if not objects:
        return None
    policy = scoped_policy_for(type(objects[0]))
    if policy is None:
        return None
    action = bulk_action_scope_action(type(action_class_instance))
    allowed = set(
        policy.filter_queryset(
            request.user, type(objects[0])._default_manager.filter(pk__in=[o.pk for o in objects]), [action]
        ).values_list("pk", flat=True)
    )
    if any(obj.pk not in allowed for obj in objects):
        return forbidden(request)
    return None

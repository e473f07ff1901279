from wagtail import hooks
from wagtail.snippets.models import register_snippet

from accounts import staff_import_hooks  # noqa: F401  (registers the staff import)
from accounts.viewsets import OrgUnitViewSet, PositionViewSet


@hooks.register("register_admin_viewset")
def register_org_unit_viewset():
    return OrgUnitViewSet("org_units")


register_snippet(PositionViewSet)


@hooks.register("after_bulk_action")
def forget_users_after_bulk_activation(request, action_type, objects, action_class_instance):
    """Wagtail's bulk "mark as active/inactive" is a queryset update: drop the cached users it changed,
    once committed, so that a deactivated person is signed out at their next click, as with a save."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from accounts.backends import forget_cached_users

    if action_type == "set_active_state" and objects and isinstance(objects[0], get_user_model()):
        ids = [user.pk for user in objects]
        transaction.on_commit(lambda: forget_cached_users(ids))

from wagtail import hooks
from wagtail.snippets.models import register_snippet

from accounts import staff_import_hooks  # noqa: F401  (registers the staff import)
from accounts.viewsets import OrgUnitViewSet, PositionViewSet


@hooks.register("register_admin_viewset")
def register_org_unit_viewset():
    return OrgUnitViewSet("org_units")


register_snippet(PositionViewSet)

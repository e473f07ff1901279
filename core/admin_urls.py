"""Wagtail admin URLs that go through the one rights system (core.rights) instead of Wagtail's own.

Mounted at /admin/ in config/urls.py *before* Wagtail's admin URLs, so these paths win over Wagtail's
and its URL names still reverse to them. Wrapped as Wagtail wraps its admin views: admin access
required, never cached.
"""

from django.http import Http404
from django.urls import path
from django.views.decorators.cache import never_cache
from wagtail.admin.auth import require_admin_access
from wagtail.documents.views.chooser import viewset as document_chooser
from wagtail.images.views.chooser import viewset as image_chooser
from wagtail.permissions import policy_registry
from wagtail.utils.urlpatterns import decorate_urlpatterns

from core.rights import bulk_action_view


class PolicyChosenMultipleMixin:
    """Wagtail's "chosen multiple" step of the image and document choosers returns any object whose id
    it is given (title, file and preview), whatever the viewer may choose; here only what the
    collection policy lets them choose, and an id outside it answers 404 like a missing one."""

    def get_objects(self, pks):
        pks = {str(pk) for pk in pks}
        policy = policy_registry.get_by_type(self.model_class)
        allowed = policy.instances_user_has_permission_for(self.request.user, "choose").filter(pk__in=pks)
        if {str(pk) for pk in allowed.values_list("pk", flat=True)} != pks:
            raise Http404
        return allowed


def _chosen_multiple(viewset):
    view_class = viewset.chosen_multiple_view_class
    return viewset.construct_view(type(view_class.__name__, (PolicyChosenMultipleMixin, view_class), {}))


urlpatterns = [
    path("bulk/<str:app_label>/<str:model_name>/<str:action>/", bulk_action_view),
    path("images/chooser/chosen-multiple/", _chosen_multiple(image_chooser)),
    path("documents/chooser/chosen-multiple/", _chosen_multiple(document_chooser)),
]
urlpatterns = decorate_urlpatterns(urlpatterns, require_admin_access)
urlpatterns = decorate_urlpatterns(urlpatterns, never_cache)

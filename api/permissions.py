from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from api.models import ApiClient


class ClientAccess(BasePermission):
    """A client's token is required; writing needs a read-and-write client."""

    message = _("This API client may only read. Ask a site administrator for a read-and-write client.")

    def has_permission(self, request, view):
        client = request.auth
        if not isinstance(client, ApiClient):
            return False
        return request.method in SAFE_METHODS or client.can_write

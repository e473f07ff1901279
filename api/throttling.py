from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiClient


class ClientRateThrottle(SimpleRateThrottle):
    """Each client's own ``requests_per_minute``, counted in the shared cache (Redis in production), so
    every app server counts the same requests."""

    scope = "api_client"

    def __init__(self):  # the rate is the client's, known only per request
        pass

    def allow_request(self, request, view):
        client = request.auth
        if not isinstance(client, ApiClient):
            return True
        self.rate = f"{client.requests_per_minute}/min"
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return f"api:throttle:{request.auth.pk}"

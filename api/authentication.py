"""``Authorization: Bearer <token>``: the request acts as the client's account (api.models)."""

from django.utils.translation import gettext
from rest_framework import authentication, exceptions

from api.services import api_client_for_token, api_client_touch


class ClientTokenAuthentication(authentication.BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                gettext("Send the token as “Authorization: Bearer <token>”, with no spaces in the token.")
            )
        try:
            token = parts[1].decode("ascii")
        except UnicodeDecodeError:
            token = ""
        client = api_client_for_token(token)
        if client is None:
            raise exceptions.AuthenticationFailed(gettext("The token is not valid or has been revoked."))
        api_client_touch(client)
        return client.account, client

    def authenticate_header(self, request):
        return 'Bearer realm="api"'

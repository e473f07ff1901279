from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from accounts.backends import SIGNED_IN_BY_SESSION_KEY

# Paths a user who must change their password can still reach.
ALLOWED_PREFIXES = ("/static/", "/media/", "/i18n/", "/jsi18n/", "/ping/", "/preferences/")


class PasswordChangeRequiredMiddleware:
    """Accounts made by an admin (or an import) must choose their own password first — when they sign in
    with that password. Someone who signed in with a code texted to their phone is not sent here: a
    person may live by codes, and the handed-over password still has to be changed before it is used
    to sign in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if isinstance(user, SimpleLazyObject):
            # Every request asks who it is right here, so the lazy proxy has done its job: the user
            # itself from now on (the rest of the request reads request.user a score of times).
            user.is_authenticated  # noqa: B018 - loads it
            request.user = user = user._wrapped
        if (
            user is not None
            and user.is_authenticated
            and user.must_change_password
            and request.session.get(SIGNED_IN_BY_SESSION_KEY) != "code"
        ):
            change_url = reverse("accounts:password_change")
            allowed = (change_url, reverse("accounts:logout"), *ALLOWED_PREFIXES)
            if not request.path.startswith(allowed):
                return redirect(f"{change_url}?next={request.get_full_path()}")
        return self.get_response(request)

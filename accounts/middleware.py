from django.shortcuts import redirect
from django.urls import reverse

# Paths a user who must change their password can still reach.
ALLOWED_PREFIXES = ("/static/", "/media/", "/i18n/", "/jsi18n/", "/ping/", "/preferences/")


class PasswordChangeRequiredMiddleware:
    """Accounts made by an admin (or an import) must choose their own password first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            change_url = reverse("accounts:password_change")
            allowed = (change_url, reverse("accounts:logout"), *ALLOWED_PREFIXES)
            if not request.path.startswith(allowed):
                return redirect(f"{change_url}?next={request.get_full_path()}")
        return self.get_response(request)

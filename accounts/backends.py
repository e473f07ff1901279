import re

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

from accounts import throttle

MOBILE = re.compile(r"^1[3-9]\d{9}$")
USER_CACHE_SECONDS = 300


def user_cache_key(user_id) -> str:
    return f"auth-user:{user_id}"


def forget_cached_users(user_ids) -> None:
    """Call after changing users without save() (queryset.update), e.g. bulk deactivation."""
    cache.delete_many([user_cache_key(user_id) for user_id in user_ids])


class UsernameOrMobileBackend(ModelBackend):
    """Sign in with a username or an 11-digit mobile number, throttled per account and address.

    Inactive users are refused here and, through ModelBackend.get_user, lose every session
    at their next request: deactivating someone signs them out everywhere at once.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        identifier = username.strip()
        address = throttle.client_address(request)
        if throttle.is_locked(identifier, address):
            raise PermissionDenied("too many failed sign-ins")  # stops every backend
        User = get_user_model()
        lookup = {"mobile": identifier} if MOBILE.match(identifier) else {"username__iexact": identifier}
        user = User._default_manager.filter(**lookup).order_by("pk").first()
        if user is None:
            User().set_password(password)  # same work as a real check: no timing hint
        elif user.check_password(password) and self.user_can_authenticate(user):
            throttle.reset_account(identifier)
            return user
        throttle.record_failure(identifier, address)
        return None

    def get_user(self, user_id):
        """The signed-in user for each request, from the shared cache when possible.

        Every save or delete of a user empties its entry (accounts.signals), so deactivating
        someone, or changing their password, takes effect on their very next request."""
        key = user_cache_key(user_id)
        user = cache.get(key)
        if user is None:
            user = super().get_user(user_id)
            if user is not None:
                cache.set(key, user, USER_CACHE_SECONDS)
            return user
        return user if self.user_can_authenticate(user) else None

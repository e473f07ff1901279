import unicodedata

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

from accounts import phone_codes, sessions, throttle
from accounts.mobile import mobile_normalise
from accounts.passwords import initial_password_matches
from core import learner_state

USER_CACHE_SECONDS = 300


def user_cache_key(user_id) -> str:
    return f"auth-user:{user_id}"


def forget_cached_users(user_ids) -> None:
    """Call after changing users without save() (queryset.update), e.g. bulk deactivation."""
    cache.delete_many([user_cache_key(user_id) for user_id in user_ids])


def sign_in_account(typed: str) -> tuple[AbstractBaseUser | None, str]:
    """The account a typed username or mobile number names (or None), and its ``throttle.account_key``.

    The text is NFKC-normalised first, as Django stores usernames, so full-width letters and other
    compatibility forms name the same account on every database. A mobile number may be typed with
    spaces, dashes, full-width digits or +86: accounts.mobile reads it, as for the staff import."""
    identifier = unicodedata.normalize("NFKC", typed).strip()
    mobile = mobile_normalise(identifier)
    lookup = {"mobile": mobile} if mobile else {"username__iexact": identifier}
    user = get_user_model()._default_manager.filter(**lookup).order_by("pk").first()
    return user, throttle.account_key(mobile or identifier, user)


class UsernameOrMobileBackend(ModelBackend):
    """Sign in with a username or an 11-digit mobile number, throttled per account and address.

    Inactive users are refused here and, through ModelBackend.get_user, lose every session
    at their next request: deactivating someone signs them out everywhere at once.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user, account = sign_in_account(username)
        address = throttle.client_address(request)
        if throttle.is_locked(account, address):
            raise PermissionDenied("too many failed sign-ins")  # stops every backend
        if user is None:
            get_user_model()().set_password(password)  # same work as a real check: no timing hint
        elif initial_password_matches(user, password) and self.user_can_authenticate(user):
            throttle.reset_account(account)
            return user
        throttle.record_failure(account, address)
        return None

    def get_user(self, user_id):
        """The signed-in user for each request, from the shared cache when possible.

        Every save or delete of a user empties its entry (accounts.signals), so deactivating
        someone, or changing their password, takes effect on their very next request."""
        key = user_cache_key(user_id)
        # In the same round trip: their learner state versions, which their pages' cache keys need; both
        # may already have come with the session (accounts.sessions).
        keys = [key, *learner_state.keys_for(user_id)]
        found = sessions.take(keys)
        if found is None:
            found = cache.get_many(keys)
        user = found.get(key)
        if user is None:
            user = super().get_user(user_id)
            if user is not None:
                cache.set(key, user, USER_CACHE_SECONDS)
                learner_state.remember(user, found)
            return user
        learner_state.remember(user, found)
        return user if self.user_can_authenticate(user) else None


# The session remembers how its user signed in: a code sign-in is not asked to set a password.
SIGNED_IN_BY_SESSION_KEY = "accounts_signed_in_by"


class PhoneCodeBackend(UsernameOrMobileBackend):
    """Sign in with a mobile number and the code texted to it (accounts.phone_codes), under the same
    per-account and per-address lock-out as passwords: a wrong code counts as a failed sign-in.

    Unknown numbers and inactive accounts are checked and counted like real ones (the code check runs
    for them too), so neither the answer nor the lock-out tells who has an account."""

    def authenticate(self, request, mobile=None, code=None, purpose="sign_in", **kwargs):
        if mobile is None or code is None:
            return None
        user, account = sign_in_account(mobile)
        address = throttle.client_address(request)
        if throttle.is_locked(account, address):
            raise PermissionDenied("too many failed sign-ins")
        right = phone_codes.code_check(mobile=mobile, purpose=purpose, code=code)
        if right and user is not None and self.user_can_authenticate(user):
            throttle.reset_account(account)
            return user
        throttle.record_failure(account, address)
        return None

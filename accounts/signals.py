"""A saved or deleted user drops out of the signed-in user cache (accounts.backends).

This stays a signal on purpose. It is not a business rule but the cache's own coherence: it has to
follow every write of a user row, and many of those are Django's or Wagtail's, not ours (the password
change and reset views, ``update_last_login`` at every sign-in, ``createsuperuser`` and
``changepassword``, Wagtail's user delete). A service could only cover the writes it makes, and a
stale cached user — a deactivated person still signed in, an old password still accepted — is a
security bug, not a missed feature. Writes without a signal (``queryset.update()``, ``bulk_update``)
drop the entries themselves (``accounts.backends.forget_cached_users``).

Business rules that follow a person's change (re-matching course assignments) are not here: the
services that make the change announce it (accounts.services.people_placed).
"""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save

from accounts.backends import forget_cached_users


def _forget(sender, instance, **kwargs):
    forget_cached_users([instance.pk])


def connect() -> None:
    User = get_user_model()
    post_save.connect(_forget, sender=User, dispatch_uid="auth-user-cache-saved")
    post_delete.connect(_forget, sender=User, dispatch_uid="auth-user-cache-deleted")

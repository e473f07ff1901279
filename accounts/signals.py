"""Cache invalidation only: a saved or deleted user drops out of the signed-in user cache."""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save

from accounts.backends import forget_cached_users


def _forget(sender, instance, **kwargs):
    forget_cached_users([instance.pk])


def connect() -> None:
    User = get_user_model()
    post_save.connect(_forget, sender=User, dispatch_uid="auth-user-cache-saved")
    post_delete.connect(_forget, sender=User, dispatch_uid="auth-user-cache-deleted")

"""Wagtail hooks of the notifications app: only registration."""

from wagtail import hooks

from notifications.personal_data import notification_personal_data


@hooks.register("register_personal_data")
def add_notifications_to_personal_data(user):
    """A section of the person's own data download (progress.exports)."""
    return notification_personal_data(user)

from django import template
from django.utils.safestring import mark_safe

from notifications.badge import PLACEHOLDER

register = template.Library()


@register.simple_tag
def notifications_badge():
    """Where the header's unread-reminders badge goes: a placeholder that stays the same for
    everyone (so cached headers and pages may hold it), filled per request by
    notifications.badge.NotificationBadgeMiddleware."""
    return mark_safe(PLACEHOLDER)

from django import template

from core.percent import format_percent

register = template.Library()


@register.simple_tag
def percent(part, whole) -> str:
    """``{% percent part whole %}``: the site's one percentage format (core.percent)."""
    return format_percent(part, whole)

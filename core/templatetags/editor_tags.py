from django import template
from wagtail.admin.templatetags.wagtailuserbar import wagtailuserbar

register = template.Library()

SESSION_KEY = "fa_can_edit"


@register.simple_tag(takes_context=True)
def editor_userbar(context, position="bottom-right"):
    """Wagtail's editing bar, for people who can use the admin only.

    Whether someone can is worked out once per session and remembered there, so learners'
    pages do not pay two permission queries on every view.
    """
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return ""
    can_edit = request.session.get(SESSION_KEY)
    if can_edit is None:
        can_edit = request.user.has_perm("wagtailadmin.access_admin")
        request.session[SESSION_KEY] = can_edit
    return wagtailuserbar(context, position) if can_edit else ""

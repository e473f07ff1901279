from django import template

from accounts.external_sign_in import providers_offered

register = template.Library()


@register.simple_tag(takes_context=True)
def external_sign_in_providers(context):
    """The providers whose sign-in button this browser is offered (none unless configured)."""
    request = context.get("request")
    return providers_offered(request.headers.get("user-agent", "") if request is not None else "")

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from core import content_cache, page_cache

# Per-request values a cached fragment may contain: stored as placeholders, filled on output.
from core.page_cache import CSRF_PLACEHOLDER, PATH_PLACEHOLDER

register = template.Library()


def _render_live(nodelist, context, request) -> str:
    with context.push(live_path=request.get_full_path() if request else ""):
        return nodelist.render(context)


def _render_cached(nodelist, context, request, key: tuple, encoded: bool = False) -> str:
    """The markup kept under ``key`` (rendered and kept first if it is not), filled for this request.
    ``encoded``: keep it as UTF-8 bytes (whole pages, which page_cache.cached_response sends as they are)."""

    def build():
        with context.push(live_path=PATH_PLACEHOLDER):
            html = str(nodelist.render(context))
        token = str(context.get("csrf_token", "")) if "csrfmiddlewaretoken" in html else ""
        html = html.replace(token, CSRF_PLACEHOLDER) if token else html
        return content_cache.Raw(html.encode()) if encoded else html

    html = content_cache.get_or_build(key, build, request)
    if isinstance(html, bytes):
        html = html.decode()
    return mark_safe(page_cache.fill(html, request, str(context.get("csrf_token", ""))))


class ContentCacheNode(template.Node):
    def __init__(self, nodelist, name, vary_on):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on

    def render(self, context):
        request = context.get("request")
        if request is None or getattr(request, "is_preview", False):
            return _render_live(self.nodelist, context, request)
        key = ("fragment", self.name, get_language(), *(var.resolve(context) for var in self.vary_on))
        return _render_cached(self.nodelist, context, request, key)


@register.tag("contentcache")
def do_contentcache(parser, token):
    """``{% contentcache "name" var… %}…{% endcontentcache %}``: render once per language and
    values of the vars, keep until published content changes (see core.content_cache).

    For markup that is the same for every visitor with the same vars. Two per-request values
    may appear inside: ``{% csrf_token %}`` and ``{{ live_path }}`` (the current path), both
    filled in on every request. Never put anything else personal inside."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("contentcache needs a name")
    nodelist = parser.parse(("endcontentcache",))
    parser.delete_first_token()
    return ContentCacheNode(nodelist, bits[1].strip("\"'"), [parser.compile_filter(bit) for bit in bits[2:]])


class PageCacheNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        request = context.get("request")
        key = context.get("page_cache_key")
        if not (key and page_cache.may_cache(request, bool(context.get("messages")))):
            return _render_live(self.nodelist, context, request)
        full_key = page_cache.full_key(request, key, context.get("text_size"), context.get("data_saver"))
        return _render_cached(self.nodelist, context, request, full_key, encoded=True)


@register.tag("pagecache")
def do_pagecache(parser, token):
    """``{% pagecache %}…{% endpagecache %}`` around a whole page: when the view put a
    ``page_cache_key`` in the context (a tuple naming everything the page depends on besides
    language, text size and data saver), the rendered page is kept like a ``contentcache`` fragment."""
    nodelist = parser.parse(("endpagecache",))
    parser.delete_first_token()
    return PageCacheNode(nodelist)

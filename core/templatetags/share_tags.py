from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.models import SiteSettings
from core.share import share_description, share_image_url

register = template.Library()


@register.inclusion_tag("components/share_meta.html", takes_context=True)
def share_meta(context, page, *, title="", description="", image_id=None, kind="website"):
    """``{% share_meta page title=… description=… image_id=… kind="article" %}`` in a page's
    ``meta`` block: the description and the share card (Open Graph and the ``itemprop`` tags WeChat
    reads) for ``page``. Absolute URLs are built from the Wagtail site's root URL, never the request's
    Host header, because the page may be kept in the page cache and served to anyone. No query: the
    site's root paths and settings are already cached for the request."""
    request = context.get("request")
    parts = page.get_url_parts(request) if page is not None else None
    if parts is None:
        root_url = request.build_absolute_uri("/") if request is not None else ""
        page_url = request.build_absolute_uri(request.path) if request is not None else ""
    else:
        _site_id, root_url, page_path = parts
        page_url = root_url + page_path
    logo_id = SiteSettings.for_request(request).logo_id if request is not None else None
    language = get_language() or ""
    return {
        "share_title": title or getattr(page, "seo_title", "") or page.title,
        "share_description": share_description(
            description, getattr(page, "search_description", ""), getattr(page, "summary", "")
        ),
        "share_image": share_image_url(root_url, image_id=image_id, logo_id=logo_id),
        "share_url": page_url,
        "share_type": kind,
        "share_site_name": _("Frontline Academy"),
        "share_locale": "zh_CN" if language.startswith("zh") else "en_US",
    }

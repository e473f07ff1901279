"""Page routing by URL path in a fixed number of queries, whatever the depth, and a cache
of routes (with the page itself) for published pages."""

from django.http import Http404
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.url_routing import RouteResult

from core import content_cache, page_cache

SKIP_PREFIXES = ("/admin/", "/static/", "/media/", "/documents/", "/i18n/", "/jsi18n/", "/ping/")


def _route_key(request) -> tuple:
    return ("route", request.get_host(), request.path)


def route_by_url_path(root: Page, request, path_components: list[str]):
    """Find the deepest page under ``root`` whose URL path is a prefix of the request path,
    then let that page route the rest (so sub-routes and Wagtail's live checks hold)."""
    candidates = {}
    prefix = root.url_path
    for index, component in enumerate(path_components):
        prefix = f"{prefix}{component}/"
        candidates[prefix] = index + 1
    base = (
        Page.objects.filter(url_path__in=list(candidates), path__startswith=root.path)
        .order_by("-depth")
        .only("id", "content_type_id", "depth", "url_path")
        .first()
    )
    if base is None:
        raise Http404
    result = base.specific.route(request, path_components[candidates[base.url_path] :])
    remember_route(request, result)
    return result


def remember_route(request, result) -> None:
    """Keep a plain route to a live page (no sub-route arguments) for the next request."""
    if (
        request.method in ("GET", "HEAD")
        and not getattr(request, "is_preview", False)
        and isinstance(result, RouteResult)
        and not result.args
        and not result.kwargs
        and result.page.live
    ):
        content_cache.put(_route_key(request), result.page, request)
        parts = getattr(result.page, "learner_page_parts", None)
        if parts:
            content_cache.put(_learner_route_key(request), (parts, result.page.path), request)


def _learner_route_key(request) -> tuple:
    return ("learner-route", request.get_host(), request.path)


def learner_page(request):
    """A signed-in learner's own copy of a page, kept whole (core.page_cache), served before URL
    resolution and Wagtail's serve: the route remembered the page's key parts and tree path, and the
    checks Wagtail's serve makes first hold — the page is live (only live routes are remembered), it has
    no view restriction (any restriction, or not knowing, goes the whole way), and the method is GET."""
    if request.method != "GET" or not request.user.is_authenticated:
        return None
    entry = content_cache.get(_learner_route_key(request), request)
    if content_cache.is_missing(entry):
        return None
    parts, tree_path = entry
    restrictions = content_cache.get(("restriction-ids", tree_path), request)
    if content_cache.is_missing(restrictions) or restrictions:
        return None
    return page_cache.cached_response(request, page_cache.learner_key(request, *parts))


class CachedRoutingMiddleware:
    """Serve the site, and routes to published pages, from the content cache.

    Wagtail asks ``Site.find_for_request`` and ``Page.route_for_request`` for every page
    view; both look for answers already on the request first, so we put them there.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or request.path.startswith(SKIP_PREFIXES):
            return self.get_response(request)
        content_cache.begin_request(request)
        try:
            kept = learner_page(request)
            if kept is not None:
                return kept
            self._use_cache(request)
            return self.get_response(request)
        finally:
            content_cache.end_request()

    @staticmethod
    def _use_cache(request):
        host = request.get_host()
        site = content_cache.get(("site", host), request)
        if content_cache.is_missing(site):
            site = Site.find_for_request(request)
            content_cache.put(("site", host), site, request)
        request._wagtail_site = site
        page = content_cache.get(_route_key(request), request)
        if not content_cache.is_missing(page):
            request._wagtail_route_for_request = RouteResult(page)


class CachedViewRestrictionsMixin:
    """View restrictions of a page and its ancestors, their ids from the content cache (normally none).

    Still a queryset, as Wagtail's callers expect (``.order_by``, ``.exists``): empty — the usual case —
    it costs no query; otherwise one, for a page that is restricted."""

    def get_view_restrictions(self):
        ids = content_cache.get_or_build(
            ("restriction-ids", self.path),
            lambda: list(
                super(CachedViewRestrictionsMixin, self).get_view_restrictions().values_list("pk", flat=True)
            ),
        )
        restrictions = PageViewRestriction.objects
        return restrictions.filter(pk__in=ids) if ids else restrictions.none()

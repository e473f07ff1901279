"""Page routing by URL path in a fixed number of queries, whatever the depth."""

from django.http import Http404
from wagtail.models import Page


def route_by_url_path(root: Page, request, path_components: list[str]):
    """Find the deepest page under ``root`` whose URL path is a prefix of the request path,
    then let that page route the rest (so sub-routes and Wagtail's live/privacy checks hold)."""
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
    return base.specific.route(request, path_components[candidates[base.url_path] :])

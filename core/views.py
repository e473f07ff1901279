from django.http import HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from core.preferences import (
    DATA_SAVER_CHOICES,
    DATA_SAVER_COOKIE,
    TEXT_SIZE_COOKIE,
    TEXT_SIZE_COOKIE_AGE,
    TEXT_SIZES,
)


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.META.get("HTTP_REFERER") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return "/"
    return target


@require_POST
def text_size(request):
    """Large-text switch that works without JavaScript and sticks for two years."""
    size = request.POST.get("size")
    response = HttpResponseRedirect(_safe_next(request))
    if size in TEXT_SIZES:
        response.set_cookie(
            TEXT_SIZE_COOKIE, size, max_age=TEXT_SIZE_COOKIE_AGE, samesite="Lax", httponly=True
        )
    return response


@require_POST
def data_saver(request):
    """Data-saver switch (images load only when tapped); without JavaScript, sticks for two years."""
    choice = request.POST.get("data_saver")
    response = HttpResponseRedirect(_safe_next(request))
    if choice in DATA_SAVER_CHOICES:
        response.set_cookie(
            DATA_SAVER_COOKIE, choice, max_age=TEXT_SIZE_COOKIE_AGE, samesite="Lax", httponly=True
        )
    return response


@require_GET
def ping(request):
    """Liveness probe: the whole middleware stack, no database. Also the benchmark's floor."""
    return HttpResponse("ok", content_type="text/plain")

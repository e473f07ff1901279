"""The unread-reminders badge in the site header, filled in per request.

The header is a cached fragment shared by everyone signed in, and lesson pages are cached
whole (core.content_cache), so nothing personal may be rendered into them. The header holds a
fixed placeholder instead (``{% notifications_badge %}``) and this middleware replaces it in
the finished response with the viewer's own badge.

The count must not cost the signed-in lesson page a round trip (it already makes two to the
shared cache: session and user). Each app server keeps the counts it served for
``NOTIFICATION_BADGE_MEMO_SECONDS`` (60 s), keyed by user and by a stamp in the session that
the person's own "open" and "mark all read" change, so their own reading shows at once on any
server, and reminders made by the worker show within the minute. Past the memo: the shared
cache, else one COUNT on the partial "unread" index (selectors.unread_count). The notification
list itself always shows the fresh count.
"""

import threading
import time
from collections import OrderedDict
from functools import lru_cache

from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from core.pwa import is_offline_copy
from notifications.selectors import unread_count

PLACEHOLDER = "<!--notifications-badge-->"
_PLACEHOLDER_BYTES = PLACEHOLDER.encode()

BELL = (
    '<svg width="22" height="22" viewBox="0 0 24 24" aria-hidden="true" focusable="false">'
    '<path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 '
    '0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1z"/></svg>'
)


# Inline styles keep the link as narrow as one nav item on a 320-pixel screen: the count sits
# on the bell's corner.
LINK_STYLE = "position:relative;padding:0 0.4rem"
COUNT_STYLE = ";".join(
    [
        "position:absolute",
        "top:0.15rem",
        "right:-0.3rem",
        "margin:0",
        "padding:0 0.35rem",
        "font-size:0.75rem",
    ]
)


def badge_html(*, count: int, current: bool) -> str:
    """The header's link to the notification list: a bell, the unread count for sighted readers
    and the same as text for screen readers (e.g. "3 条未读提醒")."""
    return _badge_html(get_language(), min(count, 100), current)


@lru_cache(maxsize=512)
def _badge_html(language: str, count: int, current: bool) -> str:
    # Built once per language, count and state: reverse() and translation cost more than the
    # rest of the middleware together.
    if count:
        label = ngettext("%(count)s unread reminder", "%(count)s unread reminders", count) % {"count": count}
        visible = format_html(
            '<span class="badge" aria-hidden="true" style="{}">{}</span>',
            COUNT_STYLE,
            "99+" if count > 99 else count,
        )
    else:
        label, visible = _("Reminders"), ""
    return format_html(
        '<li><a class="site-nav__link" style="{}" href="{}"{}>{}'
        '<span class="visually-hidden">{}</span>{}</a></li>',
        LINK_STYLE,
        reverse("notifications:list"),
        mark_safe(' aria-current="page"') if current else "",
        mark_safe(BELL),
        label,
        visible,
    )


SESSION_STAMP = "notifications_read_stamp"
MEMO_ENTRIES = 20_000
_memo: OrderedDict[tuple[int, str], tuple[int, float]] = OrderedDict()
_memo_lock = threading.Lock()


def note_read(request) -> None:
    """Call after the person read notifications: their next page, on any server, counts again."""
    request.session[SESSION_STAMP] = str(time.time_ns())


def badge_count(request, *, fresh: bool = False) -> int:
    """The viewer's unread count, from this server's memo when it is recent enough."""
    seconds = getattr(settings, "NOTIFICATION_BADGE_MEMO_SECONDS", 60)
    key = (request.user.pk, request.session.get(SESSION_STAMP, ""))
    now = time.monotonic()
    if not fresh and seconds > 0:
        with _memo_lock:
            entry = _memo.get(key)
        if entry is not None and entry[1] > now:
            return entry[0]
    count = unread_count(request.user)
    if seconds > 0:
        with _memo_lock:
            _memo[key] = (count, now + seconds)
            _memo.move_to_end(key)
            while len(_memo) > MEMO_ENTRIES:
                _memo.popitem(last=False)
    return count


def clear_memo() -> None:
    with _memo_lock:
        _memo.clear()


class NotificationBadgeMiddleware:
    """Fill the header's placeholder with the signed-in viewer's badge (or remove it)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._list_url = None

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.streaming
            or not response.get("Content-Type", "").startswith("text/html")
            or _PLACEHOLDER_BYTES not in response.content
        ):
            return response
        user = getattr(request, "user", None)
        html = ""
        if user is not None and user.is_authenticated and is_offline_copy(request):
            html = badge_html(count=0, current=False)  # a copy kept on the phone: no personal count
        elif user is not None and user.is_authenticated:
            if self._list_url is None:
                self._list_url = reverse("notifications:list")
            on_list = request.path.startswith(self._list_url)
            html = badge_html(count=badge_count(request, fresh=on_list), current=on_list)
        response.content = response.content.replace(_PLACEHOLDER_BYTES, html.encode(), 1)
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        return response

"""The SCORM screens: the package's own files (served under /scorm/content/<key>/ with a policy of their
own), and the runtime's two calls (open the learner's attempt, commit its data)."""

import functools
import hashlib
import json
import mimetypes
import posixpath
import re
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.templatetags.static import static
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from scorm import cmi, hosts, package, services
from scorm.models import ScormAttempt, ScormPage

# A package is someone else's code. Each of its files is served as a sandbox of its own (an opaque origin,
# whether it is opened in the lesson page's frame or directly): its scripts run, but they cannot read this
# site's cookies or pages, nor reach the lesson page, nor call the site with the viewer's rights. The only
# way out is the SCORM API our script gives it in its own frame (scorm/sco-api.js), which posts what the
# package writes to the lesson page. Authoring tools' pages run inline scripts (and often eval) and inline
# styles: this path, and only it, allows them. Everything still comes from this site, and the package may
# only be framed by our own lesson page.
SANDBOX = "sandbox allow-scripts allow-forms allow-popups allow-modals allow-downloads"
CONTENT_SECURITY_POLICY = "; ".join(
    [
        SANDBOX,
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "media-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)
# On a content host of its own (settings.SCORM_CONTENT_ORIGIN, scorm.hosts), which carries none of this
# site's cookies and answers nothing but package files, a package is one real origin: its frames script
# each other and find the SCORM API in a parent frame. Only this site's lesson pages may frame it.
SANDBOX_OWN_ORIGIN = (
    "sandbox allow-scripts allow-same-origin allow-forms allow-popups allow-modals allow-downloads"
)


def _content_policy(*, own_origin: bool) -> str:
    if not own_origin:
        return CONTENT_SECURITY_POLICY
    ancestors = " ".join(["'self'", *hosts.lesson_origins()])
    directives = CONTENT_SECURITY_POLICY.split("; ")
    directives[0] = SANDBOX_OWN_ORIGIN
    directives[-1] = f"frame-ancestors {ancestors}"
    return "; ".join(directives)


HTML_SUFFIXES = (".html", ".htm", ".xhtml")
MAX_INJECTED_HTML_BYTES = 20 * 1024 * 1024
HEAD = re.compile(rb"<head(?:\s[^>]*)?>", re.IGNORECASE)
HTML = re.compile(rb"<html(?:\s[^>]*)?>", re.IGNORECASE)
DOCTYPE = re.compile(rb"<!doctype[^>]*>", re.IGNORECASE)
CONTENT_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".mp4": "video/mp4",
    ".mp3": "audio/mpeg",
    ".vtt": "text/vtt",
    ".xml": "application/xml",
    ".xsd": "application/xml",
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".xhtml": "text/html; charset=utf-8",
    ".css": "text/css",
}


RUNTIME_FILE = Path(__file__).parent / "static" / "scorm" / "sco-api.js"


@functools.cache
def _runtime_script() -> tuple[bytes, str]:
    body = RUNTIME_FILE.read_bytes()
    return body, hashlib.sha256(body).hexdigest()[:12]


def runtime_src(*, own_origin: bool) -> str:
    """Our SCORM API script's address for a package page: the site's static file, or, on the content
    host (which serves nothing else), its copy under the content path, versioned by its hash."""
    if not own_origin:
        return static("scorm/sco-api.js")
    return f"{reverse('scorm:content_runtime')}?v={_runtime_script()[1]}"


def with_runtime(html: bytes, src: str | None = None) -> bytes:
    """The page with our SCORM API script first in its <head> (before any script of the package), so the
    package finds the API in its own frame. Inserted as bytes after the first <head> (or <html>, or doctype)
    tag: the page's own encoding (UTF-8, GBK…) is left alone."""
    tag = f'<script src="{escape(src or static("scorm/sco-api.js"))}"></script>'.encode()
    window = html[: 64 * 1024]
    for pattern in (HEAD, HTML, DOCTYPE):
        match = pattern.search(window)
        if match:
            return html[: match.end()] + tag + html[match.end() :]
    start = 3 if html.startswith(b"\xef\xbb\xbf") else 0
    return html[:start] + tag + html[start:]


@require_GET
def content_runtime(request):
    """Our SCORM API script on the content host (scorm.hosts), which serves no static files."""
    body, version = _runtime_script()
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    fresh = request.GET.get("v") == version
    response["Cache-Control"] = "public, max-age=31536000, immutable" if fresh else "no-cache"
    return response


@require_GET
def content(request, key: str, path: str):
    """One file of a package. The key is the package's opaque folder; nothing else under MEDIA_ROOT is
    reachable, and the response sets no cookie and reads no session. HTML pages get our SCORM API script.
    With a content host of its own (scorm.hosts), files are served there only: asked for here, the browser
    is sent there."""
    own_origin = hosts.on_content_host(request)
    if hosts.content_origin() and not own_origin:
        return HttpResponseRedirect(hosts.content_url(request.get_full_path()))
    if len(key) != 32 or any(c not in "0123456789abcdef" for c in key):
        raise Http404
    normal = posixpath.normpath(path)
    if normal.startswith(("../", "/")) or normal == ".." or "\\" in path or "\x00" in path:
        raise Http404
    folder = (package.packages_root() / key).resolve()
    file = (folder / normal).resolve()
    if not file.is_relative_to(folder) or not file.is_file():
        raise Http404
    suffix = Path(normal).suffix.lower()
    content_type = CONTENT_TYPES.get(suffix) or mimetypes.guess_type(normal)[0] or "application/octet-stream"
    html = suffix in HTML_SUFFIXES
    if html and file.stat().st_size <= MAX_INJECTED_HTML_BYTES:
        body = with_runtime(file.read_bytes(), runtime_src(own_origin=own_origin))
        response = HttpResponse(body, content_type=content_type)
    else:
        response = FileResponse(file.open("rb"), content_type=content_type)  # closed by Django
    response["Content-Security-Policy"] = _content_policy(own_origin=own_origin)
    if not own_origin:
        # Framed by our own lesson page only (frame-ancestors says the same to browsers that read it).
        response["X-Frame-Options"] = "SAMEORIGIN"
    response["X-Content-Type-Options"] = "nosniff"
    # The package's pages are an opaque origin: to them, the package's own files (its images, scripts and the
    # data its player fetches) are another origin's. They are public by their unguessable address and read no
    # session, so any page may read them (without credentials).
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    response["Access-Control-Allow-Origin"] = "*"
    response["Referrer-Policy"] = "same-origin"
    # A page names our API script by its versioned static address, which changes with a release: pages are
    # asked for again each time (they are small); the package's other files are kept a day.
    response["Cache-Control"] = "private, no-cache" if html else "private, max-age=86400"
    return response


def _page_and_course(item_id: int):
    item = get_object_or_404(ScormPage.objects.live().public().select_related("package"), pk=item_id)
    course = item.get_course(live=True)
    if course is None or item.package_id is None:
        raise Http404
    return item, course


def _error(message: str, status: int):
    return JsonResponse({"saved": False, "error": message}, status=status)


def _state(attempt: ScormAttempt, request) -> dict:
    data = attempt.data or {}
    exit_name = "cmi.core.exit" if attempt.package.version == package.VERSION_12 else "cmi.exit"
    entry = (
        "ab-initio"
        if attempt.seq == 0
        else ("resume" if data.get(exit_name, "suspend") in ("suspend", "") else "")
    )
    user = request.user
    return {
        "attempt": str(attempt.uuid),
        "commit_url": reverse("scorm:commit", args=(attempt.uuid,)),
        "version": attempt.package.version,
        "seq": attempt.seq,
        "data": data,
        "entry": entry,
        "total_seconds": attempt.total_seconds,
        # Opaque to the package: the attempt's learner by a number, named as the platform shows them.
        "learner_id": salted_hmac("scorm.learner_id", str(user.pk)).hexdigest()[:20],
        "learner_name": str(user),
        "mastery_score": attempt.package.mastery_score,
        "scaled_passing_score": attempt.package.scaled_passing_score,
        "done": attempt.completed_at is not None,
    }


@never_cache
@require_POST
@login_required
def attempt_open(request, item_id: int):
    """Start or resume the learner's attempt; the runtime's data for the package to read."""
    item, course = _page_and_course(item_id)
    try:
        attempt = services.attempt_open(learner=request.user, item=item, course=course)
    except services.NotEnrolled as error:
        return _error(str(error), 403)
    attempt.package = item.package
    return JsonResponse(_state(attempt, request))


@never_cache
@require_POST
@login_required
def attempt_commit(request, uuid):
    """Store what the runtime sends (form field ``state``: {"seq", "data", "total_seconds"}). A commit
    not newer than the stored one is answered ``saved: false`` and changes nothing."""
    meta = services.attempt_meta(uuid=uuid, learner_id=request.user.pk)
    if meta is None:
        raise Http404
    try:
        state = json.loads(request.POST.get("state", ""))
        seq = int(state["seq"])
        if not 0 < seq < 2**62:
            raise ValueError
        saved, result = services.attempt_commit(
            uuid=uuid,
            meta=meta,
            seq=seq,
            data=state.get("data", {}),
            total_seconds=state.get("total_seconds"),
        )
    except (ValueError, KeyError, TypeError, AttributeError, cmi.CommitRefused):
        return _error(_("The lesson's progress could not be saved: the data sent was not valid."), 400)
    except services.NotEnrolled as error:
        return _error(str(error), 403)
    return JsonResponse(
        {
            "saved": saved,
            "done": meta.done,
            "completion": result.completion_status if saved else None,
            "success": result.success_status if saved else None,
        }
    )

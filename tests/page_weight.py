"""Page weight: what a phone downloads to show a page, compressed as served, content images left out.

The budget (issue 17) is 60 KB for a learner page: the HTML compressed with gzip (as the proxy in front
sends it) plus every file the page makes the browser fetch on load — stylesheets, scripts, preloads,
the web app manifest and the icon — as WhiteNoise serves them (pre-compressed, gzip level 9), plus
what those files fetch in turn: a stylesheet's ``@import`` and ``url()`` (fonts, UI pictures) and the
service worker a script registers. Content images (``<img>``, ``<picture>``, posters, videos) are not
counted: they are lazy-loaded, phone-sized, and left out under data saver.

It reads references from the page itself, so a script or stylesheet added later is counted without
changing this file. Used by the default suite (``tests/test_page_weight.py``, through Django's test
client) and by ``make bench`` (``tests/bench/run.py``, over HTTP from gunicorn).
"""

import gzip
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

BUDGET = 60 * 1024
HTML_GZIP_LEVEL = 6  # nginx's usual `gzip_comp_level`; WhiteNoise pre-compresses static files at 9
STATIC_GZIP_LEVEL = 9
# <link rel=…> the browser fetches while loading the page.
FETCHED_RELS = {"stylesheet", "preload", "modulepreload", "manifest", "icon", "shortcut", "apple-touch-icon"}
CSS_URL = re.compile(r"""url\(\s*(["']?)([^"')]+)\1\s*\)|@import\s+(["'])([^"']+)\3""")
SERVICE_WORKER = re.compile(r"""serviceWorker\s*\.\s*register\(\s*(["'`])([^"'`]+)\1""")
# Data attributes naming a service worker for a script to register (e.g. data-service-worker="/sw.js").
SERVICE_WORKER_ATTR = re.compile(r"^data-(?:[a-z-]*-)?(?:sw|service-worker|serviceworker)(?:-url)?$")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".gif", ".avif")


class _References(HTMLParser):
    """The URLs a page makes the browser fetch on load, in order, without content images."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self._inert = 0  # inside <template> or <noscript>: not fetched

    def handle_starttag(self, tag, attrs):
        if tag in ("template", "noscript"):
            self._inert += 1
            return
        if self._inert:
            return
        attrs = {name: value or "" for name, value in attrs}
        if tag == "link" and FETCHED_RELS & set(attrs.get("rel", "").lower().split()) and attrs.get("href"):
            self.urls.append(attrs["href"])
        elif tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])
        for name, value in attrs.items():
            if SERVICE_WORKER_ATTR.match(name) and value:
                self.urls.append(value)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in ("template", "noscript"):
            self._inert -= 1

    def handle_endtag(self, tag):
        if tag in ("template", "noscript") and self._inert:
            self._inert -= 1


def page_references(html: str) -> list[str]:
    parser = _References()
    parser.feed(html)
    parser.close()
    return list(dict.fromkeys(parser.urls))  # a script included by two blocks is fetched once


def _nested_references(url: str, body: bytes) -> list[str]:
    """What a fetched stylesheet or script fetches in turn (same-site, not data: URLs)."""
    path = urlsplit(url).path
    text = body.decode("utf-8", "replace")
    if path.endswith(".css"):
        found = [match.group(2) or match.group(4) for match in CSS_URL.finditer(text)]
    elif path.endswith((".js", ".mjs")):
        found = [match.group(2) for match in SERVICE_WORKER.finditer(text)]
    else:
        return []
    return [urljoin(url, ref.strip()) for ref in found if not ref.strip().startswith(("data:", "#"))]


def compressed_size(body: bytes, level: int = STATIC_GZIP_LEVEL) -> int:
    return len(gzip.compress(body, level, mtime=0))


@dataclass
class PageWeight:
    """Bytes on the wire: ``html`` and each referenced file by URL, all compressed."""

    html: int
    files: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.html + sum(self.files.values())

    def by_kind(self) -> dict[str, int]:
        kinds = {"html": self.html, "css": 0, "js": 0, "other": 0}
        for url, size in self.files.items():
            path = urlsplit(url).path
            kind = "css" if path.endswith(".css") else "js" if path.endswith((".js", ".mjs")) else "other"
            kinds[kind] += size
        return kinds

    def as_dict(self) -> dict:
        return {"total": self.total, **self.by_kind(), "files": self.files}

    def describe(self) -> str:
        kinds = self.by_kind()
        return (
            f"{self.total / 1024:.1f} KB (HTML {kinds['html'] / 1024:.1f}, CSS {kinds['css'] / 1024:.1f}, "
            f"JS {kinds['js'] / 1024:.1f}, other {kinds['other'] / 1024:.1f})"
        )


# fetch(url) -> (body, size on the wire when the server sent it compressed, else None) for a same-site
# URL, or None when it is not there. The body is uncompressed either way.
Fetch = Callable[[str], tuple[bytes, int | None] | None]


def measure(page_url: str, html: bytes, fetch: Fetch) -> PageWeight:
    """The weight of a page whose HTML (uncompressed) is ``html``; ``fetch`` gets every file it uses.

    Files on other sites are an error: the site uses no CDN or third-party service."""
    weight = PageWeight(html=compressed_size(html, level=HTML_GZIP_LEVEL))
    queue = [urljoin(page_url, ref) for ref in page_references(html.decode("utf-8", "replace"))]
    while queue:
        url = queue.pop(0)
        if url in weight.files:
            continue
        if urlsplit(url).netloc and urlsplit(url).netloc != urlsplit(page_url).netloc:
            raise ValueError(f"{page_url} loads {url} from another site")
        if urlsplit(url).path.lower().endswith(IMAGE_SUFFIXES) and "/media/" in url:
            continue  # a content image named in a preload: not counted
        found = fetch(url)
        if found is None:
            raise ValueError(f"{page_url} references {url}, which is not there")
        body, wire_size = found
        weight.files[url] = compressed_size(body) if wire_size is None else wire_size
        queue += _nested_references(url, body)
    return weight

"""Playwright driving Debian's chromium (Playwright's own browser download cannot work here)."""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
}
# The Wagtail admin is used on office computers.
DESKTOP = {"viewport": {"width": 1280, "height": 800}, "locale": "zh-CN"}
# Every page and frame reports what its Content-Security-Policy blocked, with where it happened
# (Chromium's own console message names neither the page nor the frame).
CSP_VIOLATION_REPORTER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`Content Security Policy violation on ${location.pathname}: ${event.effectiveDirective} `
    + `blocked ${event.blockedURI || "inline code"} (${event.sourceFile || ""}:${event.lineNumber})`);
});
"""
LOCAL_SCHEMES = ("data:", "blob:", "about:")


def pytest_configure(config):
    """Assertions wait up to 15 s, like actions (the context's default timeout): Playwright's own 5 s was
    shorter than an autosave's round trip on a loaded two-core CI machine."""
    from playwright.sync_api import expect

    expect.set_options(timeout=15_000)


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("REQUIRE_BROWSER"):
        raise pytest.UsageError(
            f"REQUIRE_BROWSER is set but {CHROMIUM} is missing (scripts/ensure_browser.sh)"
        )
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not installed; run scripts/ensure_browser.sh")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def browser():
    """One browser per test. Playwright's sync API runs an event loop in this thread, and while
    it runs Django hands out fresh database connections; starting it after the test database is
    set up (and stopping it before teardown) keeps transactional tests' data restores working.
    Fixtures that write data go before it in a test's arguments: one set up after it opened a
    connection that nothing closed, and the test database could not be dropped at the end."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PhonePage:
    """A phone-sized page that records console errors, Content-Security-Policy violations and
    requests to other sites, and saves screenshots as artifacts."""

    def __init__(self, page, base_url: str, name: str):
        self.page = page
        self.base_url = base_url
        self.name = name
        self.errors: list[str] = []
        self.third_party_requests: list[str] = []
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("request", self._record_request)

    def _record_request(self, request) -> None:
        url = request.url
        if not (url.startswith(self.base_url + "/") or url.startswith(LOCAL_SCHEMES)):
            self.third_party_requests.append(url)

    @property
    def csp_violations(self) -> list[str]:
        return [error for error in self.errors if "Content Security Policy" in error]

    def goto(self, path: str):
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        return response

    def screenshot(self, step: str, full_page: bool = True) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{self.name}-{step}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path


def _recorded_page(browser, live_server, request, options):
    context = browser.new_context(**options)
    context.set_default_timeout(15_000)
    context.add_init_script(CSP_VIOLATION_REPORTER)
    page = context.new_page()
    wrapper = PhonePage(page, live_server.url, request.node.name)
    yield wrapper
    context.close()
    assert wrapper.csp_violations == [], f"Content-Security-Policy violations: {wrapper.csp_violations}"
    assert wrapper.third_party_requests == [], f"requests to other sites: {wrapper.third_party_requests}"
    assert wrapper.errors == [], f"console errors: {wrapper.errors}"


@pytest.fixture
def phone(browser, live_server, request):
    yield from _recorded_page(browser, live_server, request, PHONE)


@pytest.fixture
def desktop(browser, live_server, request):
    """Like `phone`, in a desktop-sized window (for the Wagtail admin)."""
    yield from _recorded_page(browser, live_server, request, DESKTOP)


def shorten_demo_quiz(course_slug: str = "qr-visitor-registration", keep: int = 4) -> None:
    """Publish the demo course's final quiz with its first `keep` questions, as a trainer would shorten it.
    The journeys answer the first four of the QR course's quiz (single choice, true or false, ordering,
    tap-the-spot: one of each kind they check); the rest of its 17 would only repeat them."""
    from quizzes.models import QuizPage

    quiz = QuizPage.objects.get(url_path__endswith=f"/{course_slug}/quiz/")
    quiz.questions = [(block.block_type, block.value) for block in list(quiz.questions)[:keep]]
    quiz.save_revision().publish()

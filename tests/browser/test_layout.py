"""Every learner page on a phone — 320, 360 and 414 px wide, in Chinese and English, with normal
and large text — fits the screen: no sideways scrolling, no navigation label broken inside a word or
squeezed narrower than its text, touch targets of at least 44 px, no text smaller than 16 px.

One demo site and one browser serve the whole file (loading the demo for each of the twelve cases
would take minutes): the data is written once, before the browser starts, by a module fixture that
runs its own live server, and the database is put back as the migrations left it afterwards.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.test import Client

from core.preferences import TEXT_SIZE_COOKIE
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, CSP_VIOLATION_REPORTER, PHONE, PhonePage

# A plain database test (each test in a transaction that is rolled back): the demo data is
# written once per module, below; serialized_rollback keeps a copy of the migrated database to put
# back afterwards.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(serialized_rollback=True)]

WIDTHS = (320, 360, 414)
LANGUAGES = ("zh-hans", "en")
TEXT_SIZES = ("normal", "large")
COURSE = "/courses/qr-visitor-registration/"
LESSON = COURSE + "guide-visitors/"  # guided practice, screenshots and step images
QUIZ = COURSE + "quiz/"

# The README's phone screenshots (one screen each), refreshed by `make screenshots`
# (UPDATE_DOCS_SCREENSHOTS=1): (case, page) -> file in docs/images.
DOCS_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
README_SCREENSHOTS = {
    ("360-zh-hans-normal", "my-learning"): "my-learning.png",
    ("360-zh-hans-normal", "lesson"): "lesson.png",
    ("360-en-large", "lesson"): "lesson-en-large.png",
    ("320-zh-hans-large", "home"): "home-large-320.png",
}

# Runs in the page; returns what is wrong with it, one line per problem.
LAYOUT_PROBLEMS = """
(width) => {
  const problems = [];
  const describe = (el) => `${el.tagName.toLowerCase()}.${[...el.classList].join(".")} "${
    el.textContent.trim().replace(/\\s+/g, " ").slice(0, 30)}"`;
  const shown = (el) => {
    if (el.closest("[hidden], [aria-hidden=true], .visually-hidden")) return false;
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return box.width > 1 && box.height > 1 && style.visibility !== "hidden";
  };
  const width_now = document.documentElement.scrollWidth;
  if (width_now > width) problems.push(`the page is ${width_now} px wide`);

  // The header and navigation: every link and button whole, on one line, big enough to tap.
  for (const el of document.querySelectorAll(".site-header a, .site-header button")) {
    if (!shown(el)) continue;
    const box = el.getBoundingClientRect();
    if (box.right > width + 0.5 || box.left < -0.5) problems.push(`${describe(el)} is cut off`);
    if (el.scrollWidth > el.clientWidth + 1) problems.push(`${describe(el)} is narrower than its label`);
    const texts = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      if (node.textContent.trim() && !node.parentElement.closest(".visually-hidden, [aria-hidden=true]")) {
        texts.push(node);
      }
    }
    for (const node of texts) {
      const range = document.createRange();
      range.selectNodeContents(node);
      const lines = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
      if (lines.size > 1) problems.push(`${describe(el)} wraps onto ${lines.size} lines`);
    }
  }

  // Touch targets: the header's links and buttons, and the page's actions (buttons and button-like
  // links, form controls that submit); links inside running text are exempt (WCAG 2.5.8).
  const targets = document.querySelectorAll(
    ".site-header a, .site-header button, main button, main .button, main input[type=submit], "
    + "main .chip, main .pager__link, main summary"
  );
  for (const el of targets) {
    if (!shown(el)) continue;
    const box = el.getBoundingClientRect();
    if (box.height < 43.5 || box.width < 43.5) {
      problems.push(`${describe(el)} is ${Math.round(box.width)}×${Math.round(box.height)} px`);
    }
  }

  // Text: nothing a learner reads is smaller than 16 px.
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const parent = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || seen.has(parent)) continue;
    seen.add(parent);
    const skipped = "script, style, noscript, svg, .visually-hidden, #wagtail-userbar";
    if (parent.closest(skipped) || !shown(parent)) continue;
    const size = parseFloat(getComputedStyle(parent).fontSize);
    if (size < 15.95) problems.push(`${describe(parent)} is set in ${size} px text`);
  }
  return problems;
}
"""


@dataclass
class DemoSite:
    url: str
    session_cookie: str
    attempt_url: str
    result_url: str
    certificate_list_url: str


def _migrated_data_present() -> bool:
    """Whether the test database holds what the migrations wrote (Wagtail's root page): so it does after
    plain database tests; a transactional test leaves it empty."""
    from wagtail.models import Page

    return Page.objects.exists()


def _reset_database(*, with_migrated_data: bool) -> None:
    """Empty the test database and, if asked, reload what the migrations wrote (as pytest-django's
    serialized_rollback does), with every sequence moved past the reloaded ids (on PostgreSQL a flush
    restarts them at 1, and reloaded rows keep their ids)."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from django.core.management.color import no_style

    from core import content_cache

    for connection in connections.all():
        call_command(
            "flush", database=connection.alias, interactive=False, inhibit_post_migrate=True, verbosity=0
        )
        contents = getattr(connection, "_test_serialized_contents", None)
        if with_migrated_data and contents is not None:
            connection.creation.deserialize_db_from_string(contents)
            statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models())
            if statements:
                with connection.cursor() as cursor:
                    for statement in statements:
                        cursor.execute(statement)
    # Content types looked up while the tables were empty were created under other ids: forget them all,
    # and every cached page and route, so later tests read what the database now holds.
    ContentType.objects.clear_cache()
    content_cache.bump()


def _build_learner_data() -> tuple[str, str, str]:
    """The demo learner with progress (from the demo loader), a quiz attempt under way, a
    finished one, a certificate and an unread reminder. Returns the session cookie and the
    attempt question and result paths."""
    from accounts.models import User
    from courses.models import CoursePage
    from notifications import services as notification_services
    from notifications.selectors import ReminderDraft
    from progress import services as progress_services
    from quizzes import services as quiz_services
    from quizzes.models import QuizPage

    call_command("load_demo", "--with-accounts", verbosity=0)
    learner = User.objects.get(username="learner")
    admin = User.objects.get(username="admin")
    course = CoursePage.objects.get(slug="qr-visitor-registration")
    quiz = QuizPage.objects.descendant_of(course).get(slug="quiz")
    finished = quiz_services.attempt_start(learner=learner, quiz=quiz, course=course)
    quiz_services.attempt_submit(attempt=finished)
    under_way = quiz_services.attempt_start(learner=learner, quiz=quiz, course=course)
    second = CoursePage.objects.live().exclude(pk=course.pk).order_by("path").first()
    progress_services.course_completion_override(
        learner=learner, course=second, actor=admin, reason="layout test"
    )
    notification_services.notifications_create(
        drafts=[
            ReminderDraft(
                recipient_id=learner.pk,
                kind="due_soon",
                dedupe_key=f"layout:{learner.pk}",
                params={"course": course.title, "due_on": "2026-11-20"},
                link=COURSE,
            )
        ]
    )
    client = Client()
    client.force_login(learner)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    return session, f"/quizzes/attempts/{under_way.uuid}/1/", f"/quizzes/attempts/{finished.uuid}/result/"


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker):
    """The demo site behind its own live server, for the whole module (see the docstring above)."""
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        found = _migrated_data_present()  # left as found, for the tests after this module
        _reset_database(with_migrated_data=True)
        session, attempt_url, result_url = _build_learner_data()
        server = LiveServer("localhost")
        try:
            yield DemoSite(server.url, session, attempt_url, result_url, "/my/certificates/")
        finally:
            server.stop()
            _reset_database(with_migrated_data=found)


@pytest.fixture(scope="module")
def module_browser(demo_site):
    """One browser for the module, started after the data is written and stopped before it is
    removed (see the `browser` fixture in conftest.py on database connections)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def _media_root():
    """The demo's images were stored once for the module: keep the media root they are in."""


def learner_pages(site: DemoSite) -> list[tuple[str, str]]:
    return [
        ("home", "/"),
        ("catalogue", "/courses/"),
        ("search", "/search/?q=%E7%99%BB%E8%AE%B0"),  # 登记
        ("course", COURSE),
        ("lesson", LESSON),
        ("quiz", QUIZ),
        ("question", site.attempt_url),
        ("result", site.result_url),
        ("my-learning", "/my/"),
        ("certificates", site.certificate_list_url),
        ("notifications", "/notifications/"),
        ("account", "/accounts/profile/"),
        ("password", "/accounts/password/"),
    ]


CASES = [
    pytest.param(width, language, size, id=f"{width}-{language}-{size}")
    for width, language, size in itertools.product(WIDTHS, LANGUAGES, TEXT_SIZES)
]


@pytest.mark.parametrize(("width", "language", "size"), CASES)
def test_every_learner_page_fits_the_phone(module_browser, demo_site, request, width, language, size):
    context = module_browser.new_context(**{**PHONE, "viewport": {"width": width, "height": 740}})
    context.set_default_timeout(15_000)
    context.add_init_script(CSP_VIOLATION_REPORTER)
    host = demo_site.url.split("//", 1)[1].split(":")[0]
    cookie = {"domain": host, "path": "/"}
    context.add_cookies(
        [
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, **cookie},
            {"name": TEXT_SIZE_COOKIE, "value": size, **cookie},
        ]
    )
    case = f"{width}-{language}-{size}"
    phone = PhonePage(context.new_page(), demo_site.url, f"layout-{case}")
    problems: dict[str, list[str]] = {}

    def check(name: str, path: str) -> None:
        phone.goto(path)
        assert phone.page.locator("html").get_attribute("lang").lower().startswith(language[:2])
        assert ("text-large" in (phone.page.locator("html").get_attribute("class") or "")) == (
            size == "large"
        )
        found = phone.page.evaluate(LAYOUT_PROBLEMS, width)
        if found:
            problems[name] = found
        phone.screenshot(name)
        if (case, name) in README_SCREENSHOTS and os.environ.get("UPDATE_DOCS_SCREENSHOTS"):
            phone.page.screenshot(path=str(DOCS_IMAGES / README_SCREENSHOTS[case, name]))

    try:
        check("sign-in", "/accounts/login/")
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": demo_site.session_cookie, **cookie}]
        )
        for name, path in learner_pages(demo_site):
            check(name, path)
    finally:
        context.close()
    assert problems == {}, "\n".join(f"{page}: {'; '.join(found)}" for page, found in problems.items())
    assert phone.csp_violations == [], f"Content-Security-Policy violations: {phone.csp_violations}"
    assert phone.third_party_requests == [], f"requests to other sites: {phone.third_party_requests}"
    assert phone.errors == [], f"console errors: {phone.errors}"

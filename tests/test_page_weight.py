"""Learner pages stay within the page-weight budget (issue 17): 60 KB compressed, JavaScript included,
content images left out. Measured on the demo curriculum for a signed-in learner, whatever stylesheets
and scripts the pages reference (see tests/page_weight.py); `make bench` measures the same over HTTP."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from core.preferences import DATA_SAVER_COOKIE
from courses.models import CoursePage, LessonPage
from progress import services
from quizzes.models import QuizPage
from tests.demo_snapshot import load_demo
from tests.factories import make_user
from tests.page_weight import BUDGET, measure, page_references

pytestmark = pytest.mark.django_db

STATIC_URL = "/static/"


def static_or_view(client: Client):
    """Static files from the finders (what collectstatic would serve); anything else through the site."""

    def fetch(url: str):
        path = url.split("://", 1)[-1].split("/", 1)[-1]
        path = "/" + path.split("?", 1)[0]
        if path.startswith(STATIC_URL):
            found = finders.find(path.removeprefix(STATIC_URL))
            return None if found is None else (Path(found).read_bytes(), None)
        response = client.get(path)
        if response.status_code != 200:
            return None
        body = b"".join(response.streaming_content) if response.streaming else response.content
        return body, None

    return fetch


def weigh(client: Client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    return measure("http://testserver" + url, response.content, static_or_view(client))


@pytest.fixture
def learner_client(db):
    load_demo()
    learner = make_user("weight-learner")
    for course in CoursePage.objects.live():
        first = course.items()[0].specific
        services.item_complete(learner=learner, item=first, course=course)
    client = Client()
    client.force_login(learner)
    return client


def test_page_references_find_what_the_browser_fetches():
    html = """<link rel="stylesheet" href="/static/css/site.css"><link rel="icon" href="/static/i.svg">
    <link rel="canonical" href="/x/"><link rel="manifest" href="/manifest.webmanifest">
    <script src="/static/js/a.js" defer></script><script>inline()</script><img src="/media/big.jpg">
    <template><script src="/static/js/inert.js"></script></template><script src="/static/js/a.js"></script>"""
    assert page_references(html) == [
        "/static/css/site.css",
        "/static/i.svg",
        "/manifest.webmanifest",
        "/static/js/a.js",
    ]


def test_nested_files_are_counted_and_missing_ones_fail():
    files = {
        "http://t/static/a.css": b"@import 'b.css'; .x{background:url(/static/ui.svg)}"
        b" .y{background:url(data:,)}"
        b" .z{background:url('#i')}",
        "http://t/static/b.css": b".b{}",
        "http://t/static/ui.svg": b"<svg/>",
        "http://t/static/reg.js": b"navigator.serviceWorker.register('/sw.js')",
        "http://t/sw.js": b"self.addEventListener('fetch', () => {})",
    }
    page = b'<link rel="stylesheet" href="/static/a.css"><script src="/static/reg.js"></script>'
    weight = measure("http://t/page/", page, lambda url: (files[url], None) if url in files else None)
    assert set(weight.files) == set(files)
    assert weight.total == weight.html + sum(weight.files.values())
    with pytest.raises(ValueError, match="not there"):
        measure("http://t/page/", b'<script src="/static/gone.js"></script>', lambda url: None)
    with pytest.raises(ValueError, match="another site"):
        measure("http://t/page/", b'<script src="https://cdn.example/x.js"></script>', lambda url: None)


def test_learner_pages_are_within_the_budget(learner_client):
    client = learner_client
    course = CoursePage.objects.live().order_by("path").first()
    lessons = LessonPage.objects.live().order_by("path")
    quiz = QuizPage.objects.live().order_by("path").first()
    pages = {"My learning": "/my/", "course page": course.url}
    # Every demo lesson: the heaviest one holds the budget, whichever it is.
    pages |= {f"lesson {lesson.slug}": lesson.url for lesson in lessons}
    pages["quiz page"] = quiz.url
    start = client.post(f"/quizzes/{quiz.pk}/start/")
    assert start.status_code == 302, "the learner can start the demo quiz"
    pages["quiz question"] = start["Location"]

    weights = {name: weigh(client, url) for name, url in pages.items()}
    client.cookies[DATA_SAVER_COOKIE] = "on"  # data saver adds its script to lessons
    weights |= {f"{name}, data saver": weigh(client, url) for name, url in pages.items() if "lesson" in name}

    for name, weight in weights.items():
        print(f"{name}: {weight.describe()}")
    over = {name: weight.describe() for name, weight in weights.items() if weight.total > BUDGET}
    assert not over, f"over the {BUDGET // 1024} KB page-weight budget: {over}"
    # The measurement really counts the page's scripts and stylesheet.
    question = weights["quiz question"]
    assert any(re.search(r"/js/quiz\.js$", url) for url in question.files)
    assert any(re.search(r"/css/site\.css$", url) for url in question.files)
    assert any(
        url.endswith("/js/listen.js") for name, w in weights.items() if "lesson" in name for url in w.files
    )

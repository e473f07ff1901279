"""Chinese on every screen: each learner page and each admin screen trainers, reviewers and training
managers use, rendered in zh-hans, shows no English outside an allow-list of product names.

The screens come from the rights matrix (tests/test_rights_matrix.py), which has an entry for every URL
pattern the resolver knows — ours and Wagtail's — and knows how to fill each one's arguments with an
object of its world (a course, a lesson, a person, a unit, a report's place in the tree…). So a screen
added to the project is covered here as soon as the matrix says who may use it. Each screen is opened
once, by the first of its users in VIEWERS, with an object inside their reach.

What counts as visible text: the text of the HTML (without scripts, styles and templates) plus the
aria-label, title, placeholder and alt attributes. What counts as English: a word of two or more Latin
letters that is not a product name (PRODUCT_NAMES) nor part of an identifier a person typed or the
system made (usernames, file names, e-mail addresses, codes: anything with a digit, "_", "@", "." or
"/" inside). Text of the test world's own content (names of courses, people, units…) is ignored.
"""

from __future__ import annotations

import fnmatch
import json
import re

import pytest
from bs4 import BeautifulSoup, Comment

from tests.rights_matrix import NOTHING, Case, Outcome, Screen, outcome_of
from tests.test_rights_matrix import CASES, world  # noqa: F401  (world: the matrix's fixture)

# Who looks at each screen: the first of these who may use it.
VIEWERS = ("learner", "trainer", "reviewer", "district_manager", "community_manager")

# Product and format names, abbreviations and words that are the same in Chinese text.
PRODUCT_NAMES = {
    "WeChat",
    "AI",
    "QR",
    "PDF",
    "Excel",
    "CSV",
    "GIFT",
    "Aiken",
    "Moodle",
    "Wagtail",  # the admin's name for itself (version banner, "Wagtail 编辑指南"); decided: a product name
    "English",  # the language switch names each language in itself
    "XLSX",
    "SCORM",  # the e-learning package standard (SCORM 1.2 / 2004), named so in Chinese too
    "Scorm",  # the same, through the |title filter of Wagtail's page types report ("Scorm 课时")
    "JSON",
    "XML",
    "URL",
    "ID",
    "API",
    "HTML",
    "JavaScript",
    "MP4",
    "WebM",  # video and sound file formats a trainer may upload (courses.media_files)
    "MOV",
    "AAC",
    "OGG",
    "WAV",
    "ffmpeg",  # the program that converts videos, named in the message when it is missing
    "JPG",
    "JPEG",
    "PNG",
    "GIF",
    "WebP",
    "SVG",
    "AVIF",
    "WEBP",
    "HEIC",
    "xlsx",
    "xls",
    "csv",
    "pdf",
    "docx",
    "mp4",
    "KB",
    "MB",
    "GB",
    "px",
    "Ctrl",
    "Cmd",
    "Shift",
    "Alt",
    "Enter",
    "Esc",
    "Tab",
    "iPhone",
    "Android",
    "App",
    "SMS",
    "Email",
    "UTC",
    "Asia",
    "Shanghai",
    "GMT",
    "am",
    "pm",
    "AM",
    "PM",
}

# English known on screens outside this helper's area, listed so the rest stays guarded:
# (case-id glob, phrase) → why.
KNOWN: dict[tuple[str, str], str] = {
    # The question import page shows the GIFT and Aiken syntax itself ("ANSWER: B", "$CATEGORY:").
    ("quizzes_admin:import", "ANSWER"): "file syntax",
    ("quizzes_admin:import", "CATEGORY"): "file syntax",
    # The username field's example (accounts: "e.g. zhangwei"): a username is written in Latin letters.
    ("wagtailusers_users:*", "zhangwei"): "an example username",
    # A revision made by a script (no user) is shown by Wagtail as "创建人： None".
    ("*:revisions_revert", "None"): "Wagtail prints a missing revision user as None",
}

URL = re.compile(r"\w+://\S+")
IDENTIFIER = re.compile(r"\b[A-Z][a-z]+(?:[A-Z][a-z]+)+\b")  # class names ("ImageChooserBlock")
CODE = re.compile(r"\b[A-Z0-9]{4}(?:-[A-Z0-9]{4}){3}\b")  # certificate verification codes
# A suggested initial password, in its groups (accounts.passwords): random letters, not English.
INITIAL_PASSWORD = re.compile(r"\b[a-z2-9]{5}(?: [a-z2-9]{5}){2}\b")
# New strings of this branch whose Chinese is in the helper's PO file, not yet merged into locale/:
# (msgctxt, msgid). Shown in English until then; test_pending_strings_are_still_untranslated fails
# once they are translated, so the entry is removed then.
PENDING: set[tuple[str | None, str]] = set()  # (context, msgid) of strings awaiting their translation
PENDING_TEXT = {msgid for _context, msgid in PENDING}


def _without_pending(text: str) -> str:
    for msgid in PENDING_TEXT:
        text = text.replace(msgid, " ")
    return text


WORD = re.compile(r"(?<![\w@./-])[A-Za-z][A-Za-z'’]+(?:[ -][A-Za-z][A-Za-z'’]+)*(?![\w@/]|[.-]\w)")
ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")


def visible_text(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    for element in soup.find_all(["script", "style", "template", "svg"]):
        element.decompose()
    # Hidden until the user opens it (filters, menus) still counts; this counter is filled by script
    # and says "None" until then.
    for element in soup.find_all(attrs={"data-side-panel-toggle-counter": True}):
        element.decompose()
    # Time zones are identifiers ("Asia/Shanghai", "Cuba", "PRC"), listed as the system names them.
    for element in soup.find_all("select", attrs={"name": re.compile("time_zone")}):
        element.decompose()
    for comment in soup.find_all(string=lambda text: isinstance(text, Comment)):
        comment.extract()
    texts = [soup.get_text("\n")]
    for attribute in ATTRIBUTES:
        texts += [element[attribute] for element in soup.find_all(attrs={attribute: True})]
    return texts


def english_in(texts: list[str], content: set[str]) -> set[str]:
    found = set()
    for text in texts:
        for line in text.splitlines():
            line = IDENTIFIER.sub(" ", CODE.sub(" ", INITIAL_PASSWORD.sub(" ", URL.sub(" ", line))))
            if any(item in line for item in content):
                for item in content:
                    line = line.replace(item, " ")
            for match in WORD.finditer(line):
                words = [word for word in re.split(r"[ -]", match.group()) if word not in PRODUCT_NAMES]
                if any(len(word) > 1 for word in words):
                    found.add(match.group())
    return found


def world_content(world) -> set[str]:  # noqa: F811
    """Names the test world gave its objects (people, units, courses…): user content, not the UI."""
    from django.contrib.auth import get_user_model
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Collection, Page, Task, Workflow

    names = set()
    for user in get_user_model().objects.all():
        names |= {user.username, user.get_full_name(), user.email}
    names |= set(Page.objects.values_list("title", flat=True))
    names |= set(get_image_model().objects.values_list("title", flat=True))
    names |= set(get_document_model().objects.values_list("title", flat=True))
    # Names given in data migrations, bilingual by design ("课程素材 Course material"):
    # test_names_made_by_migrations_are_chinese checks they have Chinese.
    names |= {
        name
        for model in (Collection, Workflow, Task)
        for name in model.objects.values_list("name", flat=True)
    }
    return {name for name in names if name and re.search(r"[A-Za-z]", name)}


def _screens():
    for case in CASES:
        screen = case.expectation
        if not isinstance(screen, Screen) or not screen.get:
            continue
        role = next((role for role in VIEWERS if role in screen.who), None)
        if role is None:
            continue
        yield pytest.param(case, role, id=f"{case.id}-{role}")


def _html_of(response) -> str | None:
    """The HTML a response shows: a page, or a modal (Wagtail's choosers answer JSON with its HTML)."""
    kind = response.get("Content-Type", "")
    if "text/html" in kind:
        return response.content.decode()
    if "json" in kind and not response.streaming:
        data = json.loads(response.content)
        if isinstance(data, dict) and isinstance(data.get("html"), str):
            return data["html"]
    return None


def _known(case_id: str, phrase: str) -> bool:
    return any(fnmatch.fnmatchcase(case_id, glob) and phrase == known for glob, known in KNOWN)


@pytest.fixture(scope="module")
def content(world):  # noqa: F811
    from django.test.utils import setup_test_environment  # noqa: F401

    return world_content(world)


@pytest.mark.parametrize(("case", "role"), list(_screens()))
def test_no_english_on_a_chinese_screen(db, client, settings, world, content, case: Case, role: str):  # noqa: F811
    settings.MEDIA_ROOT = world.media_root
    world.memo.clear()
    client.raise_request_exception = False
    client.force_login(world.users[role])
    screen: Screen = case.expectation
    where = "inside" if "inside" in screen.target.wheres else screen.target.wheres[0]
    obj = screen.target.object(world, role, where)
    if obj is NOTHING:
        pytest.skip(f"no object for {role}")
    url = screen.target.url(world, case.pattern, obj, where)
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = _html_of(response) if outcome_of(response, screen.gone) is Outcome.OK else None
    if html is None:
        pytest.skip(f"{url} answered {response.status_code} {response.get('Content-Type', '')}")
    english = {
        phrase
        for phrase in english_in([_without_pending(text) for text in visible_text(html)], content)
        if not _known(case.id, phrase) and phrase not in PENDING_TEXT
    }
    assert not english, f"{case.id} ({url}, as {role}) shows English: " + " | ".join(sorted(english))


def test_names_made_by_migrations_are_chinese(db):
    """Collections, workflows and tasks are named in data migrations; each name has Chinese (it may
    keep the English after it, like "课程审核 Course review")."""
    from wagtail.models import Collection, Task, Workflow

    for model in (Collection, Workflow, Task):
        # Wagtail's root collection is never shown by name to trainers (choosers list what is under it).
        names = model.objects.exclude(name="Root") if model is Collection else model.objects.all()
        for name in names.values_list("name", flat=True):
            assert re.search(r"[\u4e00-\u9fff]", name), f"{model.__name__} {name!r} has no Chinese"


def test_pending_strings_are_still_untranslated():
    from django.utils import translation

    with translation.override("zh-hans"):
        done = [
            msgid
            for context, msgid in PENDING
            if (translation.pgettext(context, msgid) if context else translation.gettext(msgid)) != msgid
        ]
    assert not done, f"translated now: remove from PENDING in {__name__}: {done}"

"""What the cluster load test's users need besides Locust: reading the site's pages as a browser does,
the people to play, and the two logs (tests/cluster/locustfile.py runs the journeys).

No Locust and no Django here, so the unit tests (tests/cluster/test_load_parts.py) import it freely.

Logs, both under ``$CLUSTER_DIR``, one file per Locust process, appended line by line (a crash loses
at most the line being written):

* ``requests-<pid>.jsonl``: every response, ``{"t", "step", "status", "ms"}`` (status 0: no answer —
  the connection failed or timed out);
* ``acks/<pid>.jsonl``: every write the server acknowledged (``kind`` completion, answer, submit,
  certificate), every write whose outcome is unknown (``answer-unsure``: an answer save that got no
  answer or a 5xx — it may or may not have been applied), and every page that showed another
  person (``cross-user``). tests/cluster/check_acks.py reads them.
"""

import html
import json
import os
import random
import re
import threading
import time
from collections import deque
from html.parser import HTMLParser
from pathlib import Path

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CONTINUE_RE = re.compile(
    r'<section class="panel continue".*?<a class="button button--primary button--wide" href="([^"]+)"', re.S
)
START_RE = re.compile(r'action="(/quizzes/\d+/start/)"')
ATTEMPT_RE = re.compile(r"/quizzes/attempts/([0-9a-f-]{36})/(\d+)/$")
RESULT_RE = re.compile(r"/quizzes/attempts/([0-9a-f-]{36})/result/$")
ORDERING_ROW_RE = re.compile(r'<label class="ordering__label" for="(row-\d+)">(.*?)</label>', re.S)
QUESTION_COUNT_RE = re.compile(r'<form method="post" class="form question-form"')
CERTIFICATE_LINK_RE = re.compile(r'href="(/my/certificates/([A-Za-z0-9-]+)/)"')
COMPLETE_FORM_RE = re.compile(r'action="(/my/items/(\d+)/complete/)"')
PASSED = "result-box--pass"
CODE_REFUSED = '<div class="form__errors" role="alert">'  # the sign-in page: no code sent (a limit)
SIGN_IN_PATH = "/accounts/login/"


def csrf_token(page: str) -> str | None:
    """The CSRF token of the page's first form (every form of a page carries the same secret)."""
    found = CSRF_RE.search(page)
    return html.unescape(found.group(1)) if found else None


def continue_link(page: str) -> str | None:
    """My learning's 「继续学习」 button: where the learner stopped."""
    found = CONTINUE_RE.search(page)
    return html.unescape(found.group(1)) if found else None


def text_of(fragment: str) -> str:
    """A bit of HTML as the reader sees it: tags dropped, entities read, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def answer_fields(answer: dict, page: str) -> dict[str, list[str]]:
    """The form fields that give ``answer`` (an entry of the seed's answer key) on this question page.
    Ordering questions show their steps shuffled, one select per row: each row gets its step's place."""
    if answer["kind"] != "ordering":
        return {name: list(values) for name, values in answer["fields"].items()}
    places = {text_of(step): number for number, step in enumerate(answer["steps"], start=1)}
    fields = {}
    for field, label in ORDERING_ROW_RE.findall(page):
        place = places.get(text_of(label))
        if place is None:  # a step the key does not know (the question changed): any place
            place = len(fields) + 1
        fields[field] = [str(place)]
    return fields


def wrong_fields(answer: dict) -> dict[str, list[str]] | None:
    """A first answer the learner changes their mind about (single choice and true/false only)."""
    fields = answer["fields"]
    if answer["kind"] == "single":
        return {"choice": [str((int(fields["choice"][0]) + 1) % 2)]}
    if answer["kind"] == "true_false":
        return {"answer": ["true" if fields["answer"] == ["false"] else "false"]}
    return None


class _FormReader(HTMLParser):
    """The fields a browser would send from one form (by id): text, hidden, number, checked boxes
    and radios, selected options, textareas — not its buttons."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.fields = form_id, False, []
        self.select = self.textarea = None
        self.selected = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
            return
        if not self.inside or (not attrs.get("name") and tag != "option"):
            return
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append(
                (attrs["name"], attrs.get("value") or ("on" if kind in ("checkbox", "radio") else ""))
            )
        elif tag == "textarea":
            self.textarea = [attrs["name"], ""]
        elif tag == "select":
            self.select, self.selected = attrs["name"], None
        elif tag == "option" and self.select is not None and ("selected" in attrs or self.selected is None):
            self.selected = attrs.get("value", "")  # the selected option, else the first

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            self.fields.append((name, text[1:] if text.startswith("\n") else text))  # as browsers read it
            self.textarea = None
        elif tag == "select" and self.select is not None:
            self.fields.append((self.select, self.selected or ""))
            self.select = None


def form_fields(page: str, form_id: str) -> list[tuple[str, str]]:
    reader = _FormReader(form_id)
    reader.feed(page)
    return reader.fields


def paragraph_body(text: str, prefix: str = "body") -> dict[str, str]:
    """A StreamField of one rich-text paragraph as the Wagtail admin's form posts it (the editor's
    Draftail content state). The seed gives the trainers' lessons exactly this shape."""
    state = {
        "blocks": [
            {
                "key": "load1",
                "type": "unstyled",
                "depth": 0,
                "text": text,
                "inlineStyleRanges": [],
                "entityRanges": [],
                "data": {},
            }
        ],
        "entityMap": {},
    }
    return {
        f"{prefix}-count": "1",
        f"{prefix}-0-type": "paragraph",
        f"{prefix}-0-deleted": "",
        f"{prefix}-0-order": "0",
        f"{prefix}-0-id": "",
        f"{prefix}-0-value": json.dumps(state, ensure_ascii=False),
    }


def names_on(page: str, prefix: str) -> set[str]:
    """The seeded learners' names a page shows (seed: the prefix and five digits)."""
    return set(re.findall(re.escape(prefix) + r"\d{5}", page))


def other_people(page: str, prefix: str, own_name: str) -> list[str]:
    """Names of other seeded learners on a page that belongs to ``own_name``: it must show none."""
    return sorted(names_on(page, prefix) - {own_name})


LEARNER_MARK_RE = re.compile(r'data-learner="(\d+)"')


def other_learner_marks(page: str, own_id: int) -> list[int]:
    """The learner pages (My learning, course, lesson, quiz question) say whose they are in a
    ``data-learner`` attribute: any id there but the signed-in learner's is another person's page."""
    return sorted({int(found) for found in LEARNER_MARK_RE.findall(page)} - {int(own_id)})


def saved(status: int, body: str) -> bool:
    """An answer save the server acknowledged: 200 and ``{"saved": true}`` (quizzes.views)."""
    if status != 200:
        return False
    try:
        answer = json.loads(body)
    except ValueError:
        return False
    return isinstance(answer, dict) and answer.get("saved") is True


def is_sign_in_redirect(status: int, location: str) -> bool:
    return status in (301, 302, 303) and location.split("?")[0].endswith(SIGN_IN_PATH)


def sms_code(outbox: Path, mobile: str, since: float) -> str | None:
    """The latest sign-in code texted to ``mobile`` after ``since`` (unix time), from the file the
    server's SMS_BACKEND=file writes (core.sms.FileBackend: one JSON line per message)."""
    from datetime import datetime

    try:
        lines = outbox.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for line in reversed(lines):
        try:
            message = json.loads(line)
        except ValueError:
            continue  # a line being written
        if message.get("mobile") != mobile:
            continue
        try:
            sent = datetime.fromisoformat(message["sent_at"]).timestamp()
        except (KeyError, ValueError):
            continue
        if sent < since - 1:
            return None
        code = (message.get("params") or {}).get("code")
        if code:
            return str(code)
        found = re.search(r"\b(\d{6})\b", message.get("text", ""))
        return found.group(1) if found else None
    return None


class Log:
    """One append-only JSON-lines file, written a line at a time (line-buffered)."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.file = path.open("a", encoding="utf-8", buffering=1)
        self.lock = threading.Lock()

    def write(self, record: dict) -> None:
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
        with self.lock:
            self.file.write(line + "\n")

    def close(self) -> None:
        self.file.close()


class Logs:
    """This process's request log and acknowledgement log under ``cluster_dir``."""

    def __init__(self, cluster_dir: Path, pid: int | None = None):
        pid = pid or os.getpid()
        self.requests = Log(cluster_dir / f"requests-{pid}.jsonl")
        self.acks = Log(cluster_dir / "acks" / f"{pid}.jsonl")

    def request(self, step: str, status: int, ms: float) -> None:
        self.requests.write({"t": round(time.time(), 3), "step": step, "status": status, "ms": round(ms, 1)})

    def ack(self, kind: str, **ids) -> None:
        self.acks.write({"t": round(time.time(), 3), "kind": kind, **ids})


class People:
    """The seeded people, handed out one at a time: no two users of this process play the same person
    at once. Learners come in a random order (``LOAD_SEED`` fixes it); those who have finished go to
    the back of the queue, to be played again (a returning learner) only when no fresh one is left.
    Several Locust processes share the seed out by ``LOCUST_PROCESS_INDEX``/``LOCUST_PROCESS_COUNT``
    (default: one process, everyone)."""

    def __init__(self, data: dict, index: int = 0, count: int = 1, shuffle: random.Random | None = None):
        self.data = data
        self.lock = threading.Lock()
        self.free = {}
        for role in ("learner", "trainer", "manager"):
            mine = [person for n, person in enumerate(data.get(role + "s", [])) if n % count == index]
            if shuffle is not None and role == "learner":
                shuffle.shuffle(mine)  # each run starts with other learners, some half-way through
            self.free[role] = deque(mine)

    @classmethod
    def load(cls, cluster_dir: Path) -> "People":
        data = json.loads((cluster_dir / "people.json").read_text(encoding="utf-8"))
        index = int(os.environ.get("LOCUST_PROCESS_INDEX", "0"))
        count = int(os.environ.get("LOCUST_PROCESS_COUNT", "1"))
        seed = os.environ.get("LOAD_SEED")
        return cls(data, index, count, random.Random(int(seed) if seed else None))

    def take(self, role: str) -> dict | None:
        with self.lock:
            queue = self.free[role]
            return queue.popleft() if queue else None

    def give_back(self, role: str, person: dict) -> None:
        with self.lock:
            self.free[role].append(person)

    def courses(self) -> list[dict]:
        return self.data["courses"]


def pause(short: float, long: float, rng=random) -> float:
    """Seconds a person spends on a page: ``LOAD_THINK`` scales it (0.2 in CI)."""
    scale = float(os.environ.get("LOAD_THINK", "1"))
    return rng.uniform(short, long) * scale

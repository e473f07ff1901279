"""The cluster load (issue 19): learners, trainers and managers doing what they do, as a browser does.

    CLUSTER_DIR=… locust -f tests/cluster/locustfile.py --headless -u 20 -r 5 -t 60s \\
        --host http://127.0.0.1:PORT --csv $CLUSTER_DIR/locust

Needs ``$CLUSTER_DIR/people.json`` from ``python -m tests.cluster.seed``. Each Locust user plays one
seeded person at a time, never one another user plays:

* **Learner** (most users): signs in with the password on the sign-in form (every
  ``LOAD_SMS_EVERY``-th sign-in, default 10, by a code texted to the phone instead — read from
  ``$CLUSTER_DIR/sms-outbox.jsonl``, the server's SMS_BACKEND=file; back to the password when no code
  comes within 30 s or the limits refuse one), opens their account page and My learning, taps
  继续学习, then for each assigned course reads the lessons and finishes them (the lesson page's
  「完成本课」 form), opens the quiz, starts it, answers each question as the page's script does
  (an autosave per change, sometimes changing their mind, then 「保存并继续」), hands it in, reads
  the result and, when the course is complete, opens the certificate. Then signs out; the user
  takes the next learner.
* **Trainer** (``LOAD_TRAINERS``, default 1): signs in to the admin, opens their own lesson's edit
  page (the seed made it: a course no learner is assigned), changes its text and publishes it
  through the edit form, then reads the lesson on the site until the new text shows.
* **Manager** (``LOAD_MANAGERS``, default 1): signs in to the admin and opens the training reports
  of their community (completion, people, overdue, quiz results) and one CSV export.

Steps are named (the Locust request name) and every response is logged, every acknowledged write too
(tests/cluster/journeys.py says where). A step that got no answer or a 5xx is tried again after a
pause, as a person would, for up to ``LOAD_RETRY_SECONDS`` (default 120); a session that is gone
(a redirect to the sign-in page) signs in again. Think times: ``LOAD_THINK`` scales them (1 = a person
reading; 0.2 in CI).
"""

import os
import random
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from locust import HttpUser, between, events, task
from locust.exception import StopUser

from tests.cluster import journeys

CLUSTER_DIR = Path(os.environ.get("CLUSTER_DIR", "cluster-run"))
RETRY_SECONDS = float(os.environ.get("LOAD_RETRY_SECONDS", "120"))
SMS_EVERY = int(os.environ.get("LOAD_SMS_EVERY", "10"))
TIMEOUT = float(os.environ.get("LOAD_TIMEOUT", "30"))

_state: dict = {}


@events.init.add_listener
def _init(environment, **_kwargs):
    _state["people"] = journeys.People.load(CLUSTER_DIR)
    _state["logs"] = journeys.Logs(CLUSTER_DIR)
    _state["sign_ins"] = 0


def _logs() -> journeys.Logs:
    if "logs" not in _state:  # imported without the init event (a unit test)
        _state["logs"] = journeys.Logs(CLUSTER_DIR)
    return _state["logs"]


class Gone(Exception):
    """The session is gone (redirected to the sign-in page): sign in again and retry."""


class Person(HttpUser):
    abstract = True
    role = "learner"
    wait_time = between(1, 3)

    def on_start(self):
        self.person = _state["people"].take(self.role)
        if self.person is None:
            raise StopUser(f"no {self.role} left in people.json for this user")
        self.rng = random.Random()
        self.csrf = None

    def on_stop(self):
        if getattr(self, "person", None) is not None:
            _state["people"].give_back(self.role, self.person)
            self.person = None

    def think(self, short: float = 1.0, long: float = 4.0) -> None:
        time.sleep(journeys.pause(short, long, self.rng))

    # -- one request --------------------------------------------------------------------------------

    def send(self, step: str, method: str, url: str, *, check=None, write=None, own_page=True, **kwargs):
        """One step, retried after a pause on no answer or a 5xx (for up to RETRY_SECONDS). Returns the
        response. ``check(response)``: the response's problem as text (None if right), e.g. a save not
        acknowledged. ``write``: called with the response of each try that may have been applied but
        was not acknowledged (the outcome unknown). Redirects are never followed here: the caller loads
        the next page as its own step, as the browser does."""
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", TIMEOUT)
        began = time.monotonic()
        while True:
            started = time.perf_counter()
            with self.client.request(method, url, name=step, catch_response=True, **kwargs) as response:
                ms = (time.perf_counter() - started) * 1000
                status = response.status_code or 0
                _logs().request(step, status, ms)
                location = response.headers.get("Location", "") if status else ""
                if status == 0 or status >= 500:
                    response.failure(f"{status or 'no answer'}")
                    if write is not None:
                        write(response)
                    if time.monotonic() - began < RETRY_SECONDS:
                        time.sleep(self.rng.uniform(1, 3))
                        continue
                    return response
                if journeys.is_sign_in_redirect(status, location) and step not in ("sign in", "sign-in page"):
                    response.failure("signed out")
                    raise Gone
                problem = check(response) if check else None
                if problem is None and own_page and status == 200 and self.role == "learner":
                    problem = self.cross_user(step, response.text)
                if problem:
                    response.failure(problem)
                else:
                    response.success()
                return response

    def page(self, step: str, url: str, **kwargs):
        response = self.send(step, "GET", url, **kwargs)
        if response.status_code == 200:
            self.csrf = journeys.csrf_token(response.text) or self.csrf
        return response

    def post(self, step: str, url: str, data: dict, **kwargs):
        data = {"csrfmiddlewaretoken": self.csrf or "", **data}
        headers = {"Referer": urljoin(self.host, url), **kwargs.pop("headers", {})}
        return self.send(step, "POST", url, data=data, headers=headers, **kwargs)

    def cross_user(self, step: str, page: str) -> str | None:
        prefix = _state["people"].data.get("name_prefix", "压测学员")
        others = journeys.other_people(page, prefix, self.person["name"])
        others += [f"learner id {pk}" for pk in journeys.other_learner_marks(page, self.person["id"])]
        if not others:
            return None
        _logs().ack(
            "cross-user", step=step, expected=self.person["name"], found=others[0], user=self.person["id"]
        )
        return f"another person's page: {others[0]}"

    def must_show_own_name(self, response) -> str | None:
        if response.status_code == 200 and self.person["name"] not in response.text:
            found = journeys.other_people(response.text, "压测学员", self.person["name"])
            _logs().ack(
                "cross-user",
                step="own name missing",
                expected=self.person["name"],
                found=found[0] if found else "",
                user=self.person["id"],
            )
            return "the page does not show the signed-in person's name"
        return None


class Learner(Person):
    weight = 20
    role = "learner"

    @task
    def journey(self):
        """One learner's visit: sign in, learn, sign out. A session that goes (a redirect to the sign-in
        page) signs in again and carries on where the learner was, up to three times."""
        try:
            for _ in range(3):
                try:
                    self.sign_in()
                    self.think()
                    self.learn()
                    self.sign_out()
                    return
                except Gone:
                    self.client.cookies.clear()
                    self.think()
        finally:
            # The next run plays the next learner (a finished one goes to the back of the queue).
            _state["people"].give_back(self.role, self.person)
            self.person = _state["people"].take(self.role)
            self.client.cookies.clear()
            if self.person is None:
                raise StopUser("no learner left")

    # -- signing in ---------------------------------------------------------------------------------

    def sign_in(self):
        _state["sign_ins"] += 1
        number = _state["sign_ins"]  # read before the request lets other users run
        self.page("sign-in page", journeys.SIGN_IN_PATH)
        by_code = SMS_EVERY and number % SMS_EVERY == 0 and self.person.get("mobile")
        if by_code and self.sign_in_by_code():
            return
        response = self.post(
            "sign in",
            journeys.SIGN_IN_PATH,
            {
                "username": self.person["mobile"] or self.person["username"],
                "password": _state["people"].data["password"],
                "remember": "on",
            },
            check=lambda r: None if r.status_code == 302 else f"not signed in ({r.status_code})",
        )
        if response.status_code != 302:
            raise Gone

    def sign_in_by_code(self) -> bool:
        asked = time.time()
        response = self.post(
            "sms code send",
            "/accounts/login/code/",
            {"action": "send", "code-mobile": self.person["mobile"]},
            check=lambda r: None if r.status_code == 200 and 'name="code"' in r.text else "no code form",
        )
        if response.status_code != 200 or 'name="code"' not in response.text:
            return False
        self.csrf = journeys.csrf_token(response.text) or self.csrf
        if journeys.CODE_REFUSED in response.text:
            return False  # a code was sent a moment ago, or too many: the password, as a person would
        code = None
        deadline = time.time() + 30
        while code is None and time.time() < deadline:
            time.sleep(1)
            code = journeys.sms_code(CLUSTER_DIR / "sms-outbox.jsonl", self.person["mobile"], asked)
        if code is None:
            return False
        response = self.post(
            "sms code sign in",
            "/accounts/login/code/",
            {"mobile": self.person["mobile"], "code": code, "remember": "on"},
            check=lambda r: None if r.status_code == 302 else f"not signed in ({r.status_code})",
        )
        return response.status_code == 302

    def sign_out(self):
        self.page("my learning", "/my/")
        self.post("sign out", "/accounts/logout/", {})

    # -- learning -----------------------------------------------------------------------------------

    def learn(self):
        self.page("account", "/accounts/profile/", check=self.must_show_own_name)
        self.think()
        response = self.page("my learning", "/my/")
        target = journeys.continue_link(response.text) if response.status_code == 200 else None
        if target:
            self.think()
            self.page("continue", target)
        for course in _state["people"].courses():
            self.think()
            self.course(course)
        self.think()
        response = self.page("my certificates", "/my/certificates/")

    def course(self, course: dict):
        self.page("course page", course["url"])
        for lesson in course["lessons"]:
            self.think()
            response = self.page("lesson", lesson["url"])
            if response.status_code != 200:
                continue
            found = journeys.COMPLETE_FORM_RE.search(response.text)
            if found is None:
                continue  # finished before
            self.think(2, 8)  # reading
            user, page_id = self.person["id"], lesson["id"]
            done = self.post(
                "complete lesson",
                found.group(1),
                {},
                check=lambda r: None if r.status_code == 302 else f"not recorded ({r.status_code})",
            )
            if done.status_code == 302:
                _logs().ack("completion", user=user, lesson=page_id, course=course["id"])
        self.think()
        self.quiz(course)

    def quiz(self, course: dict):
        quiz = course["quiz"]
        response = self.page("quiz page", quiz["url"])
        if response.status_code != 200:
            return
        start = journeys.START_RE.search(response.text)
        if start is None:
            return  # passed before: no start button
        self.think()
        response = self.post(
            "quiz start",
            start.group(1),
            {},
            check=lambda r: (
                None if journeys.ATTEMPT_RE.search(r.headers.get("Location", "")) else "no attempt"
            ),
        )
        found = journeys.ATTEMPT_RE.search(response.headers.get("Location", ""))
        if found is None:
            return
        attempt, number = found.group(1), int(found.group(2))
        key = quiz["answers"]
        url = urlsplit(response.headers["Location"]).path
        while url and journeys.ATTEMPT_RE.search(url):
            number = int(journeys.ATTEMPT_RE.search(url).group(2))
            page = self.page("quiz question", url)
            if page.status_code != 200 or number > len(key):
                return
            answer = key[number - 1]
            fields = journeys.answer_fields(answer, page.text)
            self.think(1, 4)
            wrong = journeys.wrong_fields(answer) if self.rng.random() < 0.25 else None
            if wrong:
                self.save(attempt, number, url, wrong)
                self.think(0.5, 2)
            self.save(attempt, number, url, fields)
            self.think(0.5, 2)
            action = "next" if number < len(key) else "finish"
            self.sent(attempt, number, fields)
            moved = self.post(
                "answer next",
                url,
                {**fields, "action": action},
                check=lambda r: None if r.status_code == 302 else f"not saved ({r.status_code})",
                write=lambda r, n=number, f=fields: self.unsure(attempt, n, f),
            )
            if moved.status_code != 302:
                return
            self.acked_answer(attempt, number, fields)
            url = urlsplit(moved.headers.get("Location", "")).path
        review = self.page("quiz review", f"/quizzes/attempts/{attempt}/submit/")
        if review.status_code != 200:
            return
        self.think()
        submitted = self.post(
            "quiz submit",
            f"/quizzes/attempts/{attempt}/submit/",
            {},
            check=lambda r: (
                None
                if journeys.RESULT_RE.search(r.headers.get("Location", ""))
                else f"not handed in ({r.status_code})"
            ),
        )
        if not journeys.RESULT_RE.search(submitted.headers.get("Location", "")):
            return
        _logs().ack("submit", user=self.person["id"], attempt=attempt, quiz=quiz["id"])
        result = self.page("quiz result", f"/quizzes/attempts/{attempt}/result/")
        if result.status_code == 200 and journeys.PASSED in result.text:
            self.certificate(course)

    def save(self, attempt: str, number: int, url: str, fields: dict):
        """The page's script: every change is saved at once (X-Requested-With: fetch, JSON back).
        Logged as sent first: a save in flight when the load stops may be applied unacknowledged."""
        self.sent(attempt, number, fields)
        response = self.post(
            "answer save",
            url,
            {**fields, "action": "save"},
            headers={"X-Requested-With": "fetch"},
            check=lambda r: None if journeys.saved(r.status_code, r.text) else f"not saved ({r.status_code})",
            write=lambda r: self.unsure(attempt, number, fields),
        )
        if journeys.saved(response.status_code, response.text):
            self.acked_answer(attempt, number, fields)

    def sent(self, attempt: str, number: int, fields: dict):
        """Logged before each save goes (autosave or 保存并继续), so the checker knows every save that may
        have been applied, also one still in flight when Locust stops the user."""
        _logs().ack(
            "answer-sent", user=self.person["id"], attempt=attempt, position=number - 1, fields=fields
        )

    def acked_answer(self, attempt: str, number: int, fields: dict):
        _logs().ack("answer", user=self.person["id"], attempt=attempt, position=number - 1, fields=fields)

    def unsure(self, attempt: str, number: int, fields: dict):
        _logs().ack(
            "answer-unsure", user=self.person["id"], attempt=attempt, position=number - 1, fields=fields
        )

    def certificate(self, course: dict):
        self.think()
        mine = self.page("my certificates", "/my/certificates/")
        if mine.status_code != 200:
            return
        for link, code in journeys.CERTIFICATE_LINK_RE.findall(mine.text):
            if link.endswith(".pdf"):
                continue
            detail = self.page("certificate", link, check=self.must_show_own_name)
            if detail.status_code == 200 and course["title"] in detail.text:
                _logs().ack("certificate", user=self.person["id"], course=course["id"], code=code)
                return


class Staff(Person):
    abstract = True
    wait_time = between(5, 15)

    def admin_sign_in(self):
        self.client.cookies.clear()
        self.page("admin sign-in page", "/admin/login/", own_page=False)
        response = self.post(
            "admin sign in",
            "/admin/login/",
            {
                "username": self.person["username"],
                "password": _state["people"].data["password"],
                "next": "/admin/",
            },
            check=lambda r: None if r.status_code == 302 else f"not signed in ({r.status_code})",
        )
        if response.status_code != 302:
            raise Gone
        self.page("admin home", "/admin/")

    def on_start(self):
        super().on_start()
        self.signed_in = False

    def ensure_signed_in(self):
        if not self.signed_in:
            self.admin_sign_in()
            self.signed_in = True


class Trainer(Staff):
    role = "trainer"
    fixed_count = int(os.environ.get("LOAD_TRAINERS", "1"))

    @task
    def publish(self):
        """Edit the lesson's text in the admin's edit form and publish it; then read the lesson on the site
        until the new text shows (logged as ``publish-seen`` with the delay)."""
        try:
            self.ensure_signed_in()
            lesson = self.person["lesson"]
            edit = f"/admin/pages/{lesson['id']}/edit/"
            page = self.page("edit lesson", edit)
            if page.status_code != 200:
                return
            fields = journeys.form_fields(page.text, "page-edit-form")
            if not fields:
                return
            self.think(3, 10)  # typing
            self.version = getattr(self, "version", 0) + 1
            text = f"第 {self.version} 版：{self.person['name']} 于 {time.strftime('%H:%M:%S')} 发布。"
            data = [(name, value) for name, value in fields if name != "csrfmiddlewaretoken"]
            data += [*journeys.paragraph_body(text).items(), ("action-publish", "action-publish")]
            response = self.send(
                "publish",
                "POST",
                edit,
                data=[("csrfmiddlewaretoken", self.csrf or ""), *data],
                headers={"Referer": urljoin(self.host, edit)},
                check=lambda r: None if r.status_code == 302 else f"not published ({r.status_code})",
            )
            if response.status_code != 302:
                return
            published = time.time()
            _logs().ack("publish", user=self.person["id"], page=lesson["id"], text=text)
            # The site first (as another person would look), then the admin page the publish led to:
            # the delay logged is the site's, not the admin page's.
            self.see_published(lesson, text, published)
            self.page(
                "admin after publish", urlsplit(response.headers.get("Location", "/admin/")).path or "/admin/"
            )
        except Gone:
            self.signed_in = False

    def see_published(self, lesson: dict, text: str, published: float) -> None:
        """Read the lesson on the site until it shows ``text``: ``publish-seen`` with the delay since the
        publish was acknowledged, or ``publish-unseen`` after 20 tries."""
        for _ in range(20):
            seen = self.page("published lesson", lesson["url"])
            if seen.status_code == 200 and text in seen.text:
                delay = round((time.time() - published) * 1000, 1)
                _logs().ack("publish-seen", user=self.person["id"], page=lesson["id"], ms=delay)
                return
            time.sleep(0.25)
        _logs().ack("publish-unseen", user=self.person["id"], page=lesson["id"], text=text)


class Manager(Staff):
    role = "manager"
    fixed_count = int(os.environ.get("LOAD_MANAGERS", "1"))

    @task
    def reports(self):
        try:
            self.ensure_signed_in()
            unit = self.person["unit"]
            for path in (
                f"/admin/training-reports/?node={unit}",
                f"/admin/training-reports/people/?node={unit}",
                f"/admin/training-reports/overdue/?node={unit}",
                f"/admin/training-reports/quizzes/?node={unit}",
            ):
                self.page("report", path)
                self.think(3, 10)
            self.page(
                "report export",
                f"/admin/training-reports/people/?node={unit}&export=csv",
                check=lambda r: (
                    None
                    if r.headers.get("Content-Type", "").startswith("text/csv")
                    else f"no CSV ({r.status_code})"
                ),
            )
        except Gone:
            self.signed_in = False

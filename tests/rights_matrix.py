"""The machinery of the rights matrix (tests/test_rights_matrix.py): every URL pattern the resolver knows,
what a response means (allowed, or one of the ways of saying no), the people who ask, the objects they ask
about (one inside their part of the organisation or collection, one outside it) and the run of one
pattern × one role. The expectations themselves are the table in the test module.
"""

from __future__ import annotations

import datetime
import fnmatch
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urlsplit

from django.contrib.messages import constants as message_levels
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

# -- who asks --------------------------------------------------------------------------------------

ROLES = (
    "anonymous",
    "learner",
    "trainer",
    "reviewer",
    "community_manager",
    "street_manager",
    "district_manager",
    "city_manager",
    "admin",
)
STAFF = frozenset(ROLES[2:])  # everyone with access to the admin
EDITORS = frozenset({"trainer", "reviewer", "admin"})
MANAGERS = frozenset({"community_manager", "street_manager", "district_manager", "city_manager", "admin"})
SIGNED_IN = frozenset(ROLES[1:])
EVERYONE = frozenset(ROLES)
ADMIN = frozenset({"admin"})
NOBODY = frozenset()

# Where each role stands: (the community of an object inside their reach, one outside it or None). The
# learner is 甲 of A社区; the street manager manages 解放碑街道 (A, B), not 七星岗街道 (C); the district
# manager 渝中区 (A, B, C), not 江北区 (D).
REACH = {
    "anonymous": ("A社区", "B社区"),
    "learner": ("A社区", "B社区"),
    "trainer": ("A社区", "B社区"),
    "reviewer": ("A社区", "B社区"),
    "community_manager": ("A社区", "B社区"),
    "street_manager": ("B社区", "C社区"),
    "district_manager": ("C社区", "D社区"),
    "city_manager": ("D社区", None),
    "admin": ("D社区", None),
}
# Roles that reach every part of the organisation (the city's manager and the site administrator).
WHOLE_CITY = frozenset({"city_manager", "admin"})


# -- the URL patterns ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    """One URL pattern, with the route of every resolver above it.

    ``key`` is how the table names it: ``namespace:name``, the route for an unnamed pattern, and
    ``name(arg, …)`` when two patterns share a name."""

    key: str
    name: str | None
    route: str
    arg_names: tuple[str, ...]
    callback: Callable

    def url(self, kwargs: dict) -> str:
        if self.name:
            return reverse(self.name, kwargs=kwargs)
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda match: str(kwargs[match.group(1)]), self.route)
        return "/" + path


def _arg_names(pattern) -> tuple[str, ...]:
    if isinstance(pattern.pattern, RoutePattern):
        return tuple(pattern.pattern.converters)
    return tuple(pattern.pattern.regex.groupindex)


def url_patterns() -> list[Pattern]:
    """Every URL pattern of the project, walked from the root resolver."""
    found: list[tuple[str | None, str, tuple, Callable]] = []

    def walk(patterns, prefix: str, namespace: str | None, args: tuple):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner, args + _arg_names(pattern))
            elif isinstance(pattern, URLPattern):
                name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
                found.append(
                    (name, prefix + str(pattern.pattern), args + _arg_names(pattern), pattern.callback)
                )

    walk(get_resolver().url_patterns, "", None, ())
    names = [name for name, *_rest in found]
    patterns = []
    for name, route, args, callback in found:
        if name is None:
            key = route
        elif names.count(name) > 1:
            key = f"{name}({','.join(args)})"
        else:
            key = name
        patterns.append(Pattern(key=key, name=name, route=route, arg_names=args, callback=callback))
    return patterns


def view_class_of(callback):
    return getattr(callback, "view_class", None)


def exports_spreadsheets(pattern: Pattern) -> bool:
    """Whether the pattern's view downloads what it lists (``?export=csv|xlsx``): Wagtail's exporter
    with a ``list_export``, which our reports use too."""
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    view_class = view_class_of(pattern.callback)
    if view_class is None or not issubclass(view_class, SpreadsheetExportMixin):
        return False
    initkwargs = getattr(pattern.callback, "view_initkwargs", {})
    if initkwargs.get("results_only"):
        return False
    return bool(initkwargs.get("list_export", view_class.list_export))


# -- what a response means -------------------------------------------------------------------------


class Outcome(StrEnum):
    OK = "2xx"
    REDIRECT = "redirect"  # somewhere that is neither the sign-in nor a refusal
    LOGIN = "sign-in"  # a redirect to sign in (the admin's or the site's)
    DENIED = "denied"  # 403, or Wagtail's redirect to the dashboard with "permission denied"
    MISSING = "404"  # also a screen's own "not found" redirect (Screen.gone)
    METHOD = "405"
    BAD = "400"
    ERROR = "500"
    OTHER = "other"


REFUSALS = frozenset({Outcome.LOGIN, Outcome.DENIED, Outcome.MISSING, Outcome.METHOD})


def _login_paths() -> set[str]:
    return {reverse("wagtailadmin_login"), reverse("accounts:login"), reverse("wagtailcore_login")}


def outcome_of(response, gone: tuple[str, ...] = ()) -> Outcome:
    code = response.status_code
    if 200 <= code < 300:
        return Outcome.OK
    if code in (301, 302, 303, 307, 308):
        path = urlsplit(response["Location"]).path
        if path in _login_paths():
            return Outcome.LOGIN
        if path in {reverse(name) for name in gone}:
            return Outcome.MISSING
        if path == reverse("wagtailadmin_home") and _refused_with_a_message(response):
            return Outcome.DENIED
        return Outcome.REDIRECT
    return {
        400: Outcome.BAD,
        401: Outcome.LOGIN,  # the REST API's "send a token" (it knows no sessions)
        403: Outcome.DENIED,
        404: Outcome.MISSING,
        405: Outcome.METHOD,
        500: Outcome.ERROR,
    }.get(code, Outcome.OTHER)


def _refused_with_a_message(response) -> bool:
    storage = getattr(response.wsgi_request, "_messages", None)
    queued = getattr(storage, "_queued_messages", [])
    return any(message.level == message_levels.ERROR for message in queued)


def body_text(response) -> str:
    """What a 2xx response shows, as text (HTML without form choices, CSV, Excel cells, JSON)."""
    from reports.tests.conftest import body_text as report_body_text

    kind = response.get("Content-Type", "")
    if "pdf" in kind or kind.startswith("image/") or "octet-stream" in kind:
        return ""
    if "json" in kind:
        content = b"".join(response.streaming_content) if response.streaming else response.content
        try:
            return json.dumps(json.loads(content), ensure_ascii=False)
        except ValueError:
            return content.decode("utf-8", "replace")
    return report_body_text(response)


# -- the table's grammar: what a pattern's arguments name, what each role may do -------------------

NOTHING = object()  # what pick() gives when there is no such object for this role and place
# Where an object stands for a role: "list" (a listing, no object in the URL), "outside" their reach,
# "above" (inside it, but holding more rights), "inside". POSTs run in this order: the allowed one last.
WHERE_ORDER = ("list", "outside", "above", "inside")


@dataclass(frozen=True)
class Target:
    """What a pattern's arguments name, for one role: an object inside their reach, one outside it,
    and (for people) one inside it who holds more rights ("above").

    ``pick(world, role, where)`` gives the object (NOTHING: none for that role and place; without
    ``pick`` the arguments name no one's object); ``kwargs`` and ``query`` turn it into the URL (or
    ``path`` makes the whole URL); ``marker`` is text that shows the object is on the page. With
    ``in_url`` the object is named by the URL itself (outside the reach it must not answer 2xx);
    otherwise it is only looked for in a listing. ``reach`` are the roles that may see objects
    outside their own part (default: the site administrator and the city's manager)."""

    name: str
    pick: Callable | None = None
    kwargs: Callable | None = None  # (world, obj) → dict
    query: Callable | None = None  # (world, obj) → "?…"
    marker: Callable | None = None  # (world, obj) → str
    wheres: tuple[str, ...] = ("inside",)
    in_url: bool = True
    reach: frozenset = WHOLE_CITY
    path: Callable | None = None  # (world, obj) → a URL, for patterns reverse() cannot build

    def object(self, world, role: str, where: str):
        if self.pick is None:
            return None
        return self.pick(world, role, where)

    def url(self, world, pattern: Pattern, obj, where: str) -> str:
        if self.path is not None:
            return self.path(world, obj)
        made = self.kwargs(world, obj) if self.kwargs and where != "list" else {}
        url = pattern.url({name: made[name] for name in pattern.arg_names if name in made})
        if self.query and where != "list":
            url += self.query(world, obj)
        return url


@dataclass(frozen=True)
class Screen:
    """What a pattern answers, per role.

    ``who``: the roles that may use it (GET answers one of ``get_ok`` for an object inside their reach);
    everyone else is refused (``REFUSALS``). ``post``: the roles whose POST is accepted, None when the
    screen takes no POST (it is then not posted to). ``get=False``: a POST-only screen, GET is refused for
    everyone. ``data(world, obj, role)`` is the POST's body; ``state(world, obj)`` is read before and after
    each POST: a refused POST must leave it as it was, an accepted one on the inside object must change
    it for the roles in ``changes`` (so the check itself cannot go blind). ``open_to``: roles that may
    open the screen (2xx) but must see none of its objects (trainers in the site history). ``gone``: URL
    names that a redirect to means "no such object" for this screen."""

    who: frozenset
    target: Target = Target("none")
    post: frozenset | None = None
    open_to: frozenset = NOBODY  # roles that may open it but must see none of the objects
    get: bool = True
    get_ok: frozenset = frozenset({Outcome.OK})
    post_ok: frozenset = frozenset({Outcome.OK, Outcome.REDIRECT, Outcome.BAD})
    refused: frozenset = REFUSALS
    data: Callable | None = None
    state: Callable | None = None
    changes: frozenset = NOBODY
    marked: bool = True  # False: the allowed page need not name the object (a history's results)
    gone: tuple[str, ...] = ()
    exports: bool | None = None  # None: whatever the view says (exports_spreadsheets)
    queries: tuple[str, ...] = ()  # more GETs of the same URL: a search, a filter
    note: str = ""

    def allows(self, role: str, where: str, *, posting: bool = False) -> bool:
        allowed = self.post if posting else (self.who if self.get else NOBODY)
        if allowed is None or role not in allowed:
            return False
        if where == "outside":
            return role in self.target.reach
        if where == "above":
            return role == "admin"
        return True


@dataclass(frozen=True)
class Skip:
    reason: str


@dataclass(frozen=True)
class Shadowed:
    """A pattern that never answers: one listed earlier (core.admin_urls, reports.site_history_urls)
    takes its URL. The test checks that the URL indeed resolves to ``served_by``."""

    served_by: str  # module.qualname of the view that answers instead
    kwargs: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    """One row of the matrix: a pattern (or one variant of it) and its expectation."""

    id: str
    pattern: Pattern
    expectation: Screen | Skip | Shadowed
    rule: str  # the table key that matched


def match_rule(table: dict, key: str) -> tuple[str, object] | None:
    """The table's entry for a key (a pattern's, a bulk action's): the exact key first, then the longest
    glob that matches."""
    if key in table:
        return key, table[key]
    globs = [rule for rule in table if any(char in rule for char in "*?[") and fnmatch.fnmatchcase(key, rule)]
    if not globs:
        return None
    best = max(globs, key=len)
    return best, table[best]


def cases_from(
    table: dict, patterns: list[Pattern], variants: Callable[[Pattern, object], Iterator]
) -> list[Case]:
    """The matrix's rows: every pattern the table has an entry for, each variant of it one row."""
    rows = []
    for pattern in patterns:
        matched = match_rule(table, pattern.key)
        if matched is None:
            continue
        rule, expectation = matched
        for suffix, screen in variants(pattern, expectation):
            rows.append(Case(id=pattern.key + suffix, pattern=pattern, expectation=screen, rule=rule))
    return rows


# -- one row × one role ----------------------------------------------------------------------------


def problems_of(client, world: MatrixWorld, case: Case, role: str) -> list[str]:
    """Every way the pattern's answers to ``role`` differ from the table: one short line each."""
    screen: Screen = case.expectation
    target = screen.target
    found: list[str] = []
    seen: dict[str, tuple] = {}
    wheres = [where for where in WHERE_ORDER if where in target.wheres]
    exports = screen.exports if screen.exports is not None else exports_spreadsheets(case.pattern)
    suffixes = ["", *screen.queries, *(["export=csv", "export=xlsx"] if exports else [])]

    def say(method, where, url, what):
        found.append(f"{case.id} · {role} · {method} {url} ({where}): {what}")

    for where in wheres:
        obj = target.object(world, role, where)
        if obj is NOTHING:
            continue
        try:
            url = target.url(world, case.pattern, obj, where)
        except NoReverseMatch:
            say(
                "-",
                where,
                case.pattern.route,
                f"the table's target ({target.name}) does not fill its arguments",
            )
            return found
        if screen.get or screen.post is None:
            allowed = screen.allows(role, where)
            for suffix in suffixes:
                full = url if not suffix else url + ("&" if "?" in url else "?") + suffix
                if full not in seen:
                    response = client.get(full)
                    seen[full] = (outcome_of(response, screen.gone), response)
                result, response = seen[full]
                _judge_get(say, world, screen, role, where, obj, full, allowed, result, response)
        else:
            response = client.get(url)
            result = outcome_of(response, screen.gone)
            if result not in REFUSALS:
                say("GET", where, url, f"a POST-only screen answered GET with {_describe(result, response)}")
    if screen.post is not None:
        for where in wheres:
            if where == "list":
                continue
            obj = target.object(world, role, where)
            if obj is NOTHING:
                continue
            url = target.url(world, case.pattern, obj, where)
            allowed = screen.allows(role, where, posting=True)
            before = screen.state(world, obj) if screen.state else None
            data = screen.data(world, obj, role) if screen.data else {}
            response = client.post(url, data=data)
            result = outcome_of(response, screen.gone)
            after = screen.state(world, obj) if screen.state else None
            if allowed:
                if result not in screen.post_ok:
                    say(
                        "POST",
                        where,
                        url,
                        f"expected {_names(screen.post_ok)}, got {_describe(result, response)}",
                    )
                elif role in screen.changes and before == after and where == "inside":
                    say(
                        "POST",
                        where,
                        url,
                        f"accepted but changed nothing ({before!r}): the state check is blind",
                    )
            else:
                if result not in screen.refused:
                    say("POST", where, url, f"expected a refusal, got {_describe(result, response)}")
                if before != after:
                    say("POST", where, url, f"a refused POST changed {before!r} → {after!r}")
    return found


def _judge_get(say, world, screen: Screen, role, where, obj, url, allowed, result, response):
    target = screen.target
    shown = body_text(response) if result is Outcome.OK and target.marker is not None else ""
    if allowed:
        if result not in screen.get_ok:
            say("GET", where, url, f"expected {_names(screen.get_ok)}, got {_describe(result, response)}")
            return
        if target.marker is None or result is not Outcome.OK or not screen.marked:
            return
        if where == "list":
            inside = target.pick(world, role, "inside")
            outside = target.pick(world, role, "outside")
            if inside is not NOTHING and (mark := target.marker(world, inside)) not in shown:
                say("GET", where, url, f"the listing leaves out “{mark}”, which is inside the reach")
            hidden = outside in (NOTHING, None) or role in target.reach
            if not hidden and (mark := target.marker(world, outside)) in shown:
                say("GET", where, url, f"the listing shows “{mark}”, which is outside the reach")
        elif (mark := target.marker(world, obj)) not in shown:
            say("GET", where, url, f"answered 2xx without “{mark}”")
        return
    if role in screen.open_to and where in ("inside", "list"):
        if result not in screen.get_ok:
            say("GET", where, url, f"expected {_names(screen.get_ok)}, got {_describe(result, response)}")
    elif where in ("outside", "above") and not target.in_url and screen.allows(role, "inside"):
        # An object looked for in a screen the role may open: the screen opens, without it.
        if result not in screen.get_ok and result not in screen.refused:
            say(
                "GET",
                where,
                url,
                f"expected {_names(screen.get_ok)} or a refusal, got {_describe(result, response)}",
            )
    elif result not in screen.refused:
        say("GET", where, url, f"expected a refusal, got {_describe(result, response)}")
    elif result is not Outcome.LOGIN and _sent_to_sign_in(screen, role, url):
        say("GET", where, url, f"expected the way to sign in, got {_describe(result, response)}")
    if target.marker is not None and shown and obj not in (NOTHING, None):
        marks = [target.marker(world, obj)]
        if where == "list":
            picked = [target.pick(world, role, place) for place in ("inside", "outside")]
            marks = [target.marker(world, item) for item in picked if item not in (NOTHING, None)]
        for mark in marks:
            if mark and mark in shown:
                say("GET", where, url, f"shows “{mark}” to a role that may not see it")


def _sent_to_sign_in(screen: Screen, role: str, url: str) -> bool:
    """Whether a refusal must be the way to sign in: anyone not signed in, on a screen for signed-in
    people, and learners anywhere in the admin (they never reach it)."""
    if not screen.get:
        return False
    if role == "anonymous":
        return bool(screen.who & SIGNED_IN) or url.startswith("/admin/")
    return role == "learner" and url.startswith("/admin/")


def _names(outcomes) -> str:
    return "/".join(sorted(str(outcome) for outcome in outcomes))


def _describe(result: Outcome, response) -> str:
    text = f"{result} ({response.status_code}"
    if response.status_code in (301, 302, 303, 307, 308):
        text += f" → {response['Location'][:80]}"
    exc_info = getattr(response, "exc_info", None)
    if exc_info:
        text += f", {exc_info[1]!r}"[:200]
    return text + ")"


# -- the world the matrix asks about ---------------------------------------------------------------


@dataclass
class MatrixWorld:
    """The report tests' city (reports/tests/conftest.py) and what the admin and the site show of it."""

    base: object  # reports.tests.conftest.World
    users: dict[str, object] = field(default_factory=dict)  # role → user (None for anonymous)
    seniors: dict[str, object] = field(default_factory=dict)  # community → a trainer placed there
    assignments: dict[str, object] = field(default_factory=dict)
    certificates: dict[str, object] = field(default_factory=dict)
    notifications: dict[str, object] = field(default_factory=dict)
    attempts: dict[str, object] = field(default_factory=dict)  # community → the learner's submitted try
    open_attempts: dict[str, object] = field(default_factory=dict)
    awaiting_attempts: dict[str, object] = field(default_factory=dict)  # community → one to mark
    scorm_attempts: dict[str, object] = field(default_factory=dict)  # community → the learner's SCORM attempt
    uploads: dict[str, object] = field(default_factory=dict)  # role → an UploadedFile of theirs
    sessions: dict[str, object] = field(default_factory=dict)  # role → an EditingSession of theirs
    training_sessions: dict[str, object] = field(default_factory=dict)  # community → its in-person session
    objects: dict[str, object] = field(default_factory=dict)  # anything else, by name
    media_root: str = ""  # where the world's files are: each test puts MEDIA_ROOT back there
    memo: dict = field(default_factory=dict)  # what one test made (staged imports): emptied per test

    def __getattr__(self, name):
        return getattr(self.base, name)

    def learner(self, community):
        return self.base.learners[community]


def _awaiting_attempt(learner, graded, now):
    """A handed-in attempt whose one written answer waits for a trainer's mark (quizzes.marking)."""
    from quizzes.models import AttemptAnswer, QuizAttempt
    from quizzes.questiondata import QuestionData, QuestionKind

    essay = QuestionData(kind=QuestionKind.ESSAY, text="居民拒绝扫码怎么办？", marking_guide="耐心解释")
    attempt = QuizAttempt.objects.create(
        learner=learner,
        quiz_id=graded.quiz_id,
        course_id=graded.course_id,
        number=graded.number + 10,
        rules={"pass_mark": 60, **graded.rules},
        questions=[{"question_id": 0, "revision_id": None, "data": essay.as_dict(), "image": None}],
        state=QuizAttempt.State.SUBMITTED,
        submitted_at=now,
        awaiting_marking=True,
    )
    AttemptAnswer.objects.create(attempt=attempt, position=0, question_id=0, response="我会耐心解释。")
    return attempt


def build_matrix_world() -> MatrixWorld:
    from django.contrib.auth.models import Group
    from django.core.files.base import ContentFile
    from django.utils import timezone
    from wagtail.contrib.redirects.models import Redirect
    from wagtail.documents import get_document_model
    from wagtail.log_actions import log
    from wagtail.models import (
        Collection,
        CollectionViewRestriction,
        PageViewRestriction,
        Site,
        Task,
        UploadedFile,
        Workflow,
    )

    from assignments.models import Assignment
    from certificates.models import Certificate
    from notifications.models import Notification
    from progress.services import OVERRIDE_LOG_ACTION
    from quizzes.models import QuizAttempt
    from quizzes.services import attempt_start
    from reports.tests.conftest import build_world
    from tests.factories import (
        make_course,
        make_image,
        make_lesson,
        make_position,
        make_question,
        make_quiz,
        make_topic,
        make_user,
    )

    base = build_world()
    world = MatrixWorld(base=base)
    world.users = {
        "anonymous": None,
        "learner": base.users["learner"],
        "trainer": base.users["trainer"],
        "reviewer": make_user("reviewer", name="审核员", groups=["Reviewers"]),
        "community_manager": base.users["community_manager"],
        "street_manager": base.users["street_manager"],
        "district_manager": base.users["district_manager"],
        "city_manager": base.users["city_admin"],
        "admin": make_user("admin", name="管理员", is_superuser=True, is_staff=True),
    }
    city_admin = world.users["city_manager"]
    now = timezone.now()
    for number, (community, learner) in enumerate(base.learners.items(), start=1):
        letter = community[0]
        # Someone placed in the community who holds more rights than a manager of it may touch.
        world.seniors[community] = make_user(
            f"senior_{letter.lower()}",
            name=f"{letter}社区培训师",
            org_unit=base.units[community],
            groups=["Trainers"],
        )
        assignment = Assignment.objects.create(
            course=base.courses[community], due_mode=Assignment.DueMode.NONE, created_by=city_admin
        )
        assignment.units.set([base.units[community]])
        world.assignments[community] = assignment
        # The site history names each learner (the entry's label): a marker of the audit log.
        log(learner, OVERRIDE_LOG_ACTION, user=city_admin, data={"course": base.courses[community].pk})
        world.certificates[community] = Certificate.objects.create(
            learner=learner,
            course_id=base.courses[community].pk,
            code=f"ABCDEFGHJKLMNPQ{letter}",
            completed_at=now - datetime.timedelta(days=number),
            holder_name=learner.name,
            course_title=base.courses[community].title,
            organisation_name="培训中心",
        )
        world.notifications[community] = Notification.objects.create(
            recipient=learner,
            kind=Notification.Kind.OVERDUE,
            dedupe_key=f"matrix-{letter}",
            subject=f"{learner.name}的提醒",
            link="/my/",
        )
        world.attempts[community] = QuizAttempt.objects.get(
            learner=learner, quiz_id=base.quizzes[community].pk
        )
        world.open_attempts[community] = attempt_start(
            learner=learner, quiz=base.quizzes[community], course=base.courses[community]
        )
        world.awaiting_attempts[community] = _awaiting_attempt(learner, world.attempts[community], now)

    # Content: an open course anyone may join; a lesson in review; a lesson with a scheduled revision;
    # a page only for a password.
    objects = world.objects
    objects["open_course"] = make_course("公开课程", open_enrolment=True)
    objects["open_lesson"] = make_lesson(objects["open_course"], "公开课时")
    objects["open_quiz"] = make_quiz(objects["open_course"], [base.questions["A社区"]], title="公开测验")
    # A course given by assignment only, assigned to no one: nobody may learn in it.
    objects["closed_course"] = make_course("指派课程", open_enrolment=False)
    objects["closed_lesson"] = make_lesson(objects["closed_course"], "指派课时")
    objects["closed_quiz"] = make_quiz(objects["closed_course"], [base.questions["B社区"]], title="指派测验")
    # SCORM lessons (scorm): one in each course, and each community learner's attempt at the open one.
    from scorm.services import attempt_open
    from scorm.tests.packages import make_scorm_lesson

    objects["open_scorm"] = make_scorm_lesson(
        objects["open_course"], title="公开 SCORM 课时", slug="open-scorm"
    )
    objects["closed_scorm"] = make_scorm_lesson(
        objects["closed_course"], title="指派 SCORM 课时", slug="closed-scorm"
    )
    for community, learner in base.learners.items():
        world.scorm_attempts[community] = attempt_open(
            learner=learner, item=objects["open_scorm"], course=objects["open_course"]
        )
    shared = base.courses["shared"]
    review_lesson = make_lesson(shared, "审核中课时")
    review_lesson.title = "审核中课时（修改）"
    review_lesson.save_revision(user=world.users["trainer"])
    workflow = review_lesson.get_workflow()
    workflow_state = workflow.start(review_lesson, world.users["trainer"])
    review_lesson.refresh_from_db()
    objects["review_lesson"] = review_lesson
    objects["workflow"] = workflow
    objects["workflow_state"] = workflow_state
    objects["task_state"] = workflow_state.current_task_state
    objects["task"] = Task.objects.get(pk=workflow_state.current_task_state.task_id)
    scheduled = make_lesson(shared, "定时课时")
    objects["scheduled_lesson"] = scheduled
    objects["scheduled_revision"] = scheduled.save_revision(
        approved_go_live_at=now + datetime.timedelta(days=7)
    )
    private = make_lesson(shared, "密码课时")
    objects["page_restriction"] = PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="matrix-pass"
    )
    objects["private_lesson"] = private

    question = make_question("定时题目：扫码后点哪里？")
    objects["question"] = question
    objects["question_revision"] = question.save_revision(
        approved_go_live_at=now + datetime.timedelta(days=7)
    )
    objects["category"] = _category()
    objects["topic"] = make_topic("扫码")

    # Images and documents: one in the course material collection (where trainers work), one in a
    # collection of its own that trainers have no rights on.
    material = Collection.objects.get(name="课程素材 Course material")
    root = Collection.get_first_root_node()
    closed = root.add_child(name="内部资料")
    objects["collection"] = material
    objects["material_sub"] = material.add_child(name="截图")
    objects["closed_collection"] = closed
    objects["image"] = _in_collection(make_image("课程截图"), material)
    objects["closed_image"] = _in_collection(make_image("内部截图"), closed)
    Document = get_document_model()
    for name, collection in (("document", material), ("closed_document", closed)):
        document = Document(title="操作手册" if name == "document" else "内部手册", collection=collection)
        document.file.save(f"{name}.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
        document.save()
        objects[name] = document
    private_files = root.add_child(name="密码资料")
    objects["collection_restriction"] = CollectionViewRestriction.objects.create(
        collection=private_files, restriction_type=CollectionViewRestriction.PASSWORD, password="matrix-pass"
    )

    # Things of each staff member's own: an upload waiting for its details, an editing session.
    from django.contrib.contenttypes.models import ContentType
    from wagtail.admin.models import EditingSession
    from wagtail.images import get_image_model

    page_type = ContentType.objects.get_for_model(review_lesson.__class__)
    upload_types = {"image": get_image_model(), "document": Document}
    for role, user in world.users.items():
        if user is None:
            continue
        world.sessions[role] = EditingSession.objects.create(
            user=user, content_type=page_type, object_id=str(review_lesson.pk), last_seen_at=now
        )
        if role not in EDITORS:
            continue  # only those who may upload have uploads waiting
        world.uploads[role] = {}
        for kind, model in upload_types.items():
            upload = UploadedFile(
                for_content_type=ContentType.objects.get_for_model(model), uploaded_by_user=user
            )
            name = "upload.png" if kind == "image" else "upload.pdf"
            upload.file.save(
                name, ContentFile(_png() if kind == "image" else b"%PDF-1.4\n%%EOF\n"), save=False
            )
            upload.save()
            world.uploads[role][kind] = upload

    objects["empty_collection"] = root.add_child(name="空集合")
    objects["alias"] = _alias_of(base.lessons["A社区"], base.courses["B社区"])
    objects["spare_position"] = make_position("楼栋长")
    from api.services import api_client_create

    objects["api_client"] = api_client_create(
        name="矩阵客户端", unit=world.units["A社区"], access="read", actor=world.users["admin"]
    )[0]
    from assistant.models import AssistantUsage

    objects["ai_usage"] = AssistantUsage.objects.create(
        user=world.learner("A社区"), helper="ask", page=base.lessons["A社区"], outcome="ok", tokens_in=1
    )
    from django.conf import settings

    world.media_root = settings.MEDIA_ROOT
    objects["site"] = Site.objects.get(is_default_site=True)
    objects["group"] = Group.objects.get(name="Trainers")
    objects["redirect"] = Redirect.objects.create(old_path="/old-course", redirect_link="/courses/")
    objects["workflow_for_removal"] = Workflow.objects.get(pk=workflow.pk)
    _invitations(world, city_admin)
    _training_sessions(world)
    return world


def _training_sessions(world) -> None:
    """An in-person session organised by each community, running now: A社区's run by the trainer, the
    others by the community's senior trainer; each community's learner checked in at their own."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from classroom import services
    from classroom.models import SessionAttendance

    now = datetime.datetime.now(tz=datetime.UTC)
    for community, learner in world.learners.items():
        session = services.session_create(
            actor=world.users["admin"],
            title=f"{community}线下培训",
            starts_at=now - datetime.timedelta(minutes=10),
            ends_at=now + datetime.timedelta(hours=3),
            place=f"{community}活动室",
            capacity=50,
            unit=world.units[community],
            trainer=world.users["trainer"] if community == "A社区" else world.seniors[community],
            course=world.courses[community],
        )
        SessionAttendance.objects.create(
            session=session, learner=learner, checked_in_at=now, method="qr", invited=True
        )
        # A photo of the signed sheet: the evidence screens serve it.
        services.session_photo_add(
            session=session,
            file=SimpleUploadedFile("sheet.png", _png()),
            actor=world.users["admin"],
        )
        world.training_sessions[community] = session


def _invitations(world, city_admin) -> None:
    """An invitation to each community, each with one join request waiting for approval."""
    from accounts.models import Invitation, JoinRequest
    from tests.factories import make_position

    volunteer = make_position("志愿者")
    for number, community in enumerate(world.learners, start=1):
        invitation = Invitation.objects.create(
            token=f"matrix-invitation-{community[0]}",
            org_unit=world.units[community],
            position=volunteer,
            needs_approval=True,
            created_by=city_admin,
        )
        world.objects[f"invitation {community}"] = invitation
        world.objects[f"join request {community}"] = JoinRequest.objects.create(
            invitation=invitation, name=f"{community[0]}社区申请人", mobile=f"1390000000{number}"
        )


def _alias_of(page, parent):
    """An alias of ``page`` under ``parent``, made by hand: Wagtail's create_alias() asks the parent's
    view restrictions for a queryset, and core.routing caches them as a list."""
    alias = type(page)(
        title=page.title, slug="alias-lesson", body=page.body.raw_data, alias_of=page, live=True
    )
    parent.add_child(instance=alias)
    return alias


def _png() -> bytes:
    import io

    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), (10, 79, 148)).save(buffer, format="PNG")
    return buffer.getvalue()


def _category():
    from quizzes.models import QuestionCategory

    return QuestionCategory.objects.create(name="扫码题")


def _in_collection(item, collection):
    item.collection = collection
    item.save()
    return item


# -- targets: people, units, assignments, certificates, reports (the organisation) -----------------


def community(role: str, where: str) -> str | None:
    inside, outside = REACH[role]
    return {"inside": inside, "above": inside, "list": inside, "outside": outside}[where]


def _person(world, role, where):
    place = community(role, where)
    if place is None:
        return NOTHING
    return world.seniors[place] if where == "above" else world.learner(place)


def _by_community(collection: str) -> Callable:
    def pick(world, role, where):
        place = community(role, where)
        return NOTHING if place is None else getattr(world, collection)[place]

    return pick


def _unit(world, role, where):
    place = community(role, where)
    return NOTHING if place is None else world.units[place]


def _quiz(world, role, where):
    place = community(role, where)
    return NOTHING if place is None else world.quizzes[place]


def person(**extra) -> Target:
    """A person's account: a learner of the role's own part, one of another part, and someone placed in
    the role's part who holds more rights (a trainer)."""
    return Target(
        "person",
        pick=_person,
        kwargs=lambda world, user: {"pk": user.pk, "object_id": user.pk, **extra},
        marker=lambda world, user: user.name,
        wheres=("inside", "outside", "above"),
    )


PEOPLE = Target(
    "people listing", pick=_person, marker=lambda world, user: user.username, wheres=("list",), in_url=False
)


UNIT = Target(
    "unit",
    pick=_unit,
    kwargs=lambda world, unit: {"pk": unit.pk},
    marker=lambda world, unit: unit.name,
    wheres=("inside", "outside"),
)


UNITS = Target(
    "unit listing", pick=_unit, marker=lambda world, unit: unit.name, wheres=("list",), in_url=False
)


ASSIGNMENT = Target(
    "assignment",
    pick=_by_community("assignments"),
    kwargs=lambda world, assignment: {"pk": assignment.pk},
    marker=lambda world, assignment: assignment.course.title,
    wheres=("inside", "outside"),
)


ASSIGNMENTS = Target(
    "assignment listing",
    pick=_by_community("assignments"),
    marker=lambda world, assignment: assignment.course.title,
    wheres=("list",),
    in_url=False,
)


CERTIFICATE = Target(
    "certificate",
    pick=_by_community("certificates"),
    kwargs=lambda world, certificate: {"pk": certificate.pk},
    marker=lambda world, certificate: certificate.holder_name,
    wheres=("inside", "outside"),
)


CERTIFICATES = Target(
    "certificate listing",
    pick=_by_community("certificates"),
    marker=lambda world, certificate: certificate.holder_name,
    wheres=("list",),
    in_url=False,
)


def _training_session(world, role, where):
    """A session inside the role's reach (for the trainer: the one they run; none for a reviewer, who
    runs none) and one outside it."""
    place = community(role, where)
    if place is None or (role == "reviewer" and where != "outside"):
        return NOTHING
    return world.training_sessions[place]


TRAINING_SESSION = Target(
    "in-person session",
    pick=_training_session,
    kwargs=lambda world, session: {
        "pk": session.pk,
        "file_type": "xlsx",
        "photo_id": session.photos.values_list("pk", flat=True).first(),
    },
    marker=lambda world, session: session.title,
    wheres=("inside", "outside"),
)


TRAINING_SESSIONS = Target(
    "in-person session listing",
    pick=_training_session,
    marker=lambda world, session: session.title,
    wheres=("list",),
    in_url=False,
)


def _checkin_path(world, session) -> str:
    from django.urls import reverse

    from classroom.codes import checkin_code

    return reverse("classroom:checkin", args=[checkin_code(session.pk)])


# The learner's check-in: a fresh code for A社区's session (anyone signed in may check in: it accepts
# people not invited).
CHECKIN_CODE = Target(
    "check-in code",
    pick=lambda world, role, where: world.training_sessions["A社区"],
    path=_checkin_path,
    marker=lambda world, session: session.title,
)


def _own_check_in(world, role, where):
    if where == "inside" and role != "learner":
        return NOTHING
    return world.training_sessions["A社区" if where == "inside" else "B社区"]


OWN_CHECK_IN = Target(
    "own check-in",
    pick=_own_check_in,
    kwargs=lambda world, session: {"pk": session.pk},
    marker=lambda world, session: session.title,
    wheres=("inside", "outside"),
    reach=NOBODY,
)


def _by_object(prefix: str) -> Callable:
    def pick(world, role, where):
        place = community(role, where)
        return NOTHING if place is None else world.objects[f"{prefix} {place}"]

    return pick


INVITATION = Target(
    "invitation",
    pick=_by_object("invitation"),
    kwargs=lambda world, invitation: {"pk": invitation.pk},
    marker=lambda world, invitation: invitation.org_unit.name,
    wheres=("inside", "outside"),
)


INVITATIONS = Target(
    "invitation listing",
    pick=_by_object("invitation"),
    marker=lambda world, invitation: invitation.org_unit.name,
    wheres=("list",),
    in_url=False,
)


JOIN_REQUESTS = Target(
    "join request listing",
    pick=_by_object("join request"),
    marker=lambda world, request: request.name,
    wheres=("list",),
    in_url=False,
)


def report(marker: str) -> Target:
    """A training report: the viewer's whole part (the listing) and one place in the tree (``?node=``),
    inside and outside it. ``marker``: course | learner | quiz, what each row names."""
    show = {
        "course": lambda world, unit: world.courses[unit.name].title,
        "learner": lambda world, unit: world.learner(unit.name).name,
        "quiz": lambda world, unit: world.quizzes[unit.name].title,
    }[marker]
    return Target(
        f"report by {marker}",
        pick=_unit,
        query=lambda world, unit: f"?node={unit.pk}",
        marker=show,
        wheres=("list", "inside", "outside"),
    )


TRANSCRIPT = Target(
    "learner transcript",
    pick=lambda world, role, where: (
        NOTHING if community(role, where) is None else world.learner(community(role, where))
    ),
    kwargs=lambda world, learner: {"pk": learner.pk},
    marker=lambda world, learner: world.courses[learner.org_unit.name].title,
    wheres=("inside", "outside"),
)


QUIZ_QUESTIONS = Target(
    "quiz questions report",
    pick=_quiz,
    kwargs=lambda world, quiz: {"quiz_id": quiz.pk},
    marker=lambda world, quiz: next(
        q for c, q in world.questions.items() if world.quizzes[c].pk == quiz.pk
    ).text[:6],
    wheres=("inside", "outside"),
    in_url=False,  # a quiz is content: the report opens, showing only the answers inside the reach
)


# The site history names each learner (an override logged about them); trainers open it and see no one.


SITE_HISTORY = Target(
    "site history", pick=_person, marker=lambda world, user: user.name, wheres=("list",), in_url=False
)


# -- targets: the learner's own records (theirs inside, another learner's outside) -----------------


def _own_or_other(collection: str) -> Callable:
    def pick(world, role, where):
        if where == "inside":
            return getattr(world, collection)["A社区"] if role == "learner" else NOTHING
        return getattr(world, collection)["B社区"]

    return pick


def _self_or_other(world, role, where):
    if where == "inside":
        return world.users[role] or NOTHING
    return world.learner("B社区")


OWN_DATA = Target(
    "own data",
    pick=_self_or_other,
    marker=lambda world, user: user.name,
    wheres=("list",),
    in_url=False,
    reach=NOBODY,
)
OWN_CERTIFICATES = Target(
    "own certificates",
    pick=_own_or_other("certificates"),
    marker=lambda world, certificate: certificate.course_title,
    wheres=("list",),
    in_url=False,
    reach=NOBODY,
)
OWN_NOTIFICATIONS = Target(
    "own notifications",
    pick=_own_or_other("notifications"),
    marker=lambda world, notification: notification.recipient.name,
    wheres=("list",),
    in_url=False,
    reach=NOBODY,
)
OWN_CERTIFICATE = Target(
    "own certificate",
    pick=_own_or_other("certificates"),
    kwargs=lambda world, certificate: {"code": certificate.display_code},
    marker=lambda world, certificate: certificate.holder_name,
    wheres=("inside", "outside"),
    reach=ADMIN,  # a site administrator opens anyone's certificate
)


OWN_CERTIFICATE_PDF = Target(
    "own certificate (PDF)",
    pick=_own_or_other("certificates"),
    kwargs=lambda world, certificate: {"code": certificate.display_code},
    wheres=("inside", "outside"),
    reach=ADMIN,
)


OPEN_ATTEMPT = Target(
    "own quiz attempt in progress",
    pick=_own_or_other("open_attempts"),
    kwargs=lambda world, attempt: {"uuid": attempt.uuid, "number": 1},
    marker=lambda world, attempt: world.quizzes[attempt.learner.org_unit.name].title,
    wheres=("inside", "outside"),
    reach=NOBODY,
)


DONE_ATTEMPT = Target(
    "own submitted quiz attempt",
    pick=_own_or_other("attempts"),
    kwargs=lambda world, attempt: {"uuid": attempt.uuid},
    marker=lambda world, attempt: world.quizzes[attempt.learner.org_unit.name].title,
    wheres=("inside", "outside"),
    reach=NOBODY,
)


# Trainers and reviewers mark every learner's written answers; a manager only their own part's.
MARKERS = STAFF
ATTEMPT_TO_MARK = Target(
    "quiz attempt awaiting marking",
    pick=lambda world, role, where: (
        NOTHING if community(role, where) is None else world.awaiting_attempts[community(role, where)]
    ),
    kwargs=lambda world, attempt: {"uuid": attempt.uuid},
    marker=lambda world, attempt: attempt.learner.name,
    wheres=("inside", "outside"),
    reach=WHOLE_CITY | {"trainer", "reviewer"},
)
MARKING_QUEUE = Target(
    "marking queue",
    pick=ATTEMPT_TO_MARK.pick,
    marker=lambda world, attempt: attempt.learner.name,
    wheres=("inside", "outside"),
    in_url=False,
    reach=ATTEMPT_TO_MARK.reach,
)


OWN_NOTIFICATION = Target(
    "own notification",
    pick=_own_or_other("notifications"),
    kwargs=lambda world, notification: {"notification_id": notification.pk},
    wheres=("inside", "outside"),
    reach=NOBODY,
)


def _open_or_closed(kind: str) -> Callable:
    """Inside: something of a course open to everyone; outside: of a course given by assignment only,
    assigned to no one."""

    def pick(world, role, where):
        if where == "inside":
            return world.objects[f"open_{kind}"]
        return world.objects[f"closed_{kind}"]

    return pick


OPEN_COURSE = Target(
    "course",
    pick=_open_or_closed("course"),
    kwargs=lambda world, course: {"course_id": course.pk},
    wheres=("inside", "outside"),
    reach=NOBODY,
)


OPEN_LESSON = Target(
    "lesson",
    pick=_open_or_closed("lesson"),
    kwargs=lambda world, lesson: {"item_id": lesson.pk},
    wheres=("inside", "outside"),
    reach=NOBODY,
)


OPEN_SCORM = Target(
    "SCORM lesson",
    pick=_open_or_closed("scorm"),
    kwargs=lambda world, lesson: {"item_id": lesson.pk},
    wheres=("inside", "outside"),
    reach=NOBODY,
)


OWN_SCORM_ATTEMPT = Target(
    "own SCORM attempt",
    pick=_own_or_other("scorm_attempts"),
    kwargs=lambda world, attempt: {"uuid": attempt.uuid},
    wheres=("inside", "outside"),
    reach=NOBODY,
)


def scorm_commit(world, attempt, role) -> dict:
    """A commit of the SCORM runtime, newer than any before it (its sequence number is the time)."""
    import json
    import time

    return {"state": json.dumps({"seq": time.time_ns() // 1000, "data": {"cmi.core.lesson_location": role}})}


def scorm_attempt_ids(item_id):
    from scorm.models import ScormAttempt

    return sorted(ScormAttempt.objects.filter(item_id=item_id).values_list("pk", flat=True))


OPEN_QUIZ = Target(
    "quiz",
    pick=_open_or_closed("quiz"),
    kwargs=lambda world, quiz: {"quiz_id": quiz.pk},
    wheres=("inside", "outside"),
    reach=NOBODY,
)


# -- targets: what a staff member has of their own (uploads, editing sessions, imports) ------------


def _someone_else(role: str) -> str:
    return "trainer" if role != "trainer" else "reviewer"


def _own_or_others(collection: str) -> Callable:
    def pick(world, role, where):
        items = getattr(world, collection)
        if role == "anonymous":
            return items["admin"]
        return items[role if where == "inside" else _someone_else(role)]

    return pick


def _upload(kind):
    def pick(world, role, where):
        if where == "inside":
            return world.uploads[role][kind] if role in world.uploads else NOTHING
        return world.uploads[_someone_else(role)][kind]

    return pick


def upload(kind: str) -> Target:
    """An upload waiting for its details (Wagtail's multiple upload): the viewer's own (only those who
    may upload have one), and another's."""
    return Target(
        f"{kind} upload",
        pick=_upload(kind),
        kwargs=lambda world, upload: {"uploaded_file_id": upload.pk},
        wheres=("inside", "outside"),
        reach=NOBODY,
    )


EDITING_SESSION = Target(
    "editing session",
    pick=_own_or_others("sessions"),
    kwargs=lambda world, session: {"session_id": session.pk},
    wheres=("inside", "outside"),
    reach=NOBODY,
)


def _staged(kind: str, confirmed: bool) -> Callable:
    """A staged import (kept in the cache, so made afresh in each test): the viewer's own (or, for a
    role that may not import, a first importer's) and another importer's."""
    importers = ("community_manager", "district_manager") if kind == "staff" else ("trainer", "reviewer")

    def pick(world, role, where):
        if where == "inside":
            owner_role = role if role in (MANAGERS if kind == "staff" else EDITORS) else importers[0]
        else:
            owner_role = importers[1] if role == importers[0] else importers[0]
        memo_key = (kind, confirmed, owner_role)
        if memo_key not in world.memo:
            world.memo[memo_key] = _stage(world, kind, owner_role, confirmed)
        return world.memo[memo_key]

    return pick


def _stage(world, kind: str, owner_role: str, confirmed: bool) -> str:
    owner = world.users[owner_role]
    if kind == "staff":
        from accounts import staff_import

        place = REACH[owner_role][0]
        unit = world.units[place]
        path = "/".join(u.name for u in unit.get_ancestors() if u.depth > 1) + "/" + unit.name
        row = staff_import.StaffRow(
            line=2, name=f"导入{owner_role}", mobile=f"139{ROLES.index(owner_role):08d}", org_path=path
        )
        staged = staff_import.staff_import_stage(rows=[row], filename="staff.csv", actor=owner)
        if confirmed:
            staff_import.staff_import_staged_confirm(token=staged.token, actor=owner)
        return staged.token
    from quizzes import importing

    raw = f"::导入{owner_role}:: 扫码后看到什么？{{=登记成功 ~付款码}}\n".encode()
    staged = importing.import_stage(
        raw=raw, filename="q.gift", file_format="gift", default_category=None, actor=owner
    )
    if confirmed:
        importing.import_staged_confirm(token=staged.token, actor=owner)
    return staged.token


def staged_import(kind: str, *, confirmed: bool = False) -> Target:
    return Target(
        f"{kind} import",
        pick=_staged(kind, confirmed),
        kwargs=lambda world, token: {"token": token},
        wheres=("inside", "outside"),
        reach=NOBODY,
    )


# -- targets: content (pages, images, documents, snippets, settings: no part of the tree) ----------

CONTENT = {
    "scorm_key": lambda world: world.objects["open_scorm"].package.key,
    # pages
    "lesson": lambda world: world.lessons["A社区"].pk,
    "course": lambda world: world.courses["A社区"].pk,
    "other_course": lambda world: world.courses["B社区"].pk,
    "lesson_revision": lambda world: world.lessons["A社区"].latest_revision_id,
    "review_lesson": lambda world: world.objects["review_lesson"].pk,
    "task_state": lambda world: world.objects["task_state"].pk,
    "workflow_state": lambda world: world.objects["workflow_state"].pk,
    "task": lambda world: world.objects["task"].pk,
    "workflow": lambda world: world.objects["workflow"].pk,
    "scheduled_lesson": lambda world: world.objects["scheduled_lesson"].pk,
    "alias": lambda world: world.objects["alias"].pk,
    "scheduled_revision": lambda world: world.objects["scheduled_revision"].pk,
    "private_lesson": lambda world: world.objects["private_lesson"].pk,
    "page_restriction": lambda world: world.objects["page_restriction"].pk,
    # snippets
    "question": lambda world: world.objects["question"].pk,
    "question_revision": lambda world: world.objects["question_revision"].pk,
    "category": lambda world: world.objects["category"].pk,
    "topic": lambda world: world.objects["topic"].pk,
    "position": lambda world: world.position.pk,
    # the rest
    "collection": lambda world: world.objects["collection"].pk,
    "empty_collection": lambda world: world.objects["empty_collection"].pk,
    "spare_position": lambda world: world.objects["spare_position"].pk,
    "api_client": lambda world: world.objects["api_client"].pk,
    "ai_usage": lambda world: world.objects["ai_usage"].pk,
    "collection_restriction": lambda world: world.objects["collection_restriction"].pk,
    "site": lambda world: world.objects["site"].pk,
    "group": lambda world: world.objects["group"].pk,
    "redirect": lambda world: world.objects["redirect"].pk,
    "image": lambda world: world.objects["image"].pk,
    "document": lambda world: world.objects["document"].pk,
    "block": lambda world: _first_block_id(),
}


def _first_block_id() -> str:
    from wagtail.blocks.base import Block

    return next(iter(Block.definition_registry))


def content(*, query: dict | None = None, of: str | None = None, **names) -> Target:
    """URL arguments naming content: each keyword is an argument, each value a key of CONTENT or a
    literal (a str starting with '='); ``query`` the same for the query string; ``of``: the world's
    object whose state a POST must (not) change."""

    def value_of(world, value):
        return value[1:] if value.startswith("=") else CONTENT[value](world)

    def query_string(world, obj):
        return "?" + "&".join(f"{name}={value_of(world, value)}" for name, value in query.items())

    def kwargs(world, obj):
        return _Lazy(
            {
                name: (lambda value=value: value[1:] if value.startswith("=") else CONTENT[value](world))
                for name, value in names.items()
            }
        )

    def pick(world, role, where):
        return world.objects[of] if of in world.objects else getattr(world, of)

    return Target("content", pick=pick if of else None, kwargs=kwargs, query=query_string if query else None)


class _Lazy(dict):
    """URL arguments computed only when the pattern has them."""

    def __getitem__(self, name):
        return super().__getitem__(name)()


def collected(kind: str, *names: str, marked: bool = True, query: bool = False, **extra) -> Target:
    """An image or a document: one in the course material collection, one in a collection trainers have
    no rights on (only the site administrator reaches both). ``names``: the URL arguments that take its
    id; ``query``: the id goes in ``?id=`` instead."""
    return Target(
        kind,
        pick=lambda world, role, where: world.objects[kind if where == "inside" else f"closed_{kind}"],
        kwargs=lambda world, item: {**dict.fromkeys(names, item.pk), **extra},
        query=(lambda world, item: f"?id={item.pk}") if query else None,
        marker=(lambda world, item: item.title) if marked else None,
        wheres=("inside", "outside"),
        reach=ADMIN,
    )


PAGE = content(
    page_id="lesson",
    parent_page_id="course",
    page_to_move_id="lesson",
    destination_id="other_course",
    revision_id="lesson_revision",
    content_type_app_name="=courses",
    content_type_model_name="=lessonpage",
    app_label="=courses",
    model_name="=lessonpage",
    pk="lesson",
    revision_id_a="=earliest",
    revision_id_b="=latest",
)


IN_REVIEW = content(
    page_id="review_lesson",
    action_name="=approve",
    task_state_id="task_state",
    task_id="task",
    workflow_state_id="workflow_state",
)


WORKFLOWS = content(
    pk="workflow",
    page_pk="lesson",
    workflow_pk="workflow",
    task_id="task",
    app_label="=wagtailcore",
    model_name="=groupapprovaltask",
)


TASKS = content(pk="task")


def lesson_a(world, role, where):
    return world.lessons["A社区"]


API_PAGE = Target(
    "page (admin API)",
    pick=lesson_a,
    kwargs=lambda world, page: {"pk": page.pk},
    query=lambda world, page: f"?id={page.pk}",
    marker=lambda world, page: page.title,
)


API_PAGES = Target(
    "pages (admin API)",
    pick=lesson_a,
    query=lambda world, page: f"?child_of={world.courses['A社区'].pk}",
    marker=lambda world, page: page.title,
    in_url=False,
)


def api_find(kind):
    return Target(
        f"{kind} (admin API)",
        pick=lambda world, role, where: world.objects[kind],
        query=lambda world, item: f"?id={item.pk}",
    )


def chosen_by_id(key):
    return Target(key, query=lambda world, obj: f"?id={CONTENT[key](world)}")


# -- targets: bulk actions (/admin/bulk/<app>/<model>/<action>/?id=…) ------------------------------


def bulk_target(
    label: str, action: str, pick, *, marker=None, wheres=("inside",), reach=frozenset()
) -> Target:
    app_label, model_name = label.split(".")

    def path(world, obj):
        from django.urls import reverse

        base = reverse("wagtail_bulk_action", args=[app_label, model_name, action])
        return f"{base}?id={obj.pk}&next=/admin/"

    return Target(f"{label}.{action}", pick=pick, marker=marker, wheres=wheres, reach=reach, path=path)


def people_bulk(action: str) -> Target:
    people = person()
    return bulk_target(
        "accounts.user", action, people.pick, marker=people.marker, wheres=people.wheres, reach=people.reach
    )


def collected_bulk(label: str, kind: str, action: str) -> Target:
    item = collected(kind)
    return bulk_target(label, action, item.pick, wheres=item.wheres, reach=item.reach)


def object_bulk(label: str, action: str, key: str) -> Target:
    return bulk_target(
        label,
        action,
        lambda world, role, where: world.objects[key] if key in world.objects else getattr(world, key),
    )


def lesson_bulk(action: str) -> Target:
    return bulk_target("wagtailcore.page", action, lambda world, role, where: world.lessons["A社区"])


# Wagtail's bulk confirmation, or back to the listing, having done nothing.


CONTENT_REFUSED = REFUSALS | {Outcome.OK, Outcome.REDIRECT}


# -- POST bodies, and what a POST may change -------------------------------------------------------


def state(read):
    """A POST's effect to compare before and after: ``read(model instance fresh from the database)``."""

    def read_state(world, obj):
        fresh = type(obj)._default_manager.filter(pk=obj.pk).first()
        return None if fresh is None else read(fresh)

    return read_state


def exists(world, obj):
    return type(obj)._default_manager.filter(pk=obj.pk).exists()


def user_form(world, user, role):
    """The user edit form as the admin shows it, with a new name: valid, so that only rights stop it."""
    data = {
        "username": user.username,
        "name": f"{user.name}改",
        "mobile": user.mobile or "",
        "email": user.email or "",
        "org_unit": user.org_unit_id or "",
        "position": user.position_id or "",
        "is_active": "on",
        "role": "learner",
        "managed_unit": "",
    }
    return data


def unit_form(world, unit, role):
    return {
        "name": f"{unit.name}改",
        "level": unit.level,
        "code": unit.code or "",
        "parent": unit.get_parent().pk,
    }


def title_of(world, obj):
    return type(obj)._default_manager.filter(pk=obj.pk).values_list("title", flat=True).first()


def page_form(world, page, role):
    """A page form as far as Wagtail needs it to answer (an invalid one: a refused POST must not save
    anything either way)."""
    return {
        "title": "",
        "slug": "",
        "body-count": "0",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
    }


def page_state(world):
    """Lesson A: still there, live, unlocked, in its course."""
    from wagtail.models import Page

    page = Page.objects.filter(pk=world.lessons["A社区"].pk).first()
    return None if page is None else (page.live, page.locked, page.path, page.title)


def review_state(world):
    from wagtail.models import WorkflowState

    return WorkflowState.objects.get(pk=world.objects["workflow_state"].pk).status


def alias_state(world):
    from wagtail.models import Page

    return Page.objects.get(pk=world.objects["alias"].pk).alias_of_id


def task_count():
    from wagtail.models import Task

    return Task.objects.count()


def imported_questions():
    from quizzes.models import Question

    return sorted(Question.objects.filter(title__startswith="导入").values_list("title", flat=True))


def question_form(world, obj, role):
    """The question form's stream fields, empty (an invalid form: nothing is saved)."""
    return {f"{name}-count": "0" for name in ("choices", "answers", "numeric_answers", "steps", "areas")}


def upload_form(prefix):
    def data(world, upload, role):
        return {
            f"{prefix}-{upload.pk}-title": "上传",
            f"{prefix}-{upload.pk}-collection": world.objects["collection"].pk,
        }

    return data


def name_of(world, obj):
    fresh = type(obj)._default_manager.filter(pk=obj.pk).first()
    return None if fresh is None else str(fresh)


def enrolment_ids(course_id):
    from progress.models import Enrolment

    return sorted(Enrolment.objects.filter(course_id=course_id).values_list("learner_id", flat=True))


def item_progress_ids(item_id):
    from progress.models import Enrolment, ItemProgress

    return (
        sorted(ItemProgress.objects.filter(item_id=item_id).values_list("pk", flat=True)),
        Enrolment.objects.count(),
    )


def attempt_ids(quiz_id):
    from quizzes.models import QuizAttempt

    return sorted(QuizAttempt.objects.filter(quiz_id=quiz_id).values_list("pk", flat=True))


def imported_people():
    from accounts.models import User

    return sorted(User.objects.filter(name__startswith="导入").values_list("name", flat=True))


def completions(learner):
    from progress.models import CourseCompletion

    return sorted(CourseCompletion.objects.filter(learner=learner).values_list("course_id", flat=True))


def tags_of(world, obj):
    return sorted(type(obj)._default_manager.get(pk=obj.pk).tags.names())


def collection_of(world, obj):
    return type(obj)._default_manager.get(pk=obj.pk).collection_id

"""The one place xAPI 1.0.3 statements are built, from the platform's own records.

Each builder takes rows the platform already keeps (item progress, a quiz attempt and its answers, a
course completion, a certificate) and returns the statement as a dict, ready to be stored and sent. No
I/O here: xapi.events loads the rows and records what this module builds.

- **Ids.** A statement's id is a UUID 5 of the event's identity (what happened, to whom, which row, and
  the row's own time), under a namespace of this project and the site's address: the same event always
  gets the same id, so a retry, a second worker or a rebuilt statement is the same statement.
- **Actor.** An account on the site's home page (``XAPI_SITE_URL``) named by an opaque id that never
  changes for the person (a UUID 5 of their account number); never their mobile number or e-mail
  address unless ``XAPI_ACTOR`` chooses "mobile" or "email".
- **Activities.** Pages are named by a permanent address on the site, ``/xapi/activities/page/<id>/``,
  which leads to the page wherever it has moved; a question by its quiz's address and
  ``#question-<id>``; a certificate by its public verification page.
- **Verbs** from ADL (http://adlnet.gov/expapi/verbs/...), and "earned" from the xAPI registry for a
  certificate (ADL has no verb for receiving one), with display strings in zh-CN and en-US.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator

from xapi import conf

XAPI_VERSION = "1.0.3"
# This project's namespace for statement ids and opaque actor names (fixed for good: changing it would
# change every id). The site's address is part of every name under it, so two sites never collide.
NAMESPACE = uuid.UUID("8515d2a0-8b98-4feb-9485-c9b26327e4e5")

ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
ADL_ACTIVITIES = "http://adlnet.gov/expapi/activities/"


@dataclass(frozen=True)
class Verb:
    id: str
    zh: str
    en: str

    def as_dict(self) -> dict:
        return {"id": self.id, "display": {"zh-CN": self.zh, "en-US": self.en}}

    @property
    def name(self) -> str:
        return self.id.rstrip("/").rsplit("/", 1)[-1]


EXPERIENCED = Verb(ADL_VERBS + "experienced", "学习了", "experienced")
COMPLETED = Verb(ADL_VERBS + "completed", "完成了", "completed")
ATTEMPTED = Verb(ADL_VERBS + "attempted", "参加了", "attempted")
ANSWERED = Verb(ADL_VERBS + "answered", "回答了", "answered")
PASSED = Verb(ADL_VERBS + "passed", "通过了", "passed")
FAILED = Verb(ADL_VERBS + "failed", "未通过", "failed")
EARNED = Verb("http://id.tincanapi.com/verb/earned", "获得了", "earned")
ATTENDED = Verb(ADL_VERBS + "attended", "参加了线下培训", "attended")

COURSE = ADL_ACTIVITIES + "course"
LESSON = ADL_ACTIVITIES + "lesson"
ASSESSMENT = ADL_ACTIVITIES + "assessment"
INTERACTION = ADL_ACTIVITIES + "cmi.interaction"
MEETING = ADL_ACTIVITIES + "meeting"


@dataclass(frozen=True)
class Person:
    """Who the statement is about: the account number, and (only for the modes that name them) the
    username, mobile number or e-mail address."""

    pk: int
    username: str = ""
    mobile: str = ""
    email: str = ""

    @classmethod
    def of(cls, user) -> Person:
        return cls(
            pk=user.pk,
            username=user.get_username(),
            mobile=getattr(user, "mobile", "") or "",
            email=getattr(user, "email", "") or "",
        )


@dataclass(frozen=True)
class Page:
    """A course, lesson or quiz page as a statement names it."""

    pk: int
    title: str
    type: str = LESSON


# -- the parts --------------------------------------------------------------------------------------


def statement_id(*identity) -> str:
    return str(uuid.uuid5(NAMESPACE, "|".join([conf.site_url(), *(str(part) for part in identity)])))


def opaque_name(learner_pk: int) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{conf.site_url()}|learner|{learner_pk}"))


def actor(person: Person) -> dict:
    """An Agent with exactly one identifier: an account on this site (the default, opaque), or the
    mailbox when the organisation chose "email" (and the person has an address)."""
    mode = conf.actor_mode()
    if mode == "email" and person.email:
        return {"objectType": "Agent", "mbox": f"mailto:{person.email}"}
    name = {"username": person.username, "mobile": person.mobile}.get(mode) or opaque_name(person.pk)
    return {"objectType": "Agent", "account": {"homePage": conf.site_url(), "name": name}}


def page_iri(page_pk: int) -> str:
    return conf.site_url() + reverse("xapi:activity", args=[page_pk])


def _text(value: str, limit: int = 200) -> dict:
    # Content is written in Chinese; a title is never machine-translated into an "en-US" entry.
    return {"zh-CN": Truncator(value.strip() or "-").chars(limit)}


def page_activity(page: Page) -> dict:
    return {
        "objectType": "Activity",
        "id": page_iri(page.pk),
        "definition": {"type": page.type, "name": _text(page.title)},
    }


def timestamp(moment: datetime.datetime) -> str:
    """ISO 8601 with the offset of the site's time zone, to the millisecond."""
    return timezone.localtime(moment).isoformat(timespec="milliseconds")


def duration(seconds: float) -> str:
    """ISO 8601 duration, e.g. PT1H2M3.5S (hundredths of a second at most, as xAPI keeps)."""
    centis = max(0, round(seconds * 100))
    hours, rest = divmod(centis, 360000)
    minutes, centis = divmod(rest, 6000)
    secs = f"{centis // 100}" if centis % 100 == 0 else f"{centis / 100:.2f}".rstrip("0")
    text = "PT"
    if hours:
        text += f"{hours}H"
    if minutes:
        text += f"{minutes}M"
    if secs != "0" or text == "PT":
        text += f"{secs}S"
    return text


def platform() -> str:
    with translation.override("en"):
        return str(settings.WAGTAIL_SITE_NAME)


def registration(learner_pk: int, course_pk: int) -> str:
    """One registration per learner × course: every statement of that learner in that course shares it."""
    return statement_id("registration", learner_pk, course_pk)


def extension(name: str) -> str:
    return f"{conf.site_url()}/xapi/extensions/{name}"


def context(
    person: Person, course: Page | None, *, parent: dict | None = None, extensions: dict | None = None
) -> dict:
    ctx = {"platform": platform(), "language": "zh-CN"}
    if course is not None:
        ctx["registration"] = registration(person.pk, course.pk)
        course_activity = page_activity(course)
        if parent is None:
            ctx["contextActivities"] = {"parent": [course_activity]}
        else:
            ctx["contextActivities"] = {"parent": [parent], "grouping": [course_activity]}
    if extensions:
        ctx["extensions"] = extensions
    return ctx


def _statement(
    identity: tuple, person: Person, verb: Verb, obj: dict, when, *, result=None, ctx=None
) -> dict:
    statement = {
        "id": statement_id(*identity),
        "actor": actor(person),
        "verb": verb.as_dict(),
        "object": obj,
        "timestamp": timestamp(when),
        "version": XAPI_VERSION,
    }
    if result:
        statement["result"] = result
    if ctx:
        statement["context"] = ctx
    return statement


def score(raw: float, maximum: float) -> dict:
    raw = round(min(max(raw, 0.0), maximum), 4)
    return {"scaled": round(raw / maximum, 4), "raw": raw, "min": 0, "max": maximum}


# -- the statements ---------------------------------------------------------------------------------


def item_experienced(*, person: Person, item: Page, course: Page, first_seen_at) -> dict:
    """The learner opened a lesson or quiz for the first time."""
    return _statement(
        ("experienced", person.pk, item.pk, first_seen_at.isoformat()),
        person,
        EXPERIENCED,
        page_activity(item),
        first_seen_at,
        ctx=context(person, course),
    )


def item_completed(
    *, person: Person, item: Page, course: Page, completed_at, tested_out_attempt: int | None = None
) -> dict:
    """The learner finished a lesson (or passed a quiz, or skipped a lesson by passing a test-out)."""
    extensions = {extension("tested-out-by-attempt"): tested_out_attempt} if tested_out_attempt else None
    return _statement(
        ("completed", person.pk, item.pk, completed_at.isoformat()),
        person,
        COMPLETED,
        page_activity(item),
        completed_at,
        result={"completion": True},
        ctx=context(person, course, extensions=extensions),
    )


@dataclass(frozen=True)
class Answer:
    position: int
    question_id: int
    kind: str
    interaction_type: str
    text: str
    response: str | None  # None: not given out (a written answer is the learner's own words)
    score: float | None
    correct: bool | None
    saved_at: datetime.datetime


def quiz_attempt(*, person: Person, attempt, quiz: Page, course: Page, answers: list[Answer]) -> list[dict]:
    """A closed, graded attempt: attempted (when it started), each answer, then passed or failed with the
    score. ``attempt`` is a quizzes.QuizAttempt whose result is recorded."""
    quiz = Page(quiz.pk, quiz.title, ASSESSMENT)
    quiz_object = page_activity(quiz)
    attempt_ext = {extension("attempt"): attempt.number}
    statements = [
        _statement(
            ("attempted", attempt.pk),
            person,
            ATTEMPTED,
            quiz_object,
            attempt.started_at,
            ctx=context(person, course, extensions=attempt_ext),
        )
    ]
    closed_at = attempt.submitted_at or attempt.started_at
    for answer in answers:
        obj = {
            "objectType": "Activity",
            "id": f"{quiz_object['id']}#question-{answer.question_id}",
            "definition": {
                "type": INTERACTION,
                "name": _text(answer.text, 100),
                "description": _text(answer.text, 2000),
                "interactionType": answer.interaction_type,
            },
        }
        result = {}
        if answer.score is not None:
            result["score"] = score(answer.score, 1.0)
        if answer.correct is not None:
            result["success"] = answer.correct
        if answer.response is not None:
            result["response"] = answer.response
        statements.append(
            _statement(
                ("answered", attempt.pk, answer.position),
                person,
                ANSWERED,
                obj,
                min(answer.saved_at, closed_at),
                result=result or None,
                ctx=context(person, course, parent=quiz_object, extensions=attempt_ext),
            )
        )
    result = {"success": bool(attempt.passed), "completion": True}
    if attempt.max_score:
        result["score"] = score(attempt.score or 0.0, float(attempt.max_score))
    if attempt.submitted_at and attempt.started_at:
        result["duration"] = duration((attempt.submitted_at - attempt.started_at).total_seconds())
    statements.append(
        _statement(
            ("result", attempt.pk),
            person,
            PASSED if attempt.passed else FAILED,
            quiz_object,
            closed_at,
            result=result,
            ctx=context(person, course, extensions=attempt_ext),
        )
    )
    return statements


def course_completed(*, person: Person, course: Page, completion) -> dict:
    """The course is complete (by its completion rule, or marked complete by a manager: the rule says)."""
    course = Page(course.pk, course.title, COURSE)
    return _statement(
        ("course-completed", completion.pk),
        person,
        COMPLETED,
        page_activity(course),
        completion.completed_at,
        result={"completion": True},
        ctx=context(person, None, extensions={extension("completion-rule"): completion.rule})
        | {"registration": registration(person.pk, course.pk)},
    )


def certificate_earned(*, person: Person, certificate) -> dict:
    """A certificate was issued for a completed course (its public verification page names it)."""
    course = Page(certificate.course_id, certificate.course_title, COURSE)
    verify = conf.site_url() + reverse("certificates:verify", args=[certificate.display_code])
    obj = {
        "objectType": "Activity",
        "id": verify,
        "definition": {
            "name": {
                "zh-CN": Truncator(f"证书：{certificate.course_title}").chars(200),
                "en-US": Truncator(f"Certificate: {certificate.course_title}").chars(200),
            },
        },
    }
    extensions = {}
    if certificate.expires_at:
        extensions[extension("expires-at")] = timestamp(certificate.expires_at)
    return _statement(
        ("certificate", certificate.pk),
        person,
        EARNED,
        obj,
        certificate.issued_at,
        ctx=context(person, course, extensions=extensions or None),
    )


def session_iri(session_pk: int) -> str:
    """An in-person session's activity id: a name under the site's address (it is not a page)."""
    return f"{conf.site_url()}/xapi/activities/session/{session_pk}/"


def session_attended(*, person: Person, attendance, session, course: Page | None) -> dict:
    """The learner attended an in-person session (classroom), sent when the session closes: the
    session as a meeting, its length as the duration, its study hours as an extension, the course
    (if any) as the parent."""
    activity = {
        "objectType": "Activity",
        "id": session_iri(session.pk),
        "definition": {
            "type": MEETING,
            "name": _text(session.title),
            "description": _text(session.place),
        },
    }
    ctx = context(person, course, extensions={extension("study-hours"): float(session.hours)})
    return _statement(
        ("session-attended", attendance.pk),
        person,
        ATTENDED,
        activity,
        session.starts_at,
        result={
            "completion": True,
            "duration": duration((session.ends_at - session.starts_at).total_seconds()),
        },
        ctx=ctx,
    )

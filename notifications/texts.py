"""The words of each kind of reminder, from its ``params``, in the active language.

Stored notifications keep the text they were sent with; the list page calls ``render`` again so
a reader who switched to English reads English.
"""

import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from notifications.models import Notification

Kind = Notification.Kind


def _date(iso: str) -> str:
    try:
        return formats.date_format(datetime.date.fromisoformat(iso), "DATE_FORMAT")
    except (TypeError, ValueError):
        return iso or ""


def render(kind: str, params: dict) -> tuple[str, str]:
    """(subject, body) for a reminder of ``kind`` described by ``params``."""
    if kind == Kind.DUE_SOON:
        values = {"course": params.get("course", ""), "date": _date(params.get("due_on"))}
        return (
            _("“%(course)s” is due on %(date)s") % values,
            _("Please finish the course “%(course)s” by %(date)s. Open it to continue where you stopped.")
            % values,
        )
    if kind == Kind.OVERDUE:
        values = {"course": params.get("course", ""), "date": _date(params.get("due_on"))}
        return (
            _("“%(course)s” is overdue") % values,
            _(
                "The course “%(course)s” was due on %(date)s and is not finished yet. "
                "Please finish it as soon as you can."
            )
            % values,
        )
    if kind == Kind.CERTIFICATE_EXPIRING:
        values = {"course": params.get("course", ""), "date": _date(params.get("expires_on"))}
        return (
            _("Your certificate for “%(course)s” expires on %(date)s") % values,
            _(
                "Your certificate for “%(course)s” expires on %(date)s. "
                "Take the course again before then to keep it valid."
            )
            % values,
        )
    if kind == Kind.COURSE_ASSIGNED:
        values = {"course": params.get("course", ""), "date": _date(params.get("due_on"))}
        if params.get("due_on"):
            subject = _("New course: “%(course)s”. Please finish it by %(date)s.") % values
        else:
            subject = _("New course: “%(course)s”.") % values
        return subject, (params.get("note") or _("Open it to start learning."))
    if kind == Kind.MANAGER_DIGEST:
        return _digest(params)
    if kind == Kind.COURSE_COMPLETED:
        values = {"course": params.get("course", "")}
        return (
            _("You have completed “%(course)s”") % values,
            _("Well done! Open this to see your certificate."),
        )
    if kind == Kind.QUIZ_MARKED:
        values = {"quiz": params.get("quiz", ""), "score": params.get("score", "")}
        if params.get("passed"):
            body = _("You passed. Open this to read the trainer's comments.")
        else:
            body = _("Not passed yet. Open this to read the trainer's comments before you try again.")
        return _("Your quiz “%(quiz)s” has been marked: %(score)s") % values, body
    if kind in (Kind.SESSION_INVITED, Kind.SESSION_CHANGED, Kind.SESSION_REMINDER):
        return _session(kind, params)
    raise ValueError(f"unknown notification kind {kind!r}")


def _moment(iso: str | None) -> str:
    try:
        moment = timezone.localtime(datetime.datetime.fromisoformat(iso or ""))
    except (TypeError, ValueError):
        return iso or ""
    return formats.date_format(moment, "DATE_FORMAT") + " " + formats.time_format(moment, "H:i")


def _session(kind: str, params: dict) -> tuple[str, str]:
    values = {
        "title": params.get("session", ""),
        "when": _moment(params.get("starts_at")),
        "place": params.get("place", ""),
    }
    if kind == Kind.SESSION_INVITED:
        subject = _("You are invited to the in-person session “%(title)s”") % values
    elif kind == Kind.SESSION_CHANGED:
        subject = _("The in-person session “%(title)s” has changed") % values
    else:
        subject = _("Tomorrow: the in-person session “%(title)s”") % values
    body = _("%(when)s at %(place)s. Scan the code shown there to check in.") % values
    return subject, body


def _digest(params: dict) -> tuple[str, str]:
    staff = int(params.get("staff", 0))
    values = {"count": staff, "unit": params.get("unit", ""), "enrolments": params.get("enrolments", 0)}
    subject = (
        ngettext(
            "%(count)s person in %(unit)s has overdue training",
            "%(count)s people in %(unit)s have overdue training",
            staff,
        )
        % values
    )
    lines = [
        ngettext(
            "%(count)s person in %(unit)s has not finished assigned training by its due date "
            "(%(enrolments)s courses in all):",
            "%(count)s people in %(unit)s have not finished assigned training by its due date "
            "(%(enrolments)s courses in all):",
            staff,
        )
        % values,
        "",
    ]
    for row in params.get("rows", []):
        lines.append(
            "· "
            + _("%(name)s (%(unit)s): %(course)s, due %(date)s")
            % {
                "name": row.get("name", ""),
                "unit": row.get("unit") or "—",
                "course": row.get("course", ""),
                "date": _date(row.get("due_on")),
            }
        )
    more = int(params.get("more", 0))
    if more:
        lines.append(ngettext("… and %(count)s more.", "… and %(count)s more.", more) % {"count": more})
    lines += ["", _("The overdue report lists everyone, with their position and how late they are.")]
    return subject, "\n".join(lines)


def subject_and_body(notification: Notification) -> tuple[str, str]:
    """The notification's words in the active language, or as stored if they cannot be redone."""
    if notification.params:
        try:
            return render(notification.kind, notification.params)
        except (ValueError, KeyError, TypeError):
            pass
    return notification.subject, notification.body

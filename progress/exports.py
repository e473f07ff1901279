"""A person's own data, for download (Personal Information Protection Law, access right).

Other apps add their sections (quiz attempts, certificates, notifications…) with the Wagtail hook
``register_personal_data``: a function taking the user and returning ``{section: data}``. The same data
is the JSON file (machine-readable, local times) and, through :func:`personal_data_page`, the page the
person reads (core.personal_data: headings in their language, local times, codes in words)."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from accounts.selectors import org_unit_path_names
from core.personal_data import Section, coded, personal_data_sections
from courses.models import CourseItemPage, CoursePage
from progress.models import CourseCompletion, Enrolment, ItemProgress, OfflineCompletion


def _titles(model, ids) -> dict[int, str]:
    return dict(model.objects.filter(pk__in=set(ids)).values_list("pk", "title"))


def personal_data(user) -> dict:
    """Account, enrolments, item progress and completions. Titles are resolved where the
    page still exists; ids stay so the record is complete even after content is deleted."""
    enrolments = list(Enrolment.objects.filter(learner=user).order_by("enrolled_at"))
    progress = list(ItemProgress.objects.filter(learner=user).order_by("first_seen_at"))
    completions = list(CourseCompletion.objects.filter(learner=user).order_by("completed_at"))
    offline = list(OfflineCompletion.objects.filter(learner=user).order_by("received_at", "pk"))
    course_titles = _titles(
        CoursePage,
        [e.course_id for e in enrolments]
        + [p.course_id for p in progress]
        + [c.course_id for c in completions],
    )
    item_titles = _titles(CourseItemPage, [p.item_id for p in progress] + [o.item_id for o in offline])
    data = {
        "account": {
            "username": user.username,
            "name": user.name,
            "mobile": user.mobile,
            "email": user.email,
            "organisation_unit": org_unit_path_names(user.org_unit),
            "position": user.position.name if user.position else None,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        },
        "enrolments": [
            {
                "course_id": e.course_id,
                "course": course_titles.get(e.course_id),
                "source": coded(e.source, Enrolment.Source),
                "status": coded(e.status, Enrolment.Status),
                "assigned": e.assigned,
                "mandatory": e.mandatory,
                "due_on": e.due_on,
                "completed_at": e.completed_at,
                "enrolled_at": e.enrolled_at,
                "last_seen_at": e.last_seen_at,
            }
            for e in enrolments
        ],
        "item_progress": [
            {
                "item_id": p.item_id,
                "item": item_titles.get(p.item_id),
                "course_id": p.course_id,
                "first_seen_at": p.first_seen_at,
                "last_seen_at": p.last_seen_at,
                "completed_at": p.completed_at,
            }
            for p in progress
        ],
        "course_completions": [
            {
                "course_id": c.course_id,
                "course": course_titles.get(c.course_id),
                "completed_at": c.completed_at,
                "rule": coded(c.rule, CourseCompletion.Rule),
                "reason": c.reason,
            }
            for c in completions
        ],
        # What the phone sent of lessons finished with no signal, and what became of each.
        "offline_completions": [
            {
                "key": str(o.key),
                "item_id": o.item_id,
                "item": item_titles.get(o.item_id),
                "completed_at": o.completed_at,
                "received_at": o.received_at,
                "outcome": coded(o.outcome, OfflineCompletion.Outcome),
            }
            for o in offline
        ],
    }
    for section in hooks.get_hooks("register_personal_data"):
        data.update(section(user))
    return data


# The page's words: a heading per section (in the order the page shows them) and a label per key.
# A section or key missing here still shows, under its key: a new app's data is never hidden.
SECTION_TITLES = {
    "account": _("Account"),
    "enrolments": _("My courses"),
    "item_progress": _("Lessons and quizzes opened"),
    "course_completions": _("Completed courses"),
    "offline_completions": _("Lessons finished offline"),
    "scorm_attempts": _("SCORM lessons"),
    "quiz_attempts": _("Quiz attempts and answers"),
    "guided_practice": _("Guided practice"),
    "certificates": _("Certificates"),
    "notifications": _("Notifications"),
    "xapi_statements": _("Learning records for the learning record store"),
    "reminder_email_choices": _("Reminder emails"),
    "reminder_channel_choices": _("Reminders by text message and WeCom"),
    "session_attendance": _("In-person sessions attended"),
    "session_check_ins_refused": _("Check-ins refused (not invited)"),
    "ai_helper_rules": _("AI helpers' rules"),
    "ai_helper_calls": _("AI helper calls"),
}
FIELD_LABELS = {
    "username": _("Username"),
    "name": _("Name"),
    "mobile": _("Mobile number"),
    "email": _("Email"),
    "organisation_unit": _("Unit"),
    "position": _("Position"),
    "date_joined": _("Account created"),
    "last_login": _("Last sign-in"),
    "course": _("Course"),
    "source": _("How it started"),
    "status": _("Status"),
    "assigned": _("Assigned"),
    "mandatory": _("Required"),
    "due_on": _("Due date"),
    "completed_at": _("Completed at"),
    "enrolled_at": _("Joined at"),
    "last_seen_at": _("Last studied"),
    "item": _("Lesson or quiz"),
    "first_seen_at": _("First opened"),
    "rule": _("Completed by"),
    "reason": _("Reason"),
    "number": _("Attempt"),
    "state": _("State"),
    "started_at": _("Started at"),
    "submitted_at": _("Submitted at"),
    "percent": _("Score (%)"),
    "passed": _("Passed"),
    "earlier_training": _("From earlier training"),
    "feedback": _("Feedback shown"),
    "answers": _("Answers"),
    "question": _("Question"),
    "response": _("My answer"),
    "saved_at": _("Saved at"),
    "correct": _("Right"),
    "misses": _("Wrong taps"),
    "code": _("Verification code"),
    "course_title": _("Course"),
    "holder_name": _("Holder"),
    "organisation_name": _("Issued by"),
    "issued_at": _("Issued at"),
    "expires_at": _("Valid until"),
    "revoked_at": _("Revoked at"),
    "revoke_reason": _("Reason revoked"),
    "kind": _("Kind"),
    "subject": _("Subject"),
    "body": _("Text"),
    "link": _("Link"),
    "created_at": _("Sent at"),
    "read_at": _("Read at"),
    "emailed_at": _("Emailed at"),
    "due_soon": _("Due soon"),
    "overdue": _("Overdue"),
    "certificate_expiring": _("Certificate expiring"),
    "digest": _("Weekly summary"),
    "course_assigned": _("New course assigned"),
    "sms": _("Text message (SMS)"),
    "wecom": _("WeCom"),
    "key": _("Key on the phone"),
    "received_at": _("Received at"),
    "outcome": _("Result"),
    "version": _("SCORM version"),
    "completion_status": _("Completion"),
    "success_status": _("Success"),
    "score_raw": _("Score"),
    "score_min": _("Lowest possible score"),
    "score_max": _("Highest possible score"),
    "score_scaled": _("Score (scaled, -1 to 1)"),
    "location": _("Where I left off"),
    "suspend_data": _("Saved state of the lesson"),
    "total_seconds": _("Time spent (seconds)"),
    "updated_at": _("Last saved"),
    "passed_at": _("Passed at"),
    "id": _("Statement id"),
    "verb": _("What happened"),
    "object": _("About (activity id)"),
    "object_name": _("About"),
    "timestamp": _("Happened at"),
    "sent": _("Sent"),
    "sent_at": _("Sent at"),
    "session": _("In-person session"),
    "place": _("Place"),
    "starts_at": _("Starts at"),
    "checked_in_at": _("Checked in at"),
    "method": _("How"),
    "hours": _("Study hours"),
    "tried_at": _("Tried at"),
    "accepted_at": _("Accepted at"),
    "rules_version": _("Version of the rules"),
    "helper": _("AI helper"),
    "page": _("Page"),
    "tokens_in": _("Tokens in"),
    "tokens_out": _("Tokens out"),
    "duration_ms": _("Duration (ms)"),
    "question_text": _("My question"),
    "answer_text": _("Answer"),
}
# Ids are for machines (the JSON file keeps them); the page shows the titles beside them.
HIDDEN_FIELDS = frozenset({"course_id", "item_id", "quiz_id", "lesson_id", "block_id"})


def personal_data_page(user) -> list[Section]:
    """The signed-in person's data as sections to read, in a fixed order: account, learning, quizzes,
    certificates, notifications, then anything another app added."""
    data = personal_data(user)
    order = {key: position for position, key in enumerate(SECTION_TITLES)}
    ordered = dict(sorted(data.items(), key=lambda item: order.get(item[0], len(order))))
    return personal_data_sections(ordered, titles=SECTION_TITLES, labels=FIELD_LABELS, hidden=HIDDEN_FIELDS)

"""A person's own data, for download (Personal Information Protection Law, access right).

Other apps add their sections (quiz attempts, certificates, notifications…) with the Wagtail hook
``register_personal_data``: a function taking the user and returning ``{section: data}``."""

from wagtail import hooks

from accounts.selectors import org_unit_path_names
from courses.models import CourseItemPage, CoursePage
from progress.models import CourseCompletion, Enrolment, ItemProgress


def _titles(model, ids) -> dict[int, str]:
    return dict(model.objects.filter(pk__in=set(ids)).values_list("pk", "title"))


def personal_data(user) -> dict:
    """Account, enrolments, item progress and completions. Titles are resolved where the
    page still exists; ids stay so the record is complete even after content is deleted."""
    enrolments = list(Enrolment.objects.filter(learner=user).order_by("enrolled_at"))
    progress = list(ItemProgress.objects.filter(learner=user).order_by("first_seen_at"))
    completions = list(CourseCompletion.objects.filter(learner=user).order_by("completed_at"))
    course_titles = _titles(
        CoursePage,
        [e.course_id for e in enrolments]
        + [p.course_id for p in progress]
        + [c.course_id for c in completions],
    )
    item_titles = _titles(CourseItemPage, [p.item_id for p in progress])
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
                "source": e.source,
                "status": e.status,
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
                "rule": c.rule,
                "reason": c.reason,
            }
            for c in completions
        ],
    }
    for section in hooks.get_hooks("register_personal_data"):
        data.update(section(user))
    return data

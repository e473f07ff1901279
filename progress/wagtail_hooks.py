"""Wagtail hooks of the progress app: the learner's state on course, lesson and quiz pages (the content
apps' context hooks), and the audit-log action of a manager's override."""

from django.core.cache import cache
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter

from courses.models import COURSE_CONTEXT_HOOK, ITEM_CONTEXT_HOOK
from progress import services
from progress.selectors import DONE, course_state, statuses_cache_key, statuses_for

SEEN_WRITE_INTERVAL = 120  # seconds


def _is_learner_view(request) -> bool:
    # Previews in the admin are not learning: never record progress from them.
    return request.user.is_authenticated and not getattr(request, "is_preview", False)


@hooks.register(COURSE_CONTEXT_HOOK)
def add_learner_state_to_course(request, page, context):
    if not _is_learner_view(request):
        return
    state = course_state(learner=request.user, course=page, items=context["items"])
    rows = {row.item.pk: row for row in state.rows}
    for row in context["outline"]:
        found = rows.get(row["item"].pk)
        row["status"] = found.status if found else None
        row["tested_out"] = bool(found and found.tested_out)
    context["learner_state"] = state


@hooks.register(ITEM_CONTEXT_HOOK)
def record_seen_and_add_statuses(request, page, context):
    course = context.get("course")
    if course is None or not _is_learner_view(request):
        return
    # "Last seen" only steers the Continue button: write it when the learner moves to another
    # item, or at most every two minutes on the same one, not on every reload.
    seen_key = f"seen:{request.user.pk}:{course.pk}"
    statuses_key = statuses_cache_key(request.user.pk, course.pk)
    cached = cache.get_many([seen_key, statuses_key])  # one round trip for both
    statuses = cached.get(statuses_key)
    # A recent "seen" means the learner was allowed to learn here a moment ago.
    may_learn = True
    if cached.get(seen_key) != page.pk:
        try:
            services.item_seen(learner=request.user, item=page, course=course)
        except services.NotEnrolled:
            # Reading a course that is not open to them records nothing and offers no "finish".
            may_learn = False
        else:
            cache.set(seen_key, page.pk, SEEN_WRITE_INTERVAL)
            statuses = None  # item_seen may have changed them
    if statuses is None:
        statuses = statuses_for(learner=request.user, course=course)
    for row in context["outline"]:
        row["status"] = statuses.get(row["item"].pk)
    context["item_done"] = statuses.get(page.pk) == DONE
    # Learners at the same point share one cached rendering of the outline.
    context["outline_signature"] = tuple(sorted(statuses.items()))
    if context.get("page_cache_key"):
        context["page_cache_key"] = (*context["page_cache_key"], context["outline_signature"], may_learn)
    context["learner_signed_in"] = may_learn


@hooks.register("register_log_actions")
def register_override_log_action(actions):
    actions.register_action(services.OVERRIDE_LOG_ACTION)(CompletionOverrideFormatter)


class CompletionOverrideFormatter(LogFormatter):
    """Site history's line for a manager's "mark complete": which course, and why (the log data)."""

    label = _("Mark course complete")

    def format_message(self, log_entry):
        data = log_entry.data or {}
        if not data.get("course_title"):  # entries written before the title was logged
            return gettext("Course marked complete by a manager")
        return gettext("Course “%(course)s” marked complete by a manager: %(reason)s") % {
            "course": data["course_title"],
            "reason": data.get("reason", ""),
        }


@hooks.register("register_log_actions")
def register_attended_log_action(actions):
    actions.register_action(services.ATTENDED_LOG_ACTION)(CompletionAttendedFormatter)


class CompletionAttendedFormatter(LogFormatter):
    """Site history's line for a course completed by attending an in-person session (classroom)."""

    label = _("Course completed by attending a session")

    def format_message(self, log_entry):
        data = log_entry.data or {}
        return gettext("Course “%(course)s” completed: %(reason)s") % {
            "course": data.get("course_title", ""),
            "reason": data.get("reason", ""),
        }

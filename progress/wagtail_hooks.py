from wagtail import hooks

from courses.models import COURSE_CONTEXT_HOOK, ITEM_CONTEXT_HOOK
from progress import services
from progress.selectors import DONE, course_state, statuses_for


def _is_learner_view(request) -> bool:
    # Previews in the admin are not learning: never record progress from them.
    return request.user.is_authenticated and not getattr(request, "is_preview", False)


@hooks.register(COURSE_CONTEXT_HOOK)
def add_learner_state_to_course(request, page, context):
    if not _is_learner_view(request):
        return
    state = course_state(learner=request.user, course=page, items=context["items"])
    statuses = {row.item.pk: row.status for row in state.rows}
    for row in context["outline"]:
        row["status"] = statuses.get(row["item"].pk)
    context["learner_state"] = state


@hooks.register(ITEM_CONTEXT_HOOK)
def record_seen_and_add_statuses(request, page, context):
    course = context.get("course")
    if course is None or not _is_learner_view(request):
        return
    services.item_seen(learner=request.user, item=page, course=course)
    statuses = statuses_for(learner=request.user, course=course)
    for row in context["outline"]:
        row["status"] = statuses.get(row["item"].pk)
    context["item_done"] = statuses.get(page.pk) == DONE
    context["learner_signed_in"] = True

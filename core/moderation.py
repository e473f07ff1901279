"""What a reviewer sees around a page's review: the approve action first, and a message that says
what the review did.

Wagtail's editor puts "Save draft" first for everyone and answers every review action taken from the
editor with "Page '…' has been updated." Here, for someone who may review the page now, "Approve (and
publish)" is the main button; after approving or requesting changes, the message says which, and
whether the page is now live. Registered in core/wagtail_hooks.py.
"""

import html

from django.contrib import messages
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from wagtail.admin.action_menu import WorkflowMenuItem

APPROVE = "approve"
REJECT = "reject"


def approve_first(menu_items: list, request, context) -> None:
    """construct_page_action_menu: the plain approve action (not "with comment") becomes the main
    button when the user may take it; everything else keeps its order."""
    for index, item in enumerate(menu_items):
        if isinstance(item, WorkflowMenuItem) and item.name == APPROVE and not item.launch_modal:
            menu_items.insert(0, menu_items.pop(index))
            return


def review_message(page) -> str | None:
    """What a review action just did to ``page`` (re-read from the database), for the message."""
    fresh = type(page).objects.get(pk=page.pk)
    values = {"page_type": fresh.specific_class._meta.verbose_name, "title": fresh.get_admin_display_title()}
    state = fresh.current_workflow_state
    if state is not None and state.status == state.STATUS_NEEDS_CHANGES:
        return (
            _("Changes to %(page_type)s “%(title)s” were requested; the trainer can edit it again.") % values
        )
    if state is None and fresh.live and not fresh.has_unpublished_changes:
        return _("%(page_type)s “%(title)s” was approved and published.") % values
    if state is not None and state.status == state.STATUS_IN_PROGRESS:
        return _("%(page_type)s “%(title)s” was approved and moved on to “%(task)s”.") % {
            **values,
            "task": state.current_task_state.task.name,
        }
    return None


def _plain(message) -> str:
    """A message as text: Wagtail renders its messages as HTML (escaped, with buttons)."""
    return " ".join(html.unescape(strip_tags(str(message))).split())


def announce_review(request, page):
    """after_edit_page: replace Wagtail's "has been updated" with what the review did."""
    if not request.POST.get("action-workflow-action"):
        return None
    if request.POST.get("workflow-action-name") not in (APPROVE, REJECT):
        return None
    message = review_message(page)
    if message is None:
        return None
    updated = _plain(
        _("Page '%(page_title)s' has been updated.") % {"page_title": page.get_admin_display_title()}
    )
    storage = messages.get_messages(request)
    earlier = [
        item for item in storage if not (item.level == messages.SUCCESS and _plain(item.message) == updated)
    ]
    for item in earlier:  # reading the storage consumed them: queue them again, in order
        messages.add_message(request, item.level, item.message, extra_tags=item.extra_tags)
    messages.success(request, message)
    return None

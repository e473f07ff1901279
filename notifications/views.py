"""A person's own reminders: the list, opening one (marks it read), marking all read, and the
choice of which reminders also come by email. Every query is filtered by the signed-in user, so
another person's notification id is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from notifications import badge, selectors, services, texts
from notifications.forms import ReminderPreferenceForm

PER_PAGE = 20


@require_GET
@login_required
def notification_list(request):
    """Two queries: the page of notifications and the count for the pager."""
    page = Paginator(selectors.notifications_for(request.user), PER_PAGE).get_page(request.GET.get("page"))
    rows = []
    for notification in page.object_list:
        subject, body = texts.subject_and_body(notification)
        rows.append({"notification": notification, "subject": subject, "body": body})
    return render(
        request,
        "notifications/list.html",
        {"page": page, "rows": rows, "unread": selectors.unread_count(request.user)},
    )


@require_POST
@login_required
def notification_open(request, notification_id: int):
    """Mark it read and go where it points (a course, a certificate, the overdue report)."""
    notification = selectors.notification_of(recipient=request.user, notification_id=notification_id)
    services.notification_mark_read(notification=notification)
    badge.note_read(request)
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return redirect(link)
    return redirect("notifications:list")


@require_POST
@login_required
def notifications_read_all(request):
    if services.notifications_mark_all_read(user=request.user):
        badge.note_read(request)
        messages.success(request, _("All reminders are marked as read."))
    return redirect("notifications:list")


@require_http_methods(["GET", "POST"])
@login_required
def preferences(request):
    user = request.user
    manager = user.managed_unit_id is not None  # digests go to people attached to a unit
    form = ReminderPreferenceForm(
        request.POST if request.method == "POST" else None,
        instance=selectors.reminder_preference_for(user),
        manager=manager,
    )
    if request.method == "POST" and form.is_valid():
        services.reminder_preference_update(user=user, **form.cleaned_data)
        messages.success(request, _("Your reminder choices are saved."))
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "email_enabled": services.email_enabled(), "email": user.email},
    )

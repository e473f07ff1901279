"""Wagtail hooks of the reports app: only registration. The screens live in views/."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.widgets.button import Button

from accounts.scope import scope_for
from reports import urls
from reports.views.base import user_can_see_reports


@hooks.register("register_admin_urls")
def register_report_urls():
    return [path("training-reports/", include(urls, namespace="reports"))]


class ReportMenuItem(MenuItem):
    def is_shown(self, request):
        return user_can_see_reports(request.user)


class ReportSubmenuItem(SubmenuMenuItem):
    def is_shown(self, request):
        return user_can_see_reports(request.user)


@hooks.register("register_admin_menu_item")
def register_reports_menu():
    items = [
        ReportMenuItem(
            _("Completion"), reverse("reports:completion"), name="completion", icon_name="tasks", order=1
        ),
        ReportMenuItem(
            _("Overdue"), reverse("reports:overdue"), name="overdue", icon_name="warning", order=2
        ),
        ReportMenuItem(_("People"), reverse("reports:people"), name="people", icon_name="group", order=3),
        ReportMenuItem(
            _("Quiz results"), reverse("reports:quizzes"), name="quiz-results", icon_name="help", order=4
        ),
        ReportMenuItem(
            _("Study hours"), reverse("reports:hours"), name="study-hours", icon_name="time", order=5
        ),
        # Wagtail's audit log, scoped (reports/views/site_history.py); Wagtail's own menu item shows
        # only to people who may explore pages.
        ReportMenuItem(
            _("Site history"),
            reverse("wagtailadmin_reports:site_history"),
            name="site-history",
            icon_name="history",
            order=6,
        ),
    ]
    return ReportSubmenuItem(
        _("Training reports"), Menu(items=items), name="training-reports", icon_name="table", order=250
    )


@hooks.register("register_user_listing_buttons")
def transcript_button(user, request_user):
    # The listing selects each user's unit with the user (accounts.viewsets): no query per row.
    scope = scope_for(request_user)
    if user_can_see_reports(request_user) and (scope.everything or scope.contains(user.org_unit)):
        yield Button(
            _("Learner transcript"),
            url=reverse("reports:transcript", args=[user.pk]),
            icon_name="doc-full",
            priority=30,
        )

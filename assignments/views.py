"""Admin screens for course assignments: list, assign, change, end, history.

Every view checks the model permission (Wagtail's generic views) and reads through the viewer's scope:
the list shows assignments that target units in it; change and end find only assignments whose every
unit lies in it (anything else is a 404, whatever the URL says); the form offers only units in it and
the services refuse any other.
"""

import django_filters
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, NumberColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.history import HistoryView

from assignments import services
from assignments.models import Assignment
from assignments.selectors import assignment_rows, assignments_manageable_by, assignments_visible_to
from courses.models import CoursePage


def due_display(assignment: Assignment) -> str:
    if assignment.due_mode == Assignment.DueMode.DATE and assignment.due_date:
        return assignment.due_date.isoformat()
    if assignment.due_mode == Assignment.DueMode.DAYS_AFTER_JOINING and assignment.due_days:
        return ngettext("%(days)s day after joining", "%(days)s days after joining", assignment.due_days) % {
            "days": assignment.due_days
        }
    return gettext("No due date")


def targets_display(assignment: Assignment) -> str:
    """Units and positions from the prefetched relations: no query per row."""
    units = "、".join(unit.name for unit in sorted(assignment.units.all(), key=lambda unit: unit.path))
    positions = "、".join(position.name for position in assignment.positions.all())
    return "{} · {}".format(units or gettext("Whole organisation"), positions or gettext("all positions"))


class AssignmentFilterSet(WagtailFilterSet):
    active = django_filters.ChoiceFilter(
        label=capfirst(_("status")),
        choices=[("true", _("Active")), ("false", _("Ended"))],
        method="filter_active",
        empty_label=_("All"),
    )
    course = django_filters.ModelChoiceFilter(
        label=capfirst(_("course")), queryset=CoursePage.objects.live().order_by("title")
    )
    mandatory = django_filters.BooleanFilter(label=capfirst(_("mandatory")))

    class Meta:
        model = Assignment
        fields = ["active", "course", "mandatory"]

    def filter_active(self, queryset, name, value):
        return queryset.filter(active=value == "true")


class ScopedFormMixin:
    """Pass the viewer to the form (it limits the units) and turn a service refusal into form errors."""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["for_user"] = self.request.user
        return kwargs

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            form.add_error(None, error)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)

    def service_arguments(self) -> dict:
        data = self.form.cleaned_data
        return {
            "units": data["units"],
            "positions": data["positions"],
            "due_mode": data["due_mode"],
            "due_date": data.get("due_date"),
            "due_days": data.get("due_days"),
            "mandatory": data["mandatory"],
            "note": data["note"],
            "actor": self.request.user,
        }

    def covered_message(self, verb: str) -> str:
        covered = self.object.members.count()
        return ngettext(
            "“%(course)s” %(verb)s: it covers %(count)s person.",
            "“%(course)s” %(verb)s: it covers %(count)s people.",
            covered,
        ) % {"course": self.object.course.title, "verb": verb, "count": covered}


class AssignmentIndexView(generic.IndexView):
    default_ordering = "-created_at"
    history_url_name = None
    add_item_label = _("Assign a course")
    page_title = _("Assignments")
    header_icon = "clipboard-list"

    def get_base_queryset(self):
        return assignment_rows(self.request.user)

    @cached_property
    def columns(self):
        return [
            self._get_custom_column(
                "course",
                self._get_title_column_class(TitleColumn),
                # Rows the viewer cannot change open their history.
                get_url=lambda a: self.get_edit_url(a) or self.get_history_url(a),
            ),
            Column("targets", label=_("Who"), accessor=targets_display),
            Column("due", label=_("Due"), accessor=due_display),
            Column(
                "mandatory",
                label=capfirst(_("mandatory")),
                accessor=lambda a: gettext("Mandatory") if a.mandatory else gettext("Optional"),
                sort_key="mandatory",
            ),
            NumberColumn("covered", label=_("People covered"), sort_key="covered"),
            StatusTagColumn(
                "status",
                label=capfirst(_("status")),
                accessor=lambda a: gettext("Active") if a.active else gettext("Ended"),
                primary=lambda a: a.active,
                sort_key="active",
            ),
            Column("created_by", label=capfirst(_("assigned by"))),
            DateColumn("created_at", label=capfirst(_("assigned at")), sort_key="created_at"),
        ]

    def _manageable(self, instance) -> bool:
        return instance.active and getattr(instance, "manageable", False)

    def get_edit_url(self, instance):
        if self._manageable(instance):
            return super().get_edit_url(instance)
        return None

    def get_delete_url(self, instance):
        if self._manageable(instance):
            return super().get_delete_url(instance)
        return None

    def get_history_url(self, instance):
        return reverse(self.history_url_name, args=(instance.pk,))

    def get_list_more_buttons(self, instance):
        buttons = []
        if edit_url := self.get_edit_url(instance):
            buttons.append(MenuItem(gettext("Edit"), url=edit_url, icon_name="edit", priority=10))
        buttons.append(
            MenuItem(gettext("History"), url=self.get_history_url(instance), icon_name="history", priority=20)
        )
        if end_url := self.get_delete_url(instance):
            buttons.append(MenuItem(gettext("End"), url=end_url, icon_name="cross", priority=30))
        return buttons


class AssignmentCreateView(ScopedFormMixin, generic.CreateView):
    page_title = _("Assign a course")
    submit_button_label = _("Assign")
    submit_button_active_label = _("Assigning…")

    def save_instance(self):
        return services.assignment_create(course=self.form.cleaned_data["course"], **self.service_arguments())

    def get_success_message(self, instance):
        return self.covered_message(gettext("assigned"))


class AssignmentEditView(ScopedFormMixin, generic.EditView):
    delete_item_label = _("End assignment")

    def get_queryset(self):
        return assignments_manageable_by(self.request.user).filter(active=True).select_related("course")

    def save_instance(self):
        try:
            return services.assignment_update(assignment=self.object, **self.service_arguments())
        except PermissionDenied:  # no longer theirs since the page was opened
            raise ValidationError(gettext("You can no longer change this assignment.")) from None

    def get_success_message(self):
        return self.covered_message(gettext("updated"))


class AssignmentEndView(generic.DeleteView):
    """End, not delete: members go, enrolments and progress stay, the record stays for the audit log."""

    template_name = "assignments/admin/end.html"
    page_title = _("End assignment")

    def get_queryset(self):
        return assignments_manageable_by(self.request.user).filter(active=True).select_related("course")

    @property
    def confirmation_message(self):
        covered = self.object.members.count()
        return ngettext(
            "End the assignment of “%(course)s”? It covers %(count)s person now. Their enrolment and "
            "progress stay, but this assignment no longer sets a due date for them or enrols anyone.",
            "End the assignment of “%(course)s”? It covers %(count)s people now. Their enrolments and "
            "progress stay, but this assignment no longer sets due dates for them or enrols anyone.",
            covered,
        ) % {"course": self.object.course.title, "count": covered}

    def form_valid(self, form):
        try:
            services.assignment_end(assignment=self.object, actor=self.request.user)
        except PermissionDenied:
            messages.error(self.request, gettext("You can no longer end this assignment."))
            return HttpResponseRedirect(self.get_success_url())
        messages.success(
            self.request,
            gettext("The assignment of “%(course)s” has ended.") % {"course": self.object.course},
        )
        return HttpResponseRedirect(self.get_success_url())


class AssignmentHistoryView(HistoryView):
    def get_base_object_queryset(self):
        return assignments_visible_to(self.request.user)

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateInput

from accounts.models import OrgUnit, Position
from accounts.scope import scope_for
from assignments.models import Assignment
from assignments.services import MAX_DUE_DAYS
from courses.models import CoursePage


class CourseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.title


class UnitTreeWidget(forms.CheckboxSelectMultiple):
    """Units as a tree of checkboxes, indented by level below the top of the viewer's part: several are
    chosen by ticking, with the mouse or the keyboard (Tab, Space), no Ctrl-click."""

    template_name = "assignments/widgets/unit_tree.html"
    top_depth = 1  # the depth shown without indentation (the form sets the viewer's own)
    deepest_indent = 6  # as far as the stylesheet indents

    class Media:
        css = {"all": ["assignments/unit-tree.css"]}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        unit = getattr(value, "instance", None)
        option["depth"] = min(max(unit.depth - self.top_depth, 0), self.deepest_indent) if unit else 0
        return option


class OrgUnitsField(forms.ModelMultipleChoiceField):
    """The units a manager may target, in tree order (the widget indents them by level)."""

    widget = UnitTreeWidget

    def label_from_instance(self, obj):
        return obj.name


class AssignmentForm(forms.ModelForm):
    """What to assign, to whom and by when. The units offered are the manager's own part of the tree;
    a unit posted from outside it is refused here and again by the service."""

    course = CourseChoiceField(
        label=capfirst(_("course")),
        queryset=CoursePage.objects.live().order_by("title"),
        empty_label=_("Choose a published course"),
    )
    units = OrgUnitsField(
        label=capfirst(_("organisation units")),
        queryset=OrgUnit.objects.none(),
        required=False,
        help_text=_("Everyone in the chosen units and every unit below them."),
    )
    positions = forms.ModelMultipleChoiceField(
        label=capfirst(_("positions")),
        queryset=Position.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only people in these positions. Leave all unticked for every position."),
    )
    due_mode = forms.ChoiceField(
        label=capfirst(_("due")), choices=Assignment.DueMode.choices, widget=forms.RadioSelect
    )
    due_date = forms.DateField(label=capfirst(_("due date")), required=False, widget=AdminDateInput)
    due_days = forms.IntegerField(
        label=capfirst(_("days to finish")),
        required=False,
        min_value=1,
        max_value=MAX_DUE_DAYS,
        help_text=Assignment._meta.get_field("due_days").help_text,
    )

    class Meta:
        model = Assignment
        labels = {"note": capfirst(_("note to learners"))}
        fields = ["course", "units", "positions", "due_mode", "due_date", "due_days", "mandatory", "note"]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        scope = scope_for(for_user)
        self.fields["units"].queryset = scope.units().order_by("path")
        self.fields["units"].widget.top_depth = (
            1 if scope.everything or scope.unit is None else scope.unit.depth
        )
        if not scope.everything:
            self.fields["units"].required = True
            self.fields["units"].error_messages["required"] = _("Choose at least one unit.")
        else:
            self.fields["units"].help_text = _(
                "Everyone in the chosen units and every unit below them. Choose none for the whole "
                "organisation."
            )
        if self.instance.pk:
            # The course of an assignment stays: another course is another assignment.
            self.fields["course"].disabled = True
            self.fields["course"].queryset = CoursePage.objects.filter(pk=self.instance.course_id)

from django import forms
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateTimeInput

from accounts.models import OrgUnit, Position, User
from accounts.rights import MANAGERS_GROUP, REVIEWERS_GROUP, TRAINERS_GROUP
from accounts.scope import scope_for
from assignments.forms import OrgUnitsField
from classroom.models import TrainingSession
from courses.models import CourseItemPage, CoursePage


class _TitleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.title


class _PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name or obj.username


class _UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class SessionForm(forms.ModelForm):
    """Plan or change a session. A training manager offers units of their own part of the tree (and
    the service refuses any other); a trainer, who manages no unit, any unit."""

    course = _TitleChoiceField(
        label=capfirst(_("course")),
        queryset=CoursePage.objects.live().order_by("title"),
        required=False,
        empty_label=_("None: a briefing"),
        help_text=TrainingSession._meta.get_field("course").help_text,
    )
    unit = _UnitChoiceField(label=capfirst(_("organised by")), queryset=OrgUnit.objects.none())
    trainer = _PersonChoiceField(label=capfirst(_("trainer")), queryset=User.objects.none())
    invited_units = OrgUnitsField(
        label=capfirst(_("invited units")),
        queryset=OrgUnit.objects.none(),
        required=False,
        help_text=TrainingSession._meta.get_field("invited_units").help_text,
    )
    invited_positions = forms.ModelMultipleChoiceField(
        label=capfirst(_("invited positions")),
        queryset=Position.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=TrainingSession._meta.get_field("invited_positions").help_text,
    )

    class Meta:
        model = TrainingSession
        fields = [
            "title",
            "course",
            "starts_at",
            "ends_at",
            "place",
            "capacity",
            "trainer",
            "unit",
            "invited_units",
            "invited_positions",
            "hours",
            "allow_uninvited",
        ]
        widgets = {"starts_at": AdminDateTimeInput, "ends_at": AdminDateTimeInput}

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        scope = scope_for(for_user)
        units = OrgUnit.objects.all() if scope.everything or scope.nothing else scope.units()
        self.fields["unit"].queryset = units.order_by("path")
        self.fields["invited_units"].queryset = units.order_by("path")
        self.fields["invited_units"].widget.top_depth = scope.unit.depth if scope.unit else 1
        staff = Q(groups__name__in=[TRAINERS_GROUP, REVIEWERS_GROUP]) | Q(pk=for_user.pk)
        if not scope.nothing:
            staff |= Q(groups__name=MANAGERS_GROUP) & scope.q("org_unit")
        self.fields["trainer"].queryset = (
            User.objects.filter(staff, is_active=True).distinct().order_by("name", "username")
        )
        if not self.instance.pk:
            self.fields["trainer"].initial = for_user.pk
            if scope.unit is not None:
                self.fields["unit"].initial = scope.unit.pk

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The session must end after it starts."))
        return data


class CloseForm(forms.Form):
    """Closing: which lessons the session covered (none ticked: the whole course)."""

    items = forms.ModelMultipleChoiceField(
        label=_("Lessons covered"),
        queryset=CourseItemPage.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Tick the lessons the session covered to mark only those done. Tick none to complete the "
            "whole course for everyone who attended."
        ),
    )

    def __init__(self, *args, session: TrainingSession, **kwargs):
        super().__init__(*args, **kwargs)
        if session.course_id:
            self.fields["items"].queryset = CourseItemPage.objects.live().child_of(session.course)
            self.fields["items"].label_from_instance = lambda item: item.title
        else:
            del self.fields["items"]

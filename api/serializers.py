"""What the API reads and writes. Reads are flat rows with ids (a course, a unit, a learner by id), so a
sync joins them on its side; the names of units along a path come from one query per page
(api.selectors.units_annotate)."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import OrgUnit, Position, User
from assignments.models import Assignment
from certificates.models import Certificate
from progress.models import CourseCompletion, Enrolment, ItemProgress
from quizzes.models import QuizAttempt

MAX_STAFF_PER_REQUEST = 1000


class UnitSerializer(serializers.ModelSerializer):
    parent = serializers.IntegerField(
        source="api_parent_id",
        allow_null=True,
        read_only=True,
        help_text=_("The unit above; null at the top."),
    )
    path = serializers.CharField(
        source="api_path", read_only=True, help_text=_("Names from the top down, e.g. 渝中区/解放碑街道.")
    )

    class Meta:
        model = OrgUnit
        fields = ["id", "name", "level", "code", "parent", "path", "depth", "updated_at"]


class PositionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Position
        fields = ["id", "name", "description", "updated_at"]


class UnitRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField(
        required=False, help_text=_("To change this unit; else found by name under parent.")
    )
    name = serializers.CharField(max_length=100)
    level = serializers.ChoiceField(choices=OrgUnit.Level.choices)
    code = serializers.CharField(required=False, allow_blank=True, max_length=40)
    parent = serializers.IntegerField(help_text=_("The unit above (an id)."))


class UnitUpsertSerializer(serializers.Serializer):
    units = UnitRecordSerializer(many=True, allow_empty=False, max_length=500)


class PositionRecordSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=60)
    description = serializers.CharField(required=False, allow_blank=True, max_length=255)
    sort_order = serializers.IntegerField(required=False, min_value=0, max_value=32767)


class PositionUpsertSerializer(serializers.Serializer):
    positions = PositionRecordSerializer(many=True, allow_empty=False, max_length=500)


class UpsertRowSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text=_("The record's place in the request, from 0."))
    id = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=["create", "update", "unchanged"])


class UpsertResultSerializer(serializers.Serializer):
    results = UpsertRowSerializer(many=True)


class StaffSerializer(serializers.ModelSerializer):
    unit = serializers.IntegerField(source="org_unit_id", allow_null=True, read_only=True)
    unit_path = serializers.CharField(source="api_path", read_only=True)
    position = serializers.IntegerField(source="position_id", allow_null=True, read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "name",
            "mobile",
            "external_id",
            "email",
            "unit",
            "unit_path",
            "position",
            "is_active",
            "date_joined",
            "updated_at",
        ]


class StaffRecordSerializer(serializers.Serializer):
    """One person to create or update: found by ``external_id`` or ``mobile``; the rest follows the
    staff import's rules (accounts.staff_import)."""

    external_id = serializers.CharField(required=False, max_length=64, allow_blank=False)
    mobile = serializers.CharField(required=False, max_length=20)
    name = serializers.CharField(max_length=50)
    unit = serializers.IntegerField(required=False, help_text=_("The unit's id (or give unit_path)."))
    unit_path = serializers.CharField(
        required=False,
        max_length=500,
        help_text=_("Names from the top down, e.g. 渝中区/解放碑街道/某某社区."),
    )
    position = serializers.CharField(required=False, allow_blank=True, max_length=60, help_text=_("By name."))
    email = serializers.CharField(required=False, allow_blank=True, max_length=254)
    username = serializers.CharField(required=False, allow_blank=True, max_length=150)

    def validate(self, attrs):
        errors = {}
        if not attrs.get("external_id") and not attrs.get("mobile"):
            errors["mobile"] = [gettext("Give the mobile number or the external id.")]
        if "unit" not in attrs and not attrs.get("unit_path"):
            errors["unit"] = [gettext("Give the unit (its id) or unit_path.")]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class StaffUpsertSerializer(serializers.Serializer):
    staff = StaffRecordSerializer(many=True, allow_empty=False, max_length=MAX_STAFF_PER_REQUEST)


class StaffUpsertRowSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    id = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=["create", "update", "unchanged"])


class StaffUpsertResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    staff = StaffUpsertRowSerializer(many=True)


class EnrolmentSerializer(serializers.ModelSerializer):
    learner = serializers.IntegerField(source="learner_id", read_only=True)
    course = serializers.IntegerField(source="course_id", read_only=True)
    unit = serializers.IntegerField(
        source="org_unit_id", allow_null=True, read_only=True, help_text=_("Where the learner was placed.")
    )

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "learner",
            "course",
            "unit",
            "source",
            "status",
            "assigned",
            "mandatory",
            "due_on",
            "enrolled_at",
            "last_seen_at",
            "completed_at",
            "updated_at",
        ]


class LessonProgressSerializer(serializers.ModelSerializer):
    learner = serializers.IntegerField(source="learner_id", read_only=True)
    course = serializers.IntegerField(source="course_id", read_only=True)
    item = serializers.IntegerField(source="item_id", read_only=True, help_text=_("The lesson or quiz."))

    class Meta:
        model = ItemProgress
        fields = ["id", "learner", "course", "item", "first_seen_at", "last_seen_at", "completed_at"]


class CourseCompletionSerializer(serializers.ModelSerializer):
    learner = serializers.IntegerField(source="learner_id", read_only=True)
    course = serializers.IntegerField(source="course_id", read_only=True)

    class Meta:
        model = CourseCompletion
        fields = ["id", "learner", "course", "completed_at", "rule", "reason"]


class QuizResultSerializer(serializers.ModelSerializer):
    learner = serializers.IntegerField(source="learner_id", read_only=True)
    quiz = serializers.IntegerField(source="quiz_id", read_only=True)
    course = serializers.IntegerField(source="course_id", allow_null=True, read_only=True)

    class Meta:
        model = QuizAttempt
        fields = [
            "id",
            "uuid",
            "learner",
            "quiz",
            "course",
            "number",
            "state",
            "started_at",
            "submitted_at",
            "score",
            "max_score",
            "percent",
            "passed",
            "awaiting_marking",
        ]


class CertificateSerializer(serializers.ModelSerializer):
    learner = serializers.IntegerField(source="learner_id", read_only=True)
    course = serializers.IntegerField(source="course_id", allow_null=True, read_only=True)

    class Meta:
        model = Certificate
        fields = [
            "id",
            "code",
            "learner",
            "course",
            "holder_name",
            "course_title",
            "completed_at",
            "issued_at",
            "expires_at",
            "revoked_at",
        ]


class AssignmentSerializer(serializers.ModelSerializer):
    course = serializers.IntegerField(source="course_id", read_only=True)
    units = serializers.SerializerMethodField()
    positions = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = [
            "id",
            "course",
            "units",
            "positions",
            "due_mode",
            "due_date",
            "due_days",
            "mandatory",
            "note",
            "active",
            "created_at",
            "updated_at",
        ]

    def get_units(self, assignment) -> list[int]:
        return sorted(unit.pk for unit in assignment.units.all())

    def get_positions(self, assignment) -> list[int]:
        return sorted(position.pk for position in assignment.positions.all())


class AssignmentCreateSerializer(serializers.Serializer):
    course = serializers.IntegerField(help_text=_("A published course's id."))
    units = serializers.ListField(child=serializers.IntegerField(), max_length=200, allow_empty=False)
    positions = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list, max_length=200
    )
    due_mode = serializers.ChoiceField(choices=Assignment.DueMode.choices, default=Assignment.DueMode.NONE)
    due_date = serializers.DateField(required=False, allow_null=True)
    due_days = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    mandatory = serializers.BooleanField(default=True)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)

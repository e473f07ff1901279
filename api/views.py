"""The REST API, /api/v1/. Every list is limited to the client's part of the organisation tree by the
same rule as every screen (accounts.scope, the assignments' and certificates' policies), pages by id
(api.pagination) and takes the filters its rows have: ``changed_since``, ``unit``, ``course``."""

from __future__ import annotations

import datetime

from django.db import IntegrityError
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, status
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from accounts.models import OrgUnit, Position, User
from accounts.scope import scope_for
from api import serializers as s
from api.authentication import ClientTokenAuthentication
from api.errors import api_exception_handler, api_language
from api.pagination import IdCursorPagination
from api.permissions import ClientAccess
from api.selectors import units_annotate
from api.staff import staff_upsert
from api.structure import positions_upsert, units_upsert
from api.throttling import ClientRateThrottle
from assignments.models import Assignment
from assignments.selectors import manageable_q, visible_q
from assignments.services import assignment_create, assignment_end
from certificates.models import Certificate
from courses.models import CoursePage
from progress.models import CourseCompletion, Enrolment, ItemProgress
from quizzes.models import QuizAttempt

CHANGED_SINCE = OpenApiParameter(
    "changed_since",
    OpenApiTypes.DATETIME,
    description=(
        "Only rows created or changed at or after this moment (ISO 8601, e.g. 2026-12-01T00:00:00+08:00)."
    ),
)
UNIT = OpenApiParameter(
    "unit", OpenApiTypes.INT, description="Only this unit and the units below it (an id)."
)
COURSE = OpenApiParameter("course", OpenApiTypes.INT, description="Only this course (an id).")


class ApiViewMixin:
    """Token, rights, rate limit, pages and error bodies of the API, and answers in the client's
    language (api.errors.api_language). Set here, not in DRF's global settings, which Wagtail's own
    admin API shares."""

    authentication_classes = [ClientTokenAuthentication]
    permission_classes = [ClientAccess]
    throttle_classes = [ClientRateThrottle]
    pagination_class = IdCursorPagination
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]

    def get_exception_handler(self):
        return api_exception_handler

    def dispatch(self, request, *args, **kwargs):
        with translation.override(api_language(request)):
            response = super().dispatch(request, *args, **kwargs)
            response.headers.setdefault("Content-Language", translation.get_language())
            return response


class ScopedListView(ApiViewMixin, generics.ListAPIView):
    """A list in the client's scope. Subclasses say where a row's unit is (``unit_field``), which
    timestamps say it changed (``changed_fields``) and whether it has a course."""

    model = None
    unit_field = "learner__org_unit"
    changed_fields: tuple[str, ...] = ()
    course_field: str | None = None
    unit_filter = True

    def scope(self):
        return scope_for(self.request.user)

    def base_queryset(self):
        return self.model.objects.all()

    def scope_q(self, scope) -> Q:
        return scope.q(self.unit_field)

    def get_queryset(self):
        scope = self.scope()
        queryset = self.base_queryset().filter(self.scope_q(scope))
        params = self.request.query_params
        if self.changed_fields and params.get("changed_since"):
            since = _moment(params["changed_since"])
            condition = Q()
            for field in self.changed_fields:
                condition |= Q(**{f"{field}__gte": since})
            queryset = queryset.filter(condition)
        if self.unit_filter and params.get("unit"):
            unit = _unit_in_scope(params["unit"], scope)
            prefix = f"{self.unit_field}__" if self.unit_field else ""
            queryset = queryset.filter(**{f"{prefix}path__startswith": unit.path})
        if self.course_field and params.get("course"):
            queryset = queryset.filter(**{self.course_field: _integer(params["course"], "course")})
        return queryset


def _integer(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise exceptions.ValidationError({name: [gettext("Give a whole number (an id).")]}) from None


def _moment(value: str) -> datetime.datetime:
    moment = parse_datetime(value.strip().replace(" ", "+"))  # an unescaped "+" arrives as a space
    if moment is None:
        raise exceptions.ValidationError(
            {"changed_since": [gettext("Give a date and time in ISO 8601, e.g. 2026-12-01T00:00:00+08:00.")]}
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _unit_in_scope(value: str, scope) -> OrgUnit:
    """A unit the client may see; any other id is "not found", as if it did not exist."""
    return get_object_or_404(scope.units(), pk=_integer(value, "unit"))


UPSERT_WRITES = (
    "All or none. Needs a read-and-write client that a site administrator allowed to change units and "
    "positions."
)


@extend_schema_view(
    get=extend_schema(summary="Units", parameters=[CHANGED_SINCE, UNIT]),
    post=extend_schema(
        summary="Create or update units",
        description="A unit is found by id, else by its name under parent; a new name makes one. "
        + UPSERT_WRITES,
        request=s.UnitUpsertSerializer,
        responses={200: s.UpsertResultSerializer},
    ),
)
class UnitList(ScopedListView, generics.CreateAPIView):
    """The units of the organisation tree in the client's part of it."""

    model = OrgUnit
    serializer_class = s.UnitSerializer
    unit_field = ""
    changed_fields = ("updated_at",)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        units_annotate(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create(self, request, *args, **kwargs):
        incoming = s.UnitUpsertSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        return Response(
            {"results": units_upsert(actor=request.user, records=incoming.validated_data["units"])}
        )


@extend_schema_view(
    get=extend_schema(summary="Positions", parameters=[CHANGED_SINCE]),
    post=extend_schema(
        summary="Create or update positions",
        description="A position is found by its name. " + UPSERT_WRITES,
        request=s.PositionUpsertSerializer,
        responses={200: s.UpsertResultSerializer},
    ),
)
class PositionList(ScopedListView, generics.CreateAPIView):
    """Positions are shared by the whole organisation."""

    model = Position
    serializer_class = s.PositionSerializer
    changed_fields = ("updated_at",)
    unit_filter = False

    def scope_q(self, scope) -> Q:
        return Q() if not scope.nothing else Q(pk__in=[])

    def create(self, request, *args, **kwargs):
        incoming = s.PositionUpsertSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        results = positions_upsert(actor=request.user, records=incoming.validated_data["positions"])
        return Response({"results": results})


@extend_schema_view(
    get=extend_schema(summary="Staff", parameters=[CHANGED_SINCE, UNIT]),
    post=extend_schema(
        summary="Create or update staff",
        description=(
            "Up to 1,000 people per request, all or none. Each is found by external_id, else by mobile "
            "number, and follows the staff import's rules. A person found by external_id may be given a "
            "new mobile number (not one another account holds; only people the client may manage). "
            "New accounts get a random initial password "
            "that must be changed at the first sign-in; it is not returned (staff sign in with a texted "
            "code, or their training manager sets a password)."
        ),
        request=s.StaffUpsertSerializer,
        responses={200: s.StaffUpsertResultSerializer},
    ),
)
class StaffList(ScopedListView, generics.CreateAPIView):
    """Staff placed in the client's part of the tree."""

    model = User
    serializer_class = s.StaffSerializer
    unit_field = "org_unit"
    changed_fields = ("updated_at",)

    def base_queryset(self):
        return User.objects.select_related("org_unit")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        units_annotate(page, unit_attr="org_unit")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create(self, request, *args, **kwargs):
        incoming = s.StaffUpsertSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            rows = staff_upsert(client=request.auth, records=incoming.validated_data["staff"])
        except IntegrityError:
            raise exceptions.ValidationError(
                {
                    "non_field_errors": [
                        gettext("Another change took a mobile number or external id: try again.")
                    ]
                }
            ) from None
        counts = {"create": 0, "update": 0, "unchanged": 0}
        for row in rows:
            counts[row.outcome] += 1
        body = {
            "created": counts["create"],
            "updated": counts["update"],
            "unchanged": counts["unchanged"],
            "staff": [{"index": row.index, "id": row.id, "outcome": row.outcome} for row in rows],
        }
        return Response(body, status=status.HTTP_200_OK)


@extend_schema_view(get=extend_schema(summary="Enrolments", parameters=[CHANGED_SINCE, UNIT, COURSE]))
class EnrolmentList(ScopedListView):
    """A learner's enrolment in a course; changed_since looks at enrolling, the last visit, completing
    and any other change (a due date moved, an assignment ended, the learner moved: ``updated_at``)."""

    model = Enrolment
    serializer_class = s.EnrolmentSerializer
    changed_fields = ("enrolled_at", "last_seen_at", "completed_at", "updated_at")
    course_field = "course_id"


@extend_schema_view(get=extend_schema(summary="Lesson progress", parameters=[CHANGED_SINCE, UNIT, COURSE]))
class LessonProgressList(ScopedListView):
    """Each learner's progress in each lesson or quiz."""

    model = ItemProgress
    serializer_class = s.LessonProgressSerializer
    changed_fields = (
        "last_seen_at",
        "completed_at",
    )  # progress.services writes first_seen_at with last_seen_at
    course_field = "course_id"


@extend_schema_view(get=extend_schema(summary="Course completions", parameters=[CHANGED_SINCE, UNIT, COURSE]))
class CourseCompletionList(ScopedListView):
    model = CourseCompletion
    serializer_class = s.CourseCompletionSerializer
    changed_fields = ("completed_at",)
    course_field = "course_id"


@extend_schema_view(get=extend_schema(summary="Quiz results", parameters=[CHANGED_SINCE, UNIT, COURSE]))
class QuizResultList(ScopedListView):
    """Closed quiz attempts (submitted or timed out) with their scores."""

    model = QuizAttempt
    serializer_class = s.QuizResultSerializer
    changed_fields = ("submitted_at",)
    course_field = "course_id"

    def base_queryset(self):
        return QuizAttempt.objects.exclude(state=QuizAttempt.State.IN_PROGRESS)


@extend_schema_view(get=extend_schema(summary="Certificates", parameters=[CHANGED_SINCE, UNIT, COURSE]))
class CertificateList(ScopedListView):
    model = Certificate
    serializer_class = s.CertificateSerializer
    changed_fields = ("issued_at", "revoked_at")
    course_field = "course_id"


@extend_schema_view(
    get=extend_schema(summary="Assignments", parameters=[CHANGED_SINCE, UNIT, COURSE]),
    post=extend_schema(
        summary="Assign a course",
        request=s.AssignmentCreateSerializer,
        responses={201: s.AssignmentSerializer},
    ),
)
class AssignmentList(ScopedListView, generics.CreateAPIView):
    """Course assignments that reach the client's part of the tree."""

    model = Assignment
    serializer_class = s.AssignmentSerializer
    unit_field = "units"
    changed_fields = ("updated_at",)  # set on creating, editing and ending
    course_field = "course_id"

    def base_queryset(self):
        return Assignment.objects.prefetch_related("units", "positions")

    def scope_q(self, scope) -> Q:
        return visible_q(scope)

    def get_queryset(self):
        return super().get_queryset().distinct()

    def create(self, request, *args, **kwargs):
        incoming = s.AssignmentCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        scope = self.scope()
        units = list(scope.units().filter(pk__in=data["units"]))
        missing = sorted(set(data["units"]) - {unit.pk for unit in units})
        errors = {}
        if missing:
            errors["units"] = [
                gettext("No unit with these ids: %(ids)s.") % {"ids": ", ".join(map(str, missing))}
            ]
        positions = list(Position.objects.filter(pk__in=data["positions"]))
        missing = sorted(set(data["positions"]) - {position.pk for position in positions})
        if missing:
            errors["positions"] = [
                gettext("No position with these ids: %(ids)s.") % {"ids": ", ".join(map(str, missing))}
            ]
        course = CoursePage.objects.live().filter(pk=data["course"]).first()
        if course is None:
            errors["course"] = [gettext("No published course has this id.")]
        if errors:
            raise exceptions.ValidationError(errors)
        assignment = assignment_create(
            course=course,
            units=units,
            positions=positions,
            due_mode=data["due_mode"],
            due_date=data.get("due_date"),
            due_days=data.get("due_days"),
            mandatory=data["mandatory"],
            note=data["note"],
            actor=request.user,
        )
        assignment = Assignment.objects.prefetch_related("units", "positions").get(pk=assignment.pk)
        return Response(s.AssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)


class AssignmentEnd(ApiViewMixin, generics.GenericAPIView):
    serializer_class = s.AssignmentSerializer

    def get_queryset(self):
        return Assignment.objects.filter(manageable_q(scope_for(self.request.user)))

    @extend_schema(
        summary="End an assignment",
        description="It no longer covers anyone; enrolments and progress stay. Ending twice changes nothing.",
        request=None,
        responses={200: s.AssignmentSerializer},
    )
    def post(self, request, pk: int):
        assignment = assignment_end(assignment=self.get_object(), actor=request.user)
        assignment = Assignment.objects.prefetch_related("units", "positions").get(pk=assignment.pk)
        return Response(s.AssignmentSerializer(assignment).data)

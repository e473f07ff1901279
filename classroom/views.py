"""Screens of in-person sessions.

Admin (the viewset's own screens and the trainer's): the list, plan, change, history; the check-in
screen with the rotating QR code and the JSON it refreshes from; the roster with a tap to check someone
in; closing; the attendance sheet as Excel and PDF. Every one loads the session through the session
permission policy (classroom.policies): a session outside the viewer's reach is a 404.

Learner site: ``/checkin/<code>/`` — a scanned code (or, after signing in, a short-lived pass the code
was swapped for) shows the session and a button; checking in is a POST; the answer is "checked in".
"""

from __future__ import annotations

import datetime
import json
import uuid

import django_filters
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, StatusTagColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.history import HistoryView
from wagtail.permissions import policy_registry

from classroom import codes, services, sheets
from classroom.forms import CloseForm
from classroom.models import OfflineCheckIn, SessionAttendance, SessionPhoto, TrainingSession
from classroom.qr import checkin_qr_svg, checkin_url
from classroom.selectors import roster_rows, session_rows, sessions_visible_to
from core.rights import forbidden

# -- the viewset's screens -------------------------------------------------------------------------


class SessionFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=capfirst(_("status")), choices=TrainingSession.Status.choices, empty_label=_("All")
    )

    class Meta:
        model = TrainingSession
        fields = ["status"]


def _when(session: TrainingSession) -> str:
    from django.utils import timezone

    starts, ends = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    return f"{starts:%Y-%m-%d %H:%M}–{ends:%H:%M}"


class SessionIndexView(generic.IndexView):
    default_ordering = "-starts_at"
    add_item_label = _("Plan a session")
    page_title = _("In-person sessions")
    header_icon = "group"
    history_url_name = None

    def get_base_queryset(self):
        return session_rows(self.request.user)

    @cached_property
    def columns(self):
        return [
            self._get_custom_column(
                "title",
                self._get_title_column_class(TitleColumn),
                get_url=lambda session: reverse("classroom_sessions:roster", args=[session.pk]),
            ),
            Column("when", label=_("When"), accessor=_when, sort_key="starts_at"),
            Column("place", label=capfirst(_("place"))),
            Column(
                "course", label=capfirst(_("course")), accessor=lambda s: s.course.title if s.course else "—"
            ),
            Column("trainer", label=capfirst(_("trainer"))),
            Column(
                "attended",
                label=_("Checked in"),
                accessor=lambda s: f"{s.attended} / {s.capacity}",
                sort_key="attended",
            ),
            Column("hours", label=capfirst(_("study hours"))),
            StatusTagColumn(
                "status",
                label=capfirst(_("status")),
                accessor="get_status_display",
                primary=lambda s: not s.closed,
                sort_key="status",
            ),
        ]

    def get_edit_url(self, instance):
        return None if instance.closed else super().get_edit_url(instance)

    def get_list_more_buttons(self, instance):
        buttons = []
        if not instance.closed:
            buttons.append(
                MenuItem(
                    gettext("Check-in screen"),
                    url=reverse("classroom_sessions:checkin", args=[instance.pk]),
                    icon_name="view",
                    priority=5,
                )
            )
        buttons.append(
            MenuItem(
                gettext("Roster"),
                url=reverse("classroom_sessions:roster", args=[instance.pk]),
                icon_name="list-ul",
                priority=6,
            )
        )
        buttons.append(
            MenuItem(
                gettext("Photos"),
                url=reverse("classroom_sessions:photos", args=[instance.pk]),
                icon_name="image",
                priority=7,
            )
        )
        if edit_url := self.get_edit_url(instance):
            buttons.append(MenuItem(gettext("Edit"), url=edit_url, icon_name="edit", priority=10))
        buttons.append(
            MenuItem(
                gettext("History"),
                url=reverse("classroom_sessions:history", args=[instance.pk]),
                icon_name="history",
                priority=20,
            )
        )
        return buttons


class _ServiceFormMixin:
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
        data = dict(self.form.cleaned_data)
        return {"actor": self.request.user, **data}


class SessionCreateView(_ServiceFormMixin, generic.CreateView):
    page_title = _("Plan a session")
    submit_button_label = _("Plan")

    def save_instance(self):
        return services.session_create(**self.service_arguments())

    def get_success_url(self):
        return reverse("classroom_sessions:roster", args=[self.object.pk])


class SessionEditView(_ServiceFormMixin, generic.EditView):
    def get_queryset(self):
        return sessions_visible_to(self.request.user).exclude(status=TrainingSession.Status.CLOSED)

    def save_instance(self):
        return services.session_update(session=self.object, **self.service_arguments())


class SessionHistoryView(HistoryView):
    def get_base_object_queryset(self):
        return sessions_visible_to(self.request.user)


# -- the trainer's screens -------------------------------------------------------------------------


def _session_or_refusal(request, pk: int):
    """The session the viewer may run (policy: the "change" permission and the session in reach), or
    the response that says no: 403 without the permission, 404 outside the reach."""
    policy = policy_registry.get_by_type(TrainingSession)
    if not policy.user_has_permission(request.user, "change"):
        return None, forbidden(request)
    sessions = policy.instances_user_has_permission_for(request.user, "change")
    return get_object_or_404(sessions.select_related("course", "unit", "trainer"), pk=pk), None


def _admin_page(request, template: str, session: TrainingSession, title: str, **context):
    return TemplateResponse(
        request,
        template,
        {
            "session": session,
            "page_title": title,
            "page_subtitle": session.title,
            "header_icon": "group",
            "when": _when(session),
            **context,
        },
    )


@require_GET
@never_cache
def checkin_screen(request, pk: int):
    """What the trainer shows on a phone or projector: the QR code, changing every 30 seconds."""
    session, refusal = _session_or_refusal(request, pk)
    if refusal:
        return refusal
    if session.closed:
        messages.error(request, gettext("This session has closed: check-in is over."))
        return HttpResponseRedirect(reverse("classroom_sessions:roster", args=[session.pk]))
    code = codes.checkin_code(session.pk)
    url = checkin_url(request, code)
    return _admin_page(
        request,
        "classroom/admin/checkin_screen.html",
        session,
        gettext("Check-in"),
        qr=checkin_qr_svg(url),
        checkin_link=url,
        seconds=codes.seconds_left(),
        code_url=reverse("classroom_sessions:code", args=[session.pk]),
        attended=session.attendances.count(),
    )


@require_GET
def checkin_sheet(request, pk: int):
    """A check-in sheet to print and pin up where there is no screen: the session's own QR code, good only
    while this session takes check-ins."""
    session, refusal = _session_or_refusal(request, pk)
    if refusal:
        return refusal
    if session.closed:
        messages.error(request, gettext("This session has closed: check-in is over."))
        return HttpResponseRedirect(reverse("classroom_sessions:roster", args=[session.pk]))
    return sheets.checkin_sheet_pdf(session, checkin_url(request, codes.sheet_code(session.pk)))


@require_GET
@never_cache
def checkin_code_json(request, pk: int):
    """The check-in screen's refresh: the current code's QR (SVG), its link and the seconds it has left."""
    session, refusal = _session_or_refusal(request, pk)
    if refusal:
        return JsonResponse({"error": gettext("Not allowed.")}, status=403)
    if session.closed:
        return JsonResponse({"error": gettext("This session has closed: check-in is over.")}, status=410)
    code = codes.checkin_code(session.pk)
    url = checkin_url(request, code)
    return JsonResponse(
        {
            "svg": checkin_qr_svg(url),
            "url": url,
            "seconds": codes.seconds_left(),
            "attended": session.attendances.count(),
        }
    )


@require_http_methods(["GET", "POST"])
def roster(request, pk: int):
    """Everyone invited and everyone checked in; a tap checks someone in (POST ``learner``)."""
    session, refusal = _session_or_refusal(request, pk)
    if refusal:
        return refusal
    if request.method == "POST":
        rows = {row["person"].pk: row for row in roster_rows(session)}
        try:
            learner_id = int(request.POST.get("learner", ""))
        except ValueError:
            learner_id = None
        if learner_id not in rows:
            messages.error(request, gettext("Choose someone on the roster."))
        else:
            person = rows[learner_id]["person"]
            try:
                services.session_check_in(
                    session=session,
                    learner=person,
                    method=SessionAttendance.Method.ROSTER,
                    actor=request.user,
                )
            except services.CheckInRefused as refusal_error:
                messages.error(request, str(refusal_error))
            else:
                messages.success(request, gettext("%(name)s is checked in.") % {"name": person})
        return HttpResponseRedirect(reverse("classroom_sessions:roster", args=[session.pk]))
    rows = roster_rows(session)
    return _admin_page(
        request,
        "classroom/admin/roster.html",
        session,
        gettext("Roster"),
        rows=rows,
        attended=sum(1 for row in rows if row["attendance"]),
    )


# One send from the trainer's phone: a room full of people, answered at once.
OFFLINE_BATCH_LIMIT = 500


def _offline_message(outcome: str, name: str) -> str:
    Outcome = OfflineCheckIn.Outcome
    values = {"name": name}
    return {
        Outcome.RECORDED: gettext("%(name)s is checked in at the time of the tap."),
        Outcome.ALREADY: gettext("%(name)s was already checked in."),
        Outcome.CLOSED: gettext(
            "%(name)s is not checked in: the session closed before the tap reached the server."
        ),
        Outcome.FUTURE: gettext(
            "%(name)s is not checked in: the time on your phone is later than now. "
            "Check the phone's date and time."
        ),
        Outcome.TOO_EARLY: gettext(
            "%(name)s is not checked in: the tap was made before check-in opened. "
            "Check the phone's date and time."
        ),
        Outcome.FULL: gettext("%(name)s is not checked in: the session is full."),
        Outcome.NOT_ON_ROSTER: gettext("Not checked in: this person is not on the roster."),
    }[outcome] % values


def _offline_tap(entry) -> tuple[uuid.UUID, int, datetime.datetime] | None:
    """key, learner and time of one tap as the phone sent it; None when it cannot be read. The time
    must carry its offset from UTC (the phone's local time)."""
    if not isinstance(entry, dict):
        return None
    try:
        key = uuid.UUID(str(entry["key"]))
        learner = entry["learner"]
        at = datetime.datetime.fromisoformat(str(entry["tapped_at"]))
    except (KeyError, ValueError, TypeError):
        return None
    if isinstance(learner, str) and learner.isdigit():
        learner = int(learner)
    if isinstance(learner, bool) or not isinstance(learner, int) or not 0 < learner < 2**31:
        return None
    if at.tzinfo is None or at.utcoffset() is None:
        return None
    return key, learner, at


@require_POST
def offline_check_ins(request, pk: int):
    """Roster taps made on the trainer's phone with no signal (classroom/roster-offline.js sends them
    when back online). The body is a JSON list of ``{"key": uuid, "learner": id, "tapped_at": ISO 8601
    with offset}``; CSRF through the X-CSRFToken header. Each is recorded on its own
    (`services.session_offline_check_in`: once per key) and answered in the same order:
    ``{"key", "learner", "accepted", "outcome", "message"}``. The phone drops a tap once answered."""
    session, refusal = _session_or_refusal(request, pk)
    if refusal:
        return JsonResponse({"error": gettext("Not allowed.")}, status=403)
    try:
        entries = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        entries = None
    if not isinstance(entries, list) or not entries:
        return JsonResponse(
            {"error": gettext("Nothing to record: the request carried no check-ins.")}, status=400
        )
    if len(entries) > OFFLINE_BATCH_LIMIT:
        return JsonResponse({"error": gettext("Too many check-ins in one request.")}, status=400)
    people = {row["person"].pk: row["person"] for row in roster_rows(session)}
    results = []
    for entry in entries:
        tap = _offline_tap(entry)
        if tap is None:
            results.append(
                {"key": None, "accepted": False, "outcome": "invalid", "message": gettext("Not read.")}
            )
            continue
        key, learner_id, at = tap
        person = people.get(learner_id)
        if person is None:
            outcome = OfflineCheckIn.Outcome.NOT_ON_ROSTER
            results.append(
                {
                    "key": str(key),
                    "learner": learner_id,
                    "accepted": False,
                    "outcome": outcome,
                    "message": _offline_message(outcome, ""),
                }
            )
            continue
        record = services.session_offline_check_in(
            session=session, learner=person, key=key, tapped_at=at, actor=request.user
        )
        results.append(
            {
                "key": str(key),
                "learner": record.learner_id,
                "accepted": record.accepted,
                "outcome": record.outcome,
                "message": _offline_message(record.outcome, str(people.get(record.learner_id, person))),
            }
        )
    return JsonResponse({"results": results, "attended": session.attendances.count()})


@require_http_methods(["GET", "POST"])
def photos(request, pk: int):
    """The session's evidence photos (the signed sheet, the room), and a form to add one (POST
    ``photo``, a file). Shown to whoever may run the session; the files only through `photo`."""
    session, refusal = _session_or_refusal(request, pk)
    if refusal:
        return refusal
    if request.method == "POST":
        upload = request.FILES.get("photo")
        if upload is None:
            messages.error(request, gettext("Choose a photo to upload."))
        else:
            try:
                services.session_photo_add(session=session, file=upload, actor=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, gettext("The photo is kept with the session."))
        return HttpResponseRedirect(reverse("classroom_sessions:photos", args=[session.pk]))
    kept = list(session.photos.select_related("uploaded_by"))
    return _admin_page(
        request,
        "classroom/admin/photos.html",
        session,
        gettext("Photos"),
        photos=kept,
        room_left=services.PHOTOS_PER_SESSION - len(kept),
    )


@require_GET
def photo(request, pk: int, photo_id: int):
    """One evidence photo's file, to whoever may run the session (404 for anyone else's session)."""
    session, refusal = _session_or_refusal(request, pk)
    if refusal:
        return refusal
    kept = get_object_or_404(SessionPhoto, pk=photo_id, session=session)
    try:
        handle = kept.file.open("rb")
    except OSError:
        raise Http404 from None
    content_type = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}[kept.kind]
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
def close(request, pk: int):
    """Close the session (with the lessons it covered): attendees get the course completed."""
    session, refusal = _session_or_refusal(request, pk)
    if refusal:
        return refusal
    if session.closed:
        messages.error(request, gettext("This session has already closed."))
        return HttpResponseRedirect(reverse("classroom_sessions:roster", args=[session.pk]))
    form = CloseForm(request.POST if request.method == "POST" else None, session=session)
    if request.method == "POST" and form.is_valid():
        items = form.cleaned_data.get("items") or []
        try:
            count = services.session_close(
                session=session, actor=request.user, covered_item_ids=[item.pk for item in items]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                gettext("The session is closed: %(count)s people attended.") % {"count": count},
            )
        return HttpResponseRedirect(reverse("classroom_sessions:roster", args=[session.pk]))
    return _admin_page(
        request,
        "classroom/admin/close.html",
        session,
        gettext("Close the session"),
        form=form,
        attended=session.attendances.count(),
    )


@require_GET
def attendance_sheet(request, pk: int, file_type: str):
    """The roster and attendance sheet to file on paper: Excel or PDF (Chinese font embedded)."""
    session, refusal = _session_or_refusal(request, pk)
    if refusal:
        return refusal
    rows = roster_rows(session)
    if file_type == "xlsx":
        return sheets.attendance_xlsx(session, rows)
    if file_type == "pdf":
        return sheets.attendance_pdf(session, rows)
    raise Http404


# -- the learner's check-in ------------------------------------------------------------------------


def _session_from_code(code: str) -> tuple[TrainingSession | None, str | None]:
    """The session a scanned code or a pass names, or why not (an error message)."""
    try:
        session_id = codes.read_code(code).session_id
    except codes.CodeExpired:
        return None, gettext(
            "This check-in code has expired: it changes every 30 seconds. Scan the code on the screen again."
        )
    except codes.CodeInvalid:
        session_id = codes.read_sheet_code(code) or codes.read_pass(code)
        if session_id is None:
            return None, gettext("This is not a valid check-in code. Scan the code on the screen again.")
    session = TrainingSession.objects.filter(pk=session_id).first()
    if session is None:
        return None, gettext("This is not a valid check-in code. Scan the code on the screen again.")
    return session, None


@never_cache
@require_http_methods(["GET", "POST"])
def checkin(request, code: str):
    """A scanned check-in code. Not signed in: to sign in, then back here with a pass for a few minutes
    (the code itself would have changed by then). GET shows the session and a button; POST checks in."""
    session, error = _session_from_code(code)
    if session is not None and not request.user.is_authenticated:
        return redirect_to_login(reverse("classroom:checkin", args=[codes.make_pass(session.pk)]))
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if error is None and session.closed:
        error = str(services.REFUSALS["closed"])
    if error is not None:
        return render(request, "classroom/checkin.html", {"error": error}, status=410)
    attendance = SessionAttendance.objects.filter(session=session, learner=request.user).first()
    if attendance is not None:
        return redirect("classroom:checked_in", pk=session.pk)
    if request.method == "POST":
        try:
            services.session_check_in(session=session, learner=request.user)
        except services.CheckInRefused as refusal:
            return render(
                request, "classroom/checkin.html", {"session": session, "error": str(refusal)}, status=403
            )
        return redirect("classroom:checked_in", pk=session.pk)
    return render(
        request,
        "classroom/checkin.html",
        {
            "session": session,
            "when": _when(session),
            # The form posts a fresh pass: reading the page may take longer than the code lives.
            "post_url": reverse("classroom:checkin", args=[codes.make_pass(session.pk)]),
        },
    )


@require_GET
@login_required
def checked_in(request, pk: int):
    """「已签到」: the learner's own check-in (404 for a session they did not check in at)."""
    attendance = get_object_or_404(
        SessionAttendance.objects.select_related("session"), session_id=pk, learner=request.user
    )
    return render(
        request,
        "classroom/checked_in.html",
        {"attendance": attendance, "session": attendance.session, "when": _when(attendance.session)},
    )

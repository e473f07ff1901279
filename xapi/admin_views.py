"""The administrators' page for learning records (xAPI): whether a store is configured, what is waiting,
sent and failed (with the store's last answer), sending the failed ones again, and the statements of a
date range as a JSON file. Site administrators only."""

import datetime
import json
from urllib.parse import urlsplit

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.http import StreamingHttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from core.rights import forbidden
from xapi import conf, sending
from xapi.models import Statement

MAX_DAYS = 366


def user_can_manage_statements(user) -> bool:
    return bool(user.is_active and user.is_superuser)


class DownloadForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The end date is before the start date."))
            if (end - start).days >= MAX_DAYS:
                raise forms.ValidationError(
                    _("Download at most %(days)s days at a time.") % {"days": MAX_DAYS}
                )
        return data

    def moments(self) -> tuple[datetime.datetime, datetime.datetime]:
        """From the start of the first day to the end of the last, in the site's time zone."""
        zone = timezone.get_current_timezone()
        start = datetime.datetime.combine(self.cleaned_data["start"], datetime.time.min, tzinfo=zone)
        end = datetime.datetime.combine(
            self.cleaned_data["end"] + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
        )
        return start, end


class _AdministratorsOnly:
    def dispatch(self, request, *args, **kwargs):
        if not user_can_manage_statements(request.user):
            return forbidden(request)
        return super().dispatch(request, *args, **kwargs)


class LearningRecordsView(_AdministratorsOnly, WagtailAdminTemplateMixin, FormView):
    """The status page (GET) and "send the failed ones again" (POST)."""

    template_name = "xapi/admin/index.html"
    form_class = DownloadForm
    page_title = _("Learning records (xAPI)")
    header_icon = "code"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("data", None)  # the page's POST is the retry button, not the download form
        today = timezone.localdate()
        kwargs["initial"] = {"start": today.replace(day=1), "end": today}
        return kwargs

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "retry":
            count = sending.statements_retry_failed()
            if count and conf.configured():
                from xapi import tasks

                tasks.send_statements.enqueue()
            messages.success(
                request,
                ngettext(
                    "%(count)s failed statement will be sent again.",
                    "%(count)s failed statements will be sent again.",
                    count,
                )
                % {"count": count}
                if count
                else gettext("No statement had failed."),
            )
        return redirect("xapi_admin:index")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = dict(Statement.objects.values_list("state").annotate(n=Count("pk")).order_by())
        context.update(
            configured=conf.configured(),
            missing=conf.missing(),
            endpoint_host=urlsplit(conf.endpoint()).netloc if not conf.missing() else "",
            actor_mode=conf.actor_mode(),
            states=[(label, counts.get(value, 0)) for value, label in Statement.State.choices],
            failed=Statement.objects.filter(state=Statement.State.FAILED).order_by("-created_at")[:20],
            waiting=Statement.objects.filter(state=Statement.State.PENDING, attempts__gt=0)
            .order_by("next_try_at")
            .first(),
        )
        return context


def _json_lines(queryset):
    """The statements as one JSON array (what an LRS accepts on POST /statements), written as it is read."""
    yield "[\n"
    first = True
    for payload in queryset.values_list("payload", flat=True).iterator(chunk_size=500):
        if not first:
            yield ",\n"
        first = False
        yield json.dumps(payload, ensure_ascii=False, sort_keys=True)
    yield "\n]\n"


class DownloadView(_AdministratorsOnly, View):
    """GET ?start=YYYY-MM-DD&end=YYYY-MM-DD: the statements that happened in those days, oldest first."""

    def get(self, request, *args, **kwargs):
        if not request.GET:
            return redirect("xapi_admin:index")
        form = DownloadForm(request.GET)
        if not form.is_valid():
            view = LearningRecordsView(request=request, args=args, kwargs=kwargs)
            return view.render_to_response(view.get_context_data(form=form))
        start, end = form.moments()
        queryset = Statement.objects.filter(timestamp__gte=start, timestamp__lt=end).order_by(
            "timestamp", "pk"
        )
        response = StreamingHttpResponse(
            _json_lines(queryset), content_type="application/json; charset=utf-8"
        )
        filename = (
            f"xapi-statements-{form.cleaned_data['start']:%Y%m%d}-{form.cleaned_data['end']:%Y%m%d}.json"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def post(self, request, *args, **kwargs):
        return redirect("xapi_admin:index")

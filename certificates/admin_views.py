"""Certificates in the Wagtail admin: a read-only list (search, state filter), a detail page, the
audit history, and revoking with a reason.

Every view checks permission itself (the permission policy: ``view`` or ``change`` to look,
``change`` to revoke) and only reaches certificates of learners in the viewer's part of the
organisation tree.
"""

import django_filters
from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button, HeaderButton, MenuItem

from certificates.models import Certificate, CertificateState
from certificates.qr import verification_url
from certificates.selectors import certificates_in_state, certificates_matching
from certificates.services import RevokeRefused, certificate_revoke
from core.rights import ScopedViewSetMixin, forbidden


class CertificateFilterSet(WagtailFilterSet):
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=CertificateState.choices, method="filter_state", empty_label=_("Any")
    )
    issued_at = django_filters.DateFromToRangeFilter(label=_("Issued"), widget=DateRangePickerWidget)

    class Meta:
        model = Certificate
        fields = []

    def filter_state(self, queryset, name, value):
        return certificates_in_state(queryset, value)


class ObjectMixin:
    """The certificate named in the URL; the viewset's policy answers 404 for one outside the viewer's
    part of the tree (core.rights)."""

    def get_object(self, queryset=None):
        return get_object_or_404(Certificate, pk=self.kwargs["pk"])


def _revoke_url(view, instance) -> str | None:
    if instance.revoked_at is None and view.user_has_permission("change"):
        return reverse(view.revoke_url_name, args=(instance.pk,))
    return None


class CertificateIndexView(generic.IndexView):
    revoke_url_name = None
    default_ordering = "-issued_at"

    def search_queryset(self, queryset):
        """Names and course titles by substring; codes however they were typed."""
        if not self.is_searching:
            return queryset
        return certificates_matching(queryset, self.search_query)

    def get_edit_url(self, instance):
        return None  # certificates are never edited; the title opens the detail page

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if url := _revoke_url(self, instance):
            buttons.append(MenuItem(_("Revoke"), url=url, icon_name="cross", priority=30))
        return buttons


class CertificateInspectView(ObjectMixin, generic.InspectView):
    revoke_url_name = None
    history_url_name = None
    certificate_fields = [
        "code",
        "current_state",
        "holder_name",
        "learner",
        "course_title",
        "organisation_name",
        "completed_at",
        "issued_at",
        "expires_at",
        "revoked_at",
        "revoked_by",
        "revoke_reason",
        "completion",
        "verification_page",
    ]

    def get_fields(self):
        return self.certificate_fields

    def get_field_label(self, field_name, field):
        if field_name == "current_state":
            return _("State")
        if field_name == "verification_page":
            return _("Verification page")
        return super().get_field_label(field_name, field)

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        return "-" if value in (None, "") else value

    def get_code_display_value(self):
        return self.object.display_code

    def get_current_state_display_value(self):
        return self.object.get_current_state_display()

    def get_completion_display_value(self):
        completion = self.object.completion
        if completion is None:
            return "-"
        if completion.rule == completion.Rule.MANAGER_OVERRIDE:
            return f"{completion.get_rule_display()} ({completion.recorded_by or '-'}: {completion.reason})"
        return completion.get_rule_display()

    def get_verification_page_display_value(self):
        return verification_url(self.object, self.request)

    def get_edit_url(self):
        return None

    @cached_property
    def header_more_buttons(self):
        buttons = []
        if url := _revoke_url(self, self.object):
            buttons.append(Button(_("Revoke"), url=url, icon_name="cross", priority=10))
        if self.history_url_name:
            url = reverse(self.history_url_name, args=(self.object.pk,))
            buttons.append(Button(_("History"), url=url, icon_name="history", priority=20))
        return buttons


class CertificateHistoryView(generic.HistoryView):
    @cached_property
    def header_buttons(self):
        url = self.get_edit_url(self.object)  # the detail page: certificates have no edit form
        return [HeaderButton(label=_("Inspect"), url=url, icon_name="info-circle")]


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=255,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Recorded with your name in the certificate's history and shown to the holder, "
            "e.g. “issued to the wrong person”."
        ),
    )


class CertificateRevokeView(ObjectMixin, PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    model = Certificate
    permission_required = "change"
    template_name = "certificates/admin/revoke.html"
    form_class = RevokeForm
    page_title = _("Revoke certificate")
    header_icon = "cross"
    index_url_name = None
    inspect_url_name = None

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = None

    def dispatch(self, request, *args, **kwargs):
        # Permission first, then the object: without the right, every certificate is a 403 (the
        # admin's one answer, core.rights.forbidden); a certificate outside the scope is a 404.
        if not self.user_has_permission(self.permission_required):
            return forbidden(request)
        self.object = self.get_object()
        if self.object.revoked_at is not None:
            messages.info(request, _("This certificate was already revoked."))
            return redirect(self.inspect_url_name, self.object.pk)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.index_url_name), "label": capfirst(Certificate._meta.verbose_name_plural)},
            {"url": reverse(self.inspect_url_name, args=(self.object.pk,)), "label": str(self.object)},
            {"url": "", "label": self.get_page_title()},
        ]

    def form_valid(self, form):
        try:
            certificate_revoke(
                certificate=self.object, actor=self.request.user, reason=form.cleaned_data["reason"]
            )
        except RevokeRefused as refused:
            form.add_error("reason", str(refused))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "Certificate %(code)s revoked. It now shows as revoked to its holder and on the "
                "verification page."
            )
            % {"code": self.object.display_code},
        )
        return redirect(self.inspect_url_name, self.object.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            object=self.object,
            cancel_url=reverse(self.inspect_url_name, args=(self.object.pk,)),
        )
        return context


class CertificateViewSet(ScopedViewSetMixin, ModelViewSet):
    model = Certificate
    icon = "tick-inverse"
    menu_label = _("Certificates")
    menu_order = 330
    add_to_admin_menu = True
    inspect_view_enabled = True
    copy_view_enabled = False
    index_view_class = CertificateIndexView
    inspect_view_class = CertificateInspectView
    history_view_class = CertificateHistoryView
    filterset_class = CertificateFilterSet
    search_fields = ["holder_name", "course_title", "code"]
    search_backend_name = None
    list_per_page = 50
    list_display = [
        "holder_name",
        "course_title",
        Column("display_code", label=_("Verification code"), accessor="display_code"),
        DateColumn("completed_at", label=_("Completed on"), sort_key="completed_at"),
        DateColumn("issued_at", label=_("Issued"), sort_key="issued_at"),
        StatusTagColumn(
            "current_state",
            label=_("State"),
            accessor="get_current_state_display",
            primary=lambda certificate: certificate.current_state == CertificateState.VALID,
        ),
    ]
    list_export = ["display_code", "holder_name", "course_title", "organisation_name", "completed_at"]

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(revoke_url_name=self.get_url_name("revoke"), **kwargs)

    def get_history_view_kwargs(self, **kwargs):
        # The history's "edit" links open the detail page: there is no edit form.
        return super().get_history_view_kwargs(edit_url_name=self.get_url_name("inspect"), **kwargs)

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(history_url_name=self.get_url_name("history"), **kwargs)

    @property
    def revoke_view(self):
        return self.construct_view(CertificateRevokeView)

    def get_urlpatterns(self):
        inspect_url_name = self.get_url_name("inspect")

        def to_inspect(request, pk):
            return redirect(inspect_url_name, pk)

        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
            path("revoke/<int:pk>/", self.revoke_view, name="revoke"),
            path("history/<int:pk>/", self.history_view, name="history"),
            path("history-results/<int:pk>/", self.history_results_view, name="history_results"),
            # Links to "edit" (the admin URL finder, the site history report) open the detail page.
            path("edit/<int:pk>/", to_inspect, name="edit"),
        ]

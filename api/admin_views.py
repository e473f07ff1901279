"""Admin screens for API clients (Settings → API clients, site administrators only, through
api.policies) and the API's reference page, drawn from the OpenAPI schema with no script."""

from __future__ import annotations

from django import forms
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin import messages
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from accounts.scope import scope_for
from api import services
from api.models import ApiClient
from core.rights import ScopedViewSetMixin, forbidden


class ApiClientForm(forms.ModelForm):
    class Meta:
        model = ApiClient
        fields = ["name", "unit", "access", "may_change_structure", "requests_per_minute"]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = scope_for(for_user).units().order_by("path")
        self.fields["unit"].label_from_instance = lambda unit: unit.indented_name
        self.fields["requests_per_minute"].min_value = 1
        self.fields["requests_per_minute"].max_value = 6000


def status_label(client: ApiClient) -> str:
    return gettext("Revoked") if client.revoked else gettext("Active")


class ApiClientIndexView(generic.IndexView):
    default_ordering = "name"
    add_item_label = _("New API client")
    page_title = _("API clients")
    header_icon = "code"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("unit", "created_by")

    @cached_property
    def columns(self):
        return [
            TitleColumn("name", label=_("name"), get_url=lambda client: self.get_edit_url(client)),
            Column("unit", label=_("organisation unit"), accessor=lambda client: client.unit.name),
            Column("access", label=_("access"), accessor=lambda client: client.get_access_display()),
            Column("token_prefix", label=_("token begins with")),
            DateColumn("last_used_at", label=_("last used at"), sort_key="last_used_at"),
            StatusTagColumn(
                "status", label=_("status"), accessor=status_label, primary=lambda c: not c.revoked
            ),
            Column("created_by", label=_("created by")),
        ]

    def get_edit_url(self, instance):
        return reverse("api_clients:edit", args=[instance.pk])


class ApiClientCreateView(generic.CreateView):
    page_title = _("New API client")
    submit_button_label = _("Create API client and show its token")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["for_user"] = self.request.user
        return kwargs

    def form_valid(self, form):
        data = form.cleaned_data
        client, token = services.api_client_create(
            name=data["name"],
            unit=data["unit"],
            access=data["access"],
            requests_per_minute=data["requests_per_minute"],
            may_change_structure=data["may_change_structure"],
            actor=self.request.user,
        )
        # Shown in this answer only, never stored, never redirected to.
        response = TemplateResponse(
            self.request,
            "api/client_token.html",
            {
                "client": client,
                "token": token,
                "page_title": gettext("API client created"),
                "header_icon": "code",
            },
        )
        response["Cache-Control"] = "no-store"
        return response


class ApiClientEditView(generic.EditView):
    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["for_user"] = self.request.user
        return kwargs

    def save_instance(self):
        data = self.form.cleaned_data
        return services.api_client_update(
            client=self.object,
            name=data["name"],
            unit=data["unit"],
            access=data["access"],
            requests_per_minute=data["requests_per_minute"],
            may_change_structure=data["may_change_structure"],
            actor=self.request.user,
        )


class ApiClientRevokeView(generic.DeleteView):
    """Revoke, not delete: the client stays in the list and the site history."""

    page_title = _("Revoke API client")
    permission_required = "change"

    def get_queryset(self):
        return ApiClient.objects.filter(revoked_at__isnull=True)

    @property
    def confirmation_message(self):
        return gettext("Revoke “%(name)s”? Its token stops working at once; this cannot be undone.") % {
            "name": self.object.name
        }

    def form_valid(self, form):
        services.api_client_revoke(client=self.object, actor=self.request.user)
        messages.success(self.request, gettext("The API client has been revoked."))
        return HttpResponseRedirect(reverse("api_clients:index"))


def api_reference(request):
    """The API's operations, parameters and fields, from the same schema as /api/v1/schema/."""
    if not request.user.has_perm("api.view_apiclient"):
        return forbidden(request)
    from api.schema import reference_sections

    return TemplateResponse(
        request,
        "api/reference.html",
        {"page_title": gettext("API reference"), "header_icon": "code", "sections": reference_sections()},
    )


class ApiClientViewSet(ScopedViewSetMixin, ModelViewSet):
    model = ApiClient
    form_class = ApiClientForm
    icon = "code"
    menu_label = _("API clients")
    menu_order = 640
    add_to_settings_menu = True
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = ApiClientIndexView
    add_view_class = ApiClientCreateView
    edit_view_class = ApiClientEditView
    delete_view_class = ApiClientRevokeView
    list_per_page = 50

    def get_form_class(self, for_update=False):
        return ApiClientForm

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("reference/", api_reference, name="reference")]

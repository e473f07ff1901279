"""Admin screens for invitations ("邀请加入"): list, create, deactivate, the poster and the approvals.

Invitations load through their permission policy (accounts.policies.InvitationPermissionPolicy, via
core.rights.ScopedViewSetMixin): one to a unit outside the viewer's part of the tree answers 404. The
approvals screen asks the same scope (accounts.invitations.join_requests_decidable_by).
"""

from django import forms
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin import messages
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import AdminDateTimeInput

from accounts import invitations as services
from accounts.models import Invitation, JoinRequest, Position
from accounts.poster import join_url, poster_pdf
from accounts.scope import scope_for
from core.rights import ScopedViewSetMixin, forbidden


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["org_unit", "position", "expires_at", "max_uses", "needs_approval"]
        widgets = {"expires_at": AdminDateTimeInput}

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = scope_for(for_user).units().order_by("path")
        self.fields["org_unit"].label_from_instance = lambda unit: unit.indented_name
        self.fields["position"].queryset = Position.objects.all()
        self.fields["max_uses"].min_value = 1
        self.fields["max_uses"].widget.attrs["min"] = 1

    def clean_expires_at(self):
        expires_at = self.cleaned_data.get("expires_at")
        if expires_at and expires_at <= timezone.now():
            raise forms.ValidationError(_("Choose a time in the future."))
        return expires_at

    def clean_max_uses(self):
        max_uses = self.cleaned_data.get("max_uses")
        if max_uses is not None and max_uses < 1:
            raise forms.ValidationError(_("Allow at least one join, or leave it empty for no limit."))
        return max_uses


def status_label(invitation: Invitation) -> str:
    reason = services.invitation_refusal(invitation)
    return {
        None: gettext("Active"),
        "inactive": gettext("Deactivated"),
        "expired": gettext("Expired"),
        "used_up": gettext("Used up"),
    }[reason]


def uses_label(invitation: Invitation) -> str:
    if invitation.max_uses is None:
        return str(invitation.uses)
    return f"{invitation.uses} / {invitation.max_uses}"


class InvitationIndexView(generic.IndexView):
    default_ordering = "-created_at"
    add_item_label = _("New invitation")
    page_title = _("Invitations")
    header_icon = "mail"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("org_unit", "position", "created_by")

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "org_unit",
                label=_("organisation unit"),
                accessor=lambda invitation: invitation.org_unit.name,
                get_url=lambda invitation: reverse("invitations:poster", args=[invitation.pk]),
            ),
            Column("position", label=_("position"), accessor=lambda invitation: invitation.position.name),
            Column("uses", label=_("Joins"), accessor=uses_label, sort_key="uses"),
            DateColumn("expires_at", label=_("expires at"), sort_key="expires_at"),
            Column(
                "needs_approval",
                label=_("Approval"),
                accessor=lambda i: (
                    gettext("Needs approval") if i.needs_approval else gettext("Joins directly")
                ),
            ),
            StatusTagColumn(
                "status",
                label=_("status"),
                accessor=status_label,
                primary=lambda invitation: services.invitation_refusal(invitation) is None,
            ),
            Column("created_by", label=_("created by")),
        ]

    def get_edit_url(self, instance):
        return None

    def get_list_more_buttons(self, instance):
        from wagtail.admin.ui.menus import MenuItem

        buttons = [
            MenuItem(
                gettext("Download poster"),
                url=reverse("invitations:poster", args=[instance.pk]),
                icon_name="download",
                priority=10,
            ),
            MenuItem(
                gettext("History"),
                url=reverse("invitations:history", args=[instance.pk]),
                icon_name="history",
                priority=20,
            ),
        ]
        if instance.active:
            buttons.append(
                MenuItem(
                    gettext("Deactivate"),
                    url=reverse("invitations:deactivate", args=[instance.pk]),
                    icon_name="cross",
                    priority=30,
                )
            )
        return buttons


class InvitationCreateView(generic.CreateView):
    page_title = _("New invitation")
    submit_button_label = _("Create invitation")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["for_user"] = self.request.user
        return kwargs

    def save_instance(self):
        data = self.form.cleaned_data
        return services.invitation_create(
            org_unit=data["org_unit"],
            position=data["position"],
            expires_at=data.get("expires_at"),
            max_uses=data.get("max_uses"),
            needs_approval=data["needs_approval"],
            actor=self.request.user,
        )

    def get_success_buttons(self):
        url = reverse("invitations:poster", args=[self.object.pk])
        return [messages.button(url, gettext("Download poster"))]

    def get_success_url(self):
        return reverse("invitations:index")

    def get_success_message(self, instance):
        return gettext(
            "Invitation to %(unit)s (%(position)s) created: download its poster from the list."
        ) % {
            "unit": instance.org_unit.name,
            "position": instance.position.name,
        }


class InvitationDeactivateView(generic.DeleteView):
    """Deactivate, not delete: the record and its joins stay for the audit log."""

    page_title = _("Deactivate invitation")
    permission_required = "change"

    def get_queryset(self):
        return Invitation.objects.filter(active=True).select_related("org_unit", "position")

    @property
    def confirmation_message(self):
        return gettext(
            "Deactivate the invitation to %(unit)s (%(position)s)? Its poster stops working; requests "
            "already waiting can still be approved."
        ) % {"unit": self.object.org_unit.name, "position": self.object.position.name}

    def form_valid(self, form):
        services.invitation_deactivate(invitation=self.object, actor=self.request.user)
        messages.success(self.request, gettext("The invitation has been deactivated."))
        return HttpResponseRedirect(reverse("invitations:index"))


class InvitationPosterView(generic.InspectView):
    """The poster as a PDF download (GET, no side effect)."""

    permission_required = "view"

    def get(self, request, *args, **kwargs):
        invitation = self.object
        pdf = poster_pdf(invitation, join_url(invitation, request))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="invitation-{invitation.pk}.pdf"'
        return response


class ApprovalForm(forms.Form):
    requests = forms.ModelMultipleChoiceField(queryset=JoinRequest.objects.none())
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requests"].queryset = queryset
        self.fields["requests"].error_messages["required"] = _("Tick at least one person.")
        self.fields["requests"].error_messages["invalid_choice"] = _(
            "Someone ticked has been decided already, or is not yours to decide. Nothing was changed."
        )


def approvals(request):
    """Waiting join requests in the viewer's part of the tree, approved or rejected by ticking them
    (one or many) and pressing a button."""
    if not request.user.has_perm("accounts.change_invitation"):
        return forbidden(request, gettext("Only training managers decide on join requests."))
    pending = services.join_requests_decidable_by(request.user).order_by("created_at")
    form = ApprovalForm(request.POST or None, queryset=pending)
    if request.method == "POST" and form.is_valid():
        decided = services.join_requests_decide(
            requests=form.cleaned_data["requests"],
            approve=form.cleaned_data["decision"] == "approve",
            actor=request.user,
            sign_in_url=request.build_absolute_uri(reverse("accounts:login")),
        )
        if decided.approved:
            messages.success(
                request,
                ngettext("%(count)s person approved.", "%(count)s people approved.", decided.approved)
                % {"count": decided.approved},
            )
        if decided.rejected:
            messages.success(
                request,
                ngettext("%(count)s request rejected.", "%(count)s requests rejected.", decided.rejected)
                % {"count": decided.rejected},
            )
        if decided.taken:
            messages.warning(
                request,
                gettext("Already had an account, so not approved: %(names)s")
                % {"names": "、".join(decided.taken)},
            )
        return HttpResponseRedirect(reverse("invitations:approvals"))
    return TemplateResponse(
        request,
        "accounts/admin/join_approvals.html",
        {
            "page_title": gettext("Join requests"),
            "header_icon": "user",
            "pending": pending,
            "form": form,
            "breadcrumbs_items": [
                {"url": reverse("wagtailadmin_home"), "label": gettext("Home")},
                {"url": reverse("invitations:index"), "label": gettext("Invitations")},
                {"url": "", "label": gettext("Join requests")},
            ],
        },
    )


class InvitationViewSet(ScopedViewSetMixin, ModelViewSet):
    model = Invitation
    form_class = InvitationForm
    icon = "mail"
    menu_label = _("Invitations")
    menu_order = 260
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = InvitationIndexView
    add_view_class = InvitationCreateView
    delete_view_class = InvitationDeactivateView
    inspect_view_class = InvitationPosterView
    list_per_page = 50

    def get_form_class(self, for_update=False):
        return InvitationForm

    @property
    def url_finder_class(self):
        """Where Wagtail's generic screens (a unit's usage, the site history) link an invitation to: it
        is never edited, so its history, which shows what it is and everything done with it."""
        return type(
            "_InvitationURLFinder", (ModelAdminURLFinder,), {"edit_url_name": self.get_url_name("history")}
        )

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        view_kwargs["delete_url_name"] = self.get_url_name("deactivate")
        view_kwargs["usage_url_name"] = None
        view_kwargs["edit_url_name"] = None
        return view_kwargs

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("new/", self.add_view, name="add"),
            path("deactivate/<int:pk>/", self.delete_view, name="deactivate"),
            path("poster/<int:pk>/", self.inspect_view, name="poster"),
            path("history/<int:pk>/", self.history_view, name="history"),
            path("history-results/<int:pk>/", self.history_results_view, name="history_results"),
            path("approvals/", approvals, name="approvals"),
        ]

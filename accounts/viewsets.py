"""Admin screens for staff accounts, the organisation tree and positions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.views.snippets import SnippetViewSet
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from accounts import services
from accounts.forms import OrgUnitForm, StaffCreationForm, StaffEditForm
from accounts.models import OrgUnit, Position


class UserViewSet(WagtailUserViewSet):
    def get_form_class(self, for_update=False):
        return StaffEditForm if for_update else StaffCreationForm


class OrgUnitIndexView(generic.IndexView):
    default_ordering = "path"

    def get_base_queryset(self):
        # One query: units in tree order with their own head count.
        return super().get_base_queryset().annotate(member_count=Count("members")).order_by("path")


class OrgUnitCreateView(generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return services.org_unit_create(
            name=data["name"],
            level=data["level"],
            code=data["code"],
            parent=data["parent"],
            actor=self.request.user,
        )

    def get_initial(self):
        initial = super().get_initial()
        parent_id = self.request.GET.get("parent")
        if parent_id and parent_id.isdigit():
            initial["parent"] = OrgUnit.objects.filter(pk=parent_id).first()
        return initial


class OrgUnitEditView(generic.EditView):
    def save_instance(self):
        data = self.form.cleaned_data
        return services.org_unit_update(
            unit=self.object,
            name=data["name"],
            level=data["level"],
            code=data["code"],
            parent=data["parent"],
            actor=self.request.user,
        )

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            form.add_error("parent", error)
            return self.form_invalid(form)


class OrgUnitDeleteView(generic.DeleteView):
    def form_valid(self, form):
        try:
            services.org_unit_delete(unit=self.object, actor=self.request.user)
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
            return HttpResponseRedirect(self.get_success_url())
        messages.success(self.request, _("“%(name)s” deleted.") % {"name": self.object.name})
        return HttpResponseRedirect(self.get_success_url())


class OrgUnitViewSet(ModelViewSet):
    model = OrgUnit
    form_class = OrgUnitForm
    icon = "site"
    menu_label = _("Organisation tree")
    menu_order = 610
    add_to_settings_menu = True
    index_view_class = OrgUnitIndexView
    add_view_class = OrgUnitCreateView
    edit_view_class = OrgUnitEditView
    delete_view_class = OrgUnitDeleteView
    search_fields = ["name", "code"]
    list_filter = ["level"]
    list_per_page = 200
    list_display = [
        Column("indented_name", label=_("name"), accessor="indented_name"),
        "level",
        "code",
        Column("member_count", label=_("staff")),
    ]

    def get_form_class(self, for_update=False):
        return OrgUnitForm


class PositionViewSet(SnippetViewSet):
    model = Position
    icon = "group"
    menu_label = _("Positions")
    menu_order = 620
    add_to_settings_menu = True
    list_display = ["name", "description", "sort_order"]
    search_fields = ["name"]

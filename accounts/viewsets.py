"""Admin screens for staff accounts, the organisation tree and positions.

Who may see and change which account or unit is decided by their permission policies
(accounts.policies, the one rule of accounts.rights): every view of these viewsets, and Wagtail's bulk
actions, load objects only through them (core.rights.ScopedViewSetMixin), so an account or unit
outside the viewer's reach answers 404 everywhere. The forms offer only the units, roles and managed
units the viewer may give.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.ui.tables import BooleanColumn, Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.views.snippets import SnippetViewSet
from wagtail.users.views import groups as wagtail_groups
from wagtail.users.views import users as wagtail_users
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from accounts import services
from accounts.forms import OrgUnitForm, StaffCreationForm, StaffEditForm
from accounts.models import OrgUnit, Position
from accounts.rights import group_description, group_label, role_of
from accounts.scope import scope_for
from accounts.selectors import org_units_with_head_counts
from core.rights import ScopedViewSetMixin

# -- shared ---------------------------------------------------------------------------------------


class YesNoColumn(BooleanColumn):
    """Wagtail's tick or cross, with 是/否 beside it (Wagtail's own says "True"/"False")."""

    cell_template_name = "accounts/admin/yes_no_cell.html"


class AddViewTitleMixin:
    """The last breadcrumb of an add view is its title ("添加用户"), not Wagtail's "New: …"."""

    def get_breadcrumbs_items(self):
        items = super().get_breadcrumbs_items()
        if items and self.page_title:
            items[-1] = {**items[-1], "label": self.page_title}
        return items


# -- staff accounts ------------------------------------------------------------------------------


class UserFormMixin:
    """Units within the viewer's scope; the roles and managed units the viewer may give; the role saved
    through accounts.services (audit log, cached user dropped); a new or moved person announced through
    accounts.services (their course assignments follow)."""

    editing_self = False

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        viewer = self.request.user
        if not viewer.is_superuser:
            scope = scope_for(viewer)
            form.fields["org_unit"].queryset = scope.units().order_by("path")
            if not scope.everything:
                form.fields["org_unit"].required = True  # someone with no unit would drop out of the scope
        form.limit_to(viewer, editing_self=self.editing_self)
        return form

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:  # rolled back with the rest of the save
            form.add_error(None, error)
            return self.form_invalid(form)

    def save_role(self, instance):
        data = self.form.cleaned_data
        if not data.get("role"):
            return
        try:
            services.user_role_set(
                user=instance, role=data["role"], managed_unit=data["managed_unit"], actor=self.request.user
            )
        except PermissionDenied:  # the form offers only what the viewer may give: a forged request
            raise ValidationError(_("You cannot give this role.")) from None


class UserIndexView(wagtail_users.IndexView):
    def get_base_queryset(self):
        # The unit comes with each user (the "Transcript" button checks it), and the groups for the role
        # column: no query per row.
        return (
            super().get_base_queryset().select_related("org_unit", "managed_unit").prefetch_related("groups")
        )

    @cached_property
    def columns(self):
        # Wagtail's "access level" (administrator or blank) becomes the role in words, and the unit shows.
        columns = []
        for column in super().columns:
            if column.name == "is_superuser":
                columns.append(Column("role", label=_("Role"), accessor=_role_label, width="15%"))
                columns.append(
                    Column(
                        "org_unit",
                        label=_("organisation unit"),
                        accessor=lambda user: user.org_unit.name if user.org_unit_id else "",
                        width="15%",
                    )
                )
            elif column.name == "is_active":
                columns.append(YesNoColumn("is_active", label=column.label, sort_key=column.sort_key))
            else:
                columns.append(column)
        return columns


def _role_label(user) -> str:
    label = str(role_of(user).label)
    return f"{label}（{user.managed_unit.name}）" if user.managed_unit_id else label


class GroupChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return group_label(obj)


class StaffFilterSet(wagtail_users.UserFilterSet):
    """Wagtail's user filters, with groups named by the role they carry (accounts.rights.group_label)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["group"].field_class = GroupChoiceField


class UserCreateView(AddViewTitleMixin, UserFormMixin, wagtail_users.CreateView):
    def save_instance(self):
        instance = super().save_instance()
        self.save_role(instance)
        # A new person: matched to the course assignments that cover them (once this request commits).
        services.user_placement_announce(user=instance, before=None)
        return instance


class UserEditView(UserFormMixin, wagtail_users.EditView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.editing_self = request.user.pk == self.object.pk
        # Where they work as loaded, before the form writes the posted values onto the object.
        self.placed_before = services.Placement.of(self.object)

    def save_instance(self):
        password_set = bool(self.form.cleaned_data.get("password1"))
        instance = super().save_instance()
        if password_set and not self.editing_self and not instance.must_change_password:
            # A password someone else chose is a temporary one: the person picks their own next time.
            instance.must_change_password = True
            instance.save(update_fields=["must_change_password"])
        self.save_role(instance)
        # Another unit, position or active flag: re-matched to the course assignments after commit.
        services.user_placement_announce(user=instance, before=self.placed_before)
        return instance


class UserViewSet(ScopedViewSetMixin, WagtailUserViewSet):
    index_view_class = UserIndexView
    add_view_class = UserCreateView
    edit_view_class = UserEditView
    filterset_class = StaffFilterSet
    copy_view_enabled = False  # a copy would carry someone's groups and unit past the rights checks

    def get_form_class(self, for_update=False):
        return StaffEditForm if for_update else StaffCreationForm


# -- the organisation tree -----------------------------------------------------------------------


class ScopedUnitFormMixin:
    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        viewer = self.request.user
        scope = scope_for(viewer)
        if not viewer.is_superuser and not scope.everything:
            parents = form.fields["parent"].queryset.filter(pk__in=scope.units().values("pk"))
            form.fields["parent"].queryset = parents
            form.fields["parent"].required = True  # a unit at the top would be outside the scope
        return form


class OrgUnitIndexView(generic.IndexView):
    default_ordering = "path"

    def get_base_queryset(self):
        # One query: units in tree order, each with the people in it and in every unit below it.
        return org_units_with_head_counts(super().get_base_queryset()).order_by("path")


class OrgUnitCreateView(AddViewTitleMixin, ScopedUnitFormMixin, generic.CreateView):
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


class OrgUnitEditView(ScopedUnitFormMixin, generic.EditView):
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


class OrgUnitViewSet(ScopedViewSetMixin, ModelViewSet):
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
    copy_view_enabled = False
    search_fields = ["name", "code"]
    list_filter = ["level"]
    list_per_page = 200
    list_display = [
        Column("indented_name", label=pgettext_lazy("unit or position", "name"), accessor="indented_name"),
        "level",
        "code",
        Column("head_count", label=_("Staff (incl. units below)")),
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


# -- groups ---------------------------------------------------------------------------------------


class GroupIndexView(wagtail_groups.IndexView):
    """Groups by the role they carry, with what it lets people do; Wagtail's own default groups said to
    be unused (accounts.rights.WAGTAIL_DEFAULT_GROUPS)."""

    columns = [
        TitleColumn(
            "name",
            label=pgettext_lazy("unit or position", "name"),
            accessor=group_label,
            sort_key="name",
            url_name="wagtailusers_groups:edit",
        ),
        Column("description", label=_("What it is for"), accessor=group_description),
    ]


class GroupViewSet(wagtail_groups.GroupViewSet):
    index_view_class = GroupIndexView

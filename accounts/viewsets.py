"""Admin screens for staff accounts, the organisation tree and positions.

Staff accounts and units are scoped like every report (accounts.scope): a training manager lists,
opens and edits only the people and units of their own part of the tree, and every other URL answers
404; the unit choices in the forms stop at the edge of their scope. Managers never see or edit anyone
with more power than themselves (superusers, managers of a wider part of the tree), cannot make
anyone a superuser and can only give the groups they are in themselves.
"""

from django.contrib import messages
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.views.snippets import SnippetViewSet
from wagtail.users.views import users as wagtail_users
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from accounts import services
from accounts.forms import OrgUnitForm, StaffCreationForm, StaffEditForm
from accounts.models import OrgUnit, Position, User
from accounts.scope import scope_for

# -- staff accounts ------------------------------------------------------------------------------


def users_in_scope(viewer, users: QuerySet[User] | None = None) -> QuerySet[User]:
    """The accounts ``viewer`` may list and open in the admin (of ``users``, default all)."""
    users = User.objects.all() if users is None else users
    if viewer.is_superuser:
        return users
    scope = scope_for(viewer)
    users = users.filter(scope.q("org_unit")).filter(is_superuser=False)
    if not scope.everything:
        users = users.filter(Q(managed_unit__isnull=True) | scope.q("managed_unit"))
    return users


def grantable_groups(viewer) -> QuerySet[Group]:
    return Group.objects.all() if viewer.is_superuser else viewer.groups.all()


def limit_user_form(form, viewer) -> None:
    """Unit choices within the viewer's scope; no superuser flag and only the viewer's own groups for
    anyone but a superuser."""
    if viewer.is_superuser:
        return
    scope = scope_for(viewer)
    units = scope.units().order_by("path")
    for name in ("org_unit", "managed_unit"):
        if name in form.fields:
            form.fields[name].queryset = units
    if "org_unit" in form.fields and not scope.everything:
        form.fields["org_unit"].required = True  # someone with no unit would drop out of the scope
    form.fields.pop("is_superuser", None)
    if "groups" in form.fields:
        form.fields["groups"].queryset = grantable_groups(viewer)


class ScopedUserQuerysetMixin:
    def get_queryset(self):
        return users_in_scope(self.request.user)


class ScopedUserFormMixin:
    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        limit_user_form(form, self.request.user)
        return form


class UserIndexView(wagtail_users.IndexView):
    def get_base_queryset(self):
        # The unit comes with each user: the listing's "Transcript" button checks it without a query.
        return users_in_scope(self.request.user, super().get_base_queryset()).select_related("org_unit")


class UserCreateView(ScopedUserFormMixin, wagtail_users.CreateView):
    pass


class UserEditView(ScopedUserFormMixin, ScopedUserQuerysetMixin, wagtail_users.EditView):
    def save_instance(self):
        # Groups the editor cannot give are not in the form; keep the ones the person already has.
        kept = list(self.object.groups.exclude(pk__in=grantable_groups(self.request.user).values("pk")))
        instance = super().save_instance()
        if kept:
            instance.groups.add(*kept)
        return instance


class UserDeleteView(ScopedUserQuerysetMixin, wagtail_users.DeleteView):
    pass


class UserHistoryView(wagtail_users.HistoryView):
    def get_base_object_queryset(self):
        return users_in_scope(self.request.user)


class UserUsageView(UsageView):
    def get_base_object_queryset(self):
        return users_in_scope(self.request.user)


class UserViewSet(WagtailUserViewSet):
    index_view_class = UserIndexView
    add_view_class = UserCreateView
    edit_view_class = UserEditView
    delete_view_class = UserDeleteView
    history_view_class = UserHistoryView
    usage_view_class = UserUsageView
    copy_view_enabled = False  # a copy would carry someone's groups and unit past the scope checks

    def get_form_class(self, for_update=False):
        return StaffEditForm if for_update else StaffCreationForm


# -- the organisation tree -----------------------------------------------------------------------


def units_in_scope(viewer) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.all() if viewer.is_superuser else scope_for(viewer).units()


def units_editable_by(viewer) -> QuerySet[OrgUnit]:
    """Units a manager may change or delete: those below their own, not the one they are attached to."""
    scope = scope_for(viewer)
    if viewer.is_superuser or scope.everything:
        return OrgUnit.objects.all()
    if scope.unit is None:
        return OrgUnit.objects.none()
    return scope.units().filter(depth__gt=scope.unit.depth)


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
        # One query: units in tree order with their own head count.
        return (
            super()
            .get_base_queryset()
            .filter(pk__in=units_in_scope(self.request.user).values("pk"))
            .annotate(member_count=Count("members"))
            .order_by("path")
        )


class OrgUnitCreateView(ScopedUnitFormMixin, generic.CreateView):
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
    def get_queryset(self):
        return units_editable_by(self.request.user)

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
    def get_queryset(self):
        return units_editable_by(self.request.user)

    def form_valid(self, form):
        try:
            services.org_unit_delete(unit=self.object, actor=self.request.user)
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
            return HttpResponseRedirect(self.get_success_url())
        messages.success(self.request, _("“%(name)s” deleted.") % {"name": self.object.name})
        return HttpResponseRedirect(self.get_success_url())


class OrgUnitHistoryView(generic.HistoryView):
    def get_base_object_queryset(self):
        return units_in_scope(self.request.user)


class OrgUnitUsageView(UsageView):
    def get_base_object_queryset(self):
        return units_in_scope(self.request.user)


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
    history_view_class = OrgUnitHistoryView
    usage_view_class = OrgUnitUsageView
    copy_view_enabled = False
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

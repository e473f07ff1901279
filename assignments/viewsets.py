"""The "Assignments" admin area: one viewset whose views load assignments through the assignment
permission policy (assignments.policies, core.rights)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet

from assignments import views
from assignments.forms import AssignmentForm
from assignments.models import Assignment
from core.rights import ScopedViewSetMixin


class AssignmentViewSet(ScopedViewSetMixin, ModelViewSet):
    model = Assignment
    icon = "clipboard-list"
    menu_label = _("Assignments")
    menu_order = 250
    add_to_admin_menu = True
    copy_view_enabled = False
    index_view_class = views.AssignmentIndexView
    add_view_class = views.AssignmentCreateView
    edit_view_class = views.AssignmentEditView
    delete_view_class = views.AssignmentEndView
    history_view_class = views.AssignmentHistoryView
    filterset_class = views.AssignmentFilterSet
    search_fields = ["course__title", "note"]
    search_backend_name = None  # plain ORM filtering over the scoped queryset
    list_per_page = 50

    def get_form_class(self, for_update=False):
        return AssignmentForm

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        # "Delete" is "end" here, and nothing refers to an assignment, so there is no usage screen.
        view_kwargs["delete_url_name"] = self.get_url_name("end")
        view_kwargs["usage_url_name"] = None
        return view_kwargs

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("new/", self.add_view, name="add"),
            path("edit/<int:pk>/", self.edit_view, name="edit"),
            path("end/<int:pk>/", self.delete_view, name="end"),
            path("history/<int:pk>/", self.history_view, name="history"),
            path("history-results/<int:pk>/", self.history_results_view, name="history_results"),
        ]

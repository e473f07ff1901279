"""The "In-person sessions" admin area: one viewset whose views load sessions through the session
permission policy (classroom.policies, core.rights), plus the trainer's screens (classroom.views)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet

from classroom import views
from classroom.forms import SessionForm
from classroom.models import TrainingSession
from core.rights import ScopedViewSetMixin


class TrainingSessionViewSet(ScopedViewSetMixin, ModelViewSet):
    model = TrainingSession
    icon = "group"
    menu_label = _("In-person sessions")
    menu_order = 260
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = views.SessionIndexView
    add_view_class = views.SessionCreateView
    edit_view_class = views.SessionEditView
    history_view_class = views.SessionHistoryView
    filterset_class = views.SessionFilterSet
    search_fields = ["title", "place"]
    search_backend_name = None
    list_per_page = 50

    def get_form_class(self, for_update=False):
        return SessionForm

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        # Sessions are history (attendance, completions): never deleted, closed instead.
        view_kwargs["delete_url_name"] = None
        view_kwargs["usage_url_name"] = None
        return view_kwargs

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("new/", self.add_view, name="add"),
            path("edit/<int:pk>/", self.edit_view, name="edit"),
            path("history/<int:pk>/", self.history_view, name="history"),
            path("history-results/<int:pk>/", self.history_results_view, name="history_results"),
            path("<int:pk>/checkin/", views.checkin_screen, name="checkin"),
            path("<int:pk>/code/", views.checkin_code_json, name="code"),
            path("<int:pk>/checkin-sheet.pdf", views.checkin_sheet, name="checkin_sheet"),
            path("<int:pk>/roster/", views.roster, name="roster"),
            path("<int:pk>/offline-check-ins/", views.offline_check_ins, name="offline_check_ins"),
            path("<int:pk>/photos/", views.photos, name="photos"),
            path("<int:pk>/photos/<int:photo_id>/", views.photo, name="photo"),
            path("<int:pk>/close/", views.close, name="close"),
            path("<int:pk>/sheet.<str:file_type>", views.attendance_sheet, name="sheet"),
        ]

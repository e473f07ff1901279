"""Admin URLs of the staff import, mounted under /admin/staff-import/ by staff_import_hooks.py."""

from django.urls import path

from accounts import staff_import_views as views

app_name = "staff_import"

urlpatterns = [
    path("", views.StaffImportView.as_view(), name="upload"),
    path("template.<str:file_type>", views.StaffImportTemplateView.as_view(), name="template"),
    path("<str:token>/", views.StaffImportPreviewView.as_view(), name="preview"),
    path("<str:token>/done/", views.StaffImportResultView.as_view(), name="result"),
    path("<str:token>/initial-passwords/", views.StaffImportCredentialsView.as_view(), name="credentials"),
]

"""Admin URLs for the question bank tools, mounted under /admin/question-bank/ by wagtail_hooks.py."""

from django.urls import path

from quizzes import admin_views

app_name = "quizzes_admin"

urlpatterns = [
    path("import/", admin_views.QuestionImportView.as_view(), name="import"),
    path("import/<str:token>/", admin_views.QuestionImportPreviewView.as_view(), name="import_preview"),
    path("import-template.<str:file_type>", admin_views.ImportTemplateView.as_view(), name="import_template"),
    path(
        "category/<int:pk>/export.gift",
        admin_views.CategoryExportGiftView.as_view(),
        name="category_export_gift",
    ),
    path(
        "category/<int:pk>/export.xml",
        admin_views.CategoryExportMoodleXmlView.as_view(),
        name="category_export_moodlexml",
    ),
    path("statistics/", admin_views.QuestionStatisticsView.as_view(), name="statistics"),
    path(
        "statistics/results/",
        admin_views.QuestionStatisticsView.as_view(results_only=True),
        name="statistics_results",
    ),
]

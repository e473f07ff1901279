from django.urls import path

from assistant import trainer_views

app_name = "assistant_admin"

urlpatterns = [
    path("lessons/<int:lesson_id>/question-drafts/", trainer_views.question_drafts, name="question_drafts"),
    path("lessons/<int:lesson_id>/readability/", trainer_views.lesson_readability, name="readability"),
    path("images/<int:image_id>/alt-text/", trainer_views.image_alt_text, name="alt_text"),
]

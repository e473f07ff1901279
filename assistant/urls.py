from django.urls import path

from assistant import views

app_name = "assistant"

urlpatterns = [
    path("policy/", views.policy_accept, name="policy_accept"),
    path("lessons/<int:lesson_id>/<slug:helper>/", views.lesson_help, name="lesson_help"),
]

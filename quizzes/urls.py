from django.urls import path

from quizzes import views

app_name = "quizzes"

urlpatterns = [
    path("<int:quiz_id>/start/", views.quiz_start, name="start"),
    path("attempts/<uuid:uuid>/<int:number>/", views.attempt_question, name="question"),
    path("attempts/<uuid:uuid>/submit/", views.attempt_submit, name="submit"),
    path("attempts/<uuid:uuid>/result/", views.attempt_result, name="result"),
]

"""Admin URLs of the training reports, mounted at /admin/training-reports/ by wagtail_hooks.py.

Every report also exports what it shows: add ``export=csv`` or ``export=xlsx`` to its query string.

Report URL names (for the benchmark and the scope tests), all in the ``reports`` namespace:

    reports:completion              ?node=<unit id>&course=&position=&status=&completed_after=…
    reports:completion_results      (the same, results only: Wagtail's filter refresh)
    reports:people                  ?node=<unit id or 0>&direct=1&course=&status=&q=…
    reports:people_results
    reports:overdue                 ?node=…
    reports:overdue_results
    reports:transcript              <learner id>
    reports:transcript_override     <learner id>, POST only
    reports:quizzes                 ?node=…&course=…
    reports:quizzes_results
    reports:quiz_questions          <quiz id>
    reports:quiz_questions_results  <quiz id>
    reports:hours                   ?node=…&year=2026&by=person|unit  (study hours: classroom.selectors)
    reports:hours_results
"""

from django.urls import path

from reports.views import completion, hours, people, quizzes, transcript

app_name = "reports"

REPORT_URL_NAMES = [
    "completion",
    "completion_results",
    "people",
    "people_results",
    "overdue",
    "overdue_results",
    "quizzes",
    "quizzes_results",
    "hours",
    "hours_results",
]
LEARNER_URL_NAMES = ["transcript"]  # + transcript_override (POST)
QUIZ_URL_NAMES = ["quiz_questions", "quiz_questions_results"]

urlpatterns = [
    path("hours/", hours.HoursReportView.as_view(), name="hours"),
    path("hours/results/", hours.HoursReportView.as_view(results_only=True), name="hours_results"),
    path("", completion.CompletionReportView.as_view(), name="completion"),
    path("results/", completion.CompletionReportView.as_view(results_only=True), name="completion_results"),
    path("people/", people.PeopleReportView.as_view(), name="people"),
    path("people/results/", people.PeopleReportView.as_view(results_only=True), name="people_results"),
    path("overdue/", people.OverdueReportView.as_view(), name="overdue"),
    path("overdue/results/", people.OverdueReportView.as_view(results_only=True), name="overdue_results"),
    path("learners/<int:pk>/", transcript.TranscriptView.as_view(), name="transcript"),
    path(
        "learners/<int:pk>/mark-complete/",
        transcript.TranscriptOverrideView.as_view(),
        name="transcript_override",
    ),
    path("quizzes/", quizzes.QuizResultsReportView.as_view(), name="quizzes"),
    path(
        "quizzes/results/", quizzes.QuizResultsReportView.as_view(results_only=True), name="quizzes_results"
    ),
    path("quizzes/<int:quiz_id>/", quizzes.QuizQuestionsReportView.as_view(), name="quiz_questions"),
    path(
        "quizzes/<int:quiz_id>/results/",
        quizzes.QuizQuestionsReportView.as_view(results_only=True),
        name="quiz_questions_results",
    ),
]

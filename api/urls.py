from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from api import views

app_name = "api"


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 schema of /api/v1/, public (it holds no data): integrators build clients from it."""

    authentication_classes = []
    permission_classes = []


urlpatterns = [
    path("schema/", SchemaView.as_view(), name="schema"),
    path("units/", views.UnitList.as_view(), name="units"),
    path("positions/", views.PositionList.as_view(), name="positions"),
    path("staff/", views.StaffList.as_view(), name="staff"),
    path("enrolments/", views.EnrolmentList.as_view(), name="enrolments"),
    path("lesson-progress/", views.LessonProgressList.as_view(), name="lesson_progress"),
    path("course-completions/", views.CourseCompletionList.as_view(), name="course_completions"),
    path("quiz-results/", views.QuizResultList.as_view(), name="quiz_results"),
    path("certificates/", views.CertificateList.as_view(), name="certificates"),
    path("assignments/", views.AssignmentList.as_view(), name="assignments"),
    path("assignments/<int:pk>/end/", views.AssignmentEnd.as_view(), name="assignment_end"),
]

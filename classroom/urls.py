from django.urls import path

from classroom import views

app_name = "classroom"

urlpatterns = [
    path("checkin/<str:code>/", views.checkin, name="checkin"),
    path("checked-in/<int:pk>/", views.checked_in, name="checked_in"),
]

from django.urls import path

from progress import views

app_name = "progress"

urlpatterns = [
    path("", views.my_learning, name="my_learning"),
    path("data/", views.my_data_page, name="my_data_page"),
    path("data.json", views.my_data, name="my_data"),
    path("courses/<int:course_id>/offline.json", views.course_offline, name="course_offline"),
    path("courses/<int:course_id>/join/", views.course_join, name="course_join"),
    path("items/<int:item_id>/complete/", views.item_complete, name="item_complete"),
    path("courses/<int:course_id>/complete/", views.course_complete, name="course_complete"),
    path("offline/completions/", views.offline_completions, name="offline_completions"),
    path("offline/token/", views.offline_token, name="offline_token"),
]

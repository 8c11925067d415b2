from django.urls import path

from courses import views

app_name = "learning"

urlpatterns = [
    path("", views.my_learning, name="mine"),
    path("enroll/<int:course_id>/", views.enroll_in_course, name="enroll"),
    path("exams/<int:exam_id>/", views.exam_detail, name="exam"),
    path("exams/<int:exam_id>/start/", views.exam_start, name="exam-start"),
    path("attempts/<int:attempt_id>/", views.attempt_page, name="attempt"),
    path("certificates/<str:serial>.<str:kind>", views.certificate_file, name="certificate-file"),
    path("essays/<int:enrollment_id>/", views.essay_submit, name="essay"),
]

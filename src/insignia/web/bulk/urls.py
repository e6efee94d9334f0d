from django.urls import path

from insignia.web.bulk import views

app_name = "bulk"

urlpatterns = [
    path("manage/badges/<uuid:achievement_id>/bulk/", views.upload, name="upload"),
    path("manage/bulk/<uuid:job_id>/", views.job, name="job"),
    path("manage/bulk/<uuid:job_id>/start/", views.start, name="start"),
    path("manage/bulk/<uuid:job_id>/pause/", views.pause, name="pause"),
    path("manage/bulk/<uuid:job_id>/resume/", views.resume, name="resume"),
    path("manage/bulk/<uuid:job_id>/cancel/", views.cancel, name="cancel"),
    path("manage/bulk/<uuid:job_id>/revoke/", views.revoke, name="revoke"),
    path("manage/bulk/<uuid:job_id>/report.csv", views.report, name="report"),
]

from django.urls import path

from insignia.web.verification import views

app_name = "verification"

urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("verify/resume/", views.resume, name="resume"),
    path("verify/resume/<uuid:batch_id>/", views.resume_result, name="resume_result"),
    path("verify/<uuid:submission_id>/", views.result, name="result"),
]

from django.urls import path

from insignia.web.public import views

app_name = "public"

urlpatterns = [
    path("issuers/<uuid:organisation_id>/", views.issuer, name="issuer"),
    path("badges/<uuid:achievement_id>/", views.achievement, name="achievement"),
    path(
        "badges/<uuid:achievement_id>/versions/<int:number>/",
        views.achievement_version,
        name="achievement_version",
    ),
    path("credentials/<uuid:credential_id>/", views.credential, name="credential"),
    path(
        "credentials/<uuid:credential_id>/credential.json",
        views.credential_json,
        name="credential_json",
    ),
]

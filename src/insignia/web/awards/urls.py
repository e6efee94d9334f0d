from django.urls import path

from insignia.web.awards import views

app_name = "awards"

urlpatterns = [
    path("manage/badges/<uuid:achievement_id>/award/", views.award, name="award"),
    path("manage/awards/<uuid:credential_id>/", views.detail, name="detail"),
    path("manage/awards/<uuid:credential_id>/revoke/", views.revoke, name="revoke"),
    path("manage/awards/<uuid:credential_id>/resend/", views.resend, name="resend"),
    path("manage/awards/<uuid:credential_id>/suspend/", views.suspend, name="suspend"),
    path("manage/awards/<uuid:credential_id>/reinstate/", views.reinstate, name="reinstate"),
    path("manage/awards/<uuid:credential_id>/correct/", views.correct, name="correct"),
    path("manage/awards/<uuid:credential_id>/renew/", views.renew, name="renew"),
    path(
        "manage/badges/<uuid:achievement_id>/revoke/",
        views.revoke_selection,
        name="revoke_selection",
    ),
    path("claim/<str:token>/", views.claim, name="claim"),
    path(
        "issuers/<uuid:organisation_id>/status/<uuid:list_id>",
        views.status_list,
        name="status_list",
    ),
]

from django.urls import path

from insignia.web.earning import views

app_name = "earning"

urlpatterns = [
    # learners
    path("badges/<uuid:achievement_id>/apply/", views.apply, name="apply"),
    path("applications/", views.application_list, name="application_list"),
    path("applications/<uuid:application_id>/", views.application_detail, name="application"),
    path(
        "applications/<uuid:application_id>/evidence/<uuid:item_id>/visibility/",
        views.evidence_visibility,
        name="evidence_visibility",
    ),
    path("evidence/<uuid:item_id>/", views.evidence, name="evidence"),
    # assessors
    path("orgs/<uuid:organisation_id>/reviews/", views.queue, name="queue"),
    path("reviews/<uuid:application_id>/", views.review, name="review"),
    path("reviews/<uuid:application_id>/start/", views.review_start, name="review_start"),
    path("reviews/<uuid:application_id>/release/", views.review_release, name="review_release"),
    path("reviews/<uuid:application_id>/conflict/", views.conflict, name="conflict"),
    # designers and owners
    path("manage/badges/<uuid:achievement_id>/assessment/", views.assessment, name="assessment"),
    path("manage/badges/<uuid:achievement_id>/applicants/", views.access, name="access"),
    path(
        "manage/badges/<uuid:achievement_id>/applicants/codes/",
        views.invite_code_create,
        name="invite_code_create",
    ),
    path(
        "manage/badges/<uuid:achievement_id>/applicants/codes/<uuid:code_id>/revoke/",
        views.invite_code_revoke,
        name="invite_code_revoke",
    ),
    path(
        "manage/badges/<uuid:achievement_id>/applicants/emails/",
        views.email_list,
        name="email_list",
    ),
    path("manage/badges/<uuid:achievement_id>/earn-rate/", views.earn_rate, name="earn_rate"),
]

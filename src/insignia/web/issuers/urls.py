from django.urls import path

from insignia.web.issuers import views

app_name = "issuers"

urlpatterns = [
    path("", views.organisation_list, name="organisation_list"),
    path("new/", views.organisation_create, name="organisation_create"),
    path("<uuid:organisation_id>/", views.dashboard, name="dashboard"),
    path("<uuid:organisation_id>/profile/", views.organisation_edit, name="organisation_edit"),
    path("<uuid:organisation_id>/team/", views.team, name="team"),
    path("<uuid:organisation_id>/team/<int:user_id>/", views.member_roles, name="member_roles"),
    path("<uuid:organisation_id>/keys/", views.keys, name="keys"),
    path("<uuid:organisation_id>/keys/compromise/", views.key_compromise, name="key_compromise"),
]

from django.urls import path

from insignia.web.talent import views

app_name = "talent"

urlpatterns = [
    path("wallet/talent/", views.profile_settings, name="settings"),
    path("wallet/talent/withdraw/", views.withdraw, name="withdraw"),
    path("orgs/<uuid:organisation_id>/talent/", views.search, name="search"),
    path("talent/skills/", views.skill_list, name="skills"),
    path("talent/skills/<path:key>/", views.skill_edit, name="skill_edit"),
    path(
        "orgs/<uuid:organisation_id>/talent/<uuid:profile_id>/",
        views.candidate,
        name="candidate",
    ),
]

from django.urls import path

from insignia.web.talent import views

app_name = "talent"

urlpatterns = [
    path("wallet/talent/", views.profile_settings, name="settings"),
    path("wallet/talent/withdraw/", views.withdraw, name="withdraw"),
    path("orgs/<uuid:organisation_id>/talent/", views.search, name="search"),
    path(
        "orgs/<uuid:organisation_id>/talent/<uuid:profile_id>/",
        views.candidate,
        name="candidate",
    ),
]

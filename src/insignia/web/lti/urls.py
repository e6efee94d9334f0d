"""LTI 1.3 tool endpoints (one set per registration) and the organisation's pages."""

from django.urls import URLPattern, URLResolver, path

from insignia.web.lti import views

app_name = "lti"

urlpatterns: list[URLPattern | URLResolver] = [
    path("lti/<uuid:platform_id>/login/", views.login, name="login"),
    path("lti/<uuid:platform_id>/launch/", views.launch, name="launch"),
    path("lti/<uuid:platform_id>/link/", views.link, name="link"),
    path("lti/<uuid:platform_id>/deep-link/", views.deep_link, name="deep_link"),
    path("lti/<uuid:platform_id>/jwks.json", views.jwks, name="jwks"),
    path("orgs/<uuid:organisation_id>/lti/", views.platform_list, name="platform_list"),
    path(
        "orgs/<uuid:organisation_id>/lti/<uuid:platform_id>/",
        views.platform_detail,
        name="platform",
    ),
    path(
        "orgs/<uuid:organisation_id>/lti/<uuid:platform_id>/delete/",
        views.platform_delete,
        name="platform_delete",
    ),
]

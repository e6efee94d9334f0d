"""The OB 3.0 API under /ims/ob/v3p0/ (paths as the spec names them) and its OAuth 2.0
endpoints under /ims/ob/v3p0/oauth/."""

from django.urls import URLPattern, URLResolver, path

from insignia.web.obapi import views

app_name = "obapi"

urlpatterns: list[URLPattern | URLResolver] = [
    path("ims/ob/v3p0/discovery", views.discovery_document, name="discovery"),
    path("ims/ob/v3p0/credentials", views.credentials, name="credentials"),
    path("ims/ob/v3p0/profile", views.profile, name="profile"),
    path("ims/ob/v3p0/privacy", views.privacy, name="privacy"),
    path("connected-apps/", views.connections, name="connections"),
    path("ims/ob/v3p0/oauth/register", views.register, name="register"),
    path("ims/ob/v3p0/oauth/authorize", views.authorize, name="authorize"),
    path("ims/ob/v3p0/oauth/token", views.token, name="token"),
    path("ims/ob/v3p0/oauth/revoke", views.revoke, name="revoke"),
    path("ims/ob/v3p0/<path:rest>", views.not_found),
]

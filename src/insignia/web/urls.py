"""The site's URL map.  Public URLs carry UUIDs only (never sequential ids)."""

from django.urls import include, path

from insignia.web.issuers import views as issuer_views
from insignia.web.public import views as public_views
from insignia.web.public.api import api

urlpatterns = [
    path("", public_views.home, name="home"),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path(".well-known/jwks.json", issuer_views.platform_jwks, name="platform_jwks"),
    path("issuers/<uuid:organisation_id>/did.json", issuer_views.did_document, name="issuer_did"),
    path(
        "issuers/<uuid:organisation_id>/jwks.json",
        issuer_views.organisation_jwks,
        name="issuer_jwks",
    ),
    path("images/", include("insignia.web.images.urls")),
    path("orgs/", include("insignia.web.issuers.urls")),
    path("", include("insignia.web.achievements.urls")),
    path("", include("insignia.web.awards.urls")),
    path("wallet/", include("insignia.web.wallet.urls")),
    path("", include("insignia.web.sharing.urls")),
    path("", include("insignia.web.analytics.urls")),
    path("", include("insignia.web.earning.urls")),
    path("", include("insignia.web.bulk.urls")),
    path("", include("insignia.web.verification.urls")),
    path("", include("insignia.web.talent.urls")),
    path("", include("insignia.web.api.urls")),
    path("", include("insignia.web.obapi.urls")),
    path("", include("insignia.web.webhooks.urls")),
    path("", include("insignia.web.lti.urls")),
    path("", include("insignia.web.pathways.urls")),
    path("", include("insignia.web.privacy.urls")),
    path("", include("insignia.web.public.urls")),
]

"""Pages of the api app, and the VC-API at the paths of the specification.

The VC-API views are the ones mounted on the site's NinjaAPI under ``/api/v1/vc/`` (so that
the OpenAPI document lists them); the same views answer at ``/credentials/issue``,
``/credentials/verify`` and ``/presentations/verify``.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from insignia.web.api import views
from insignia.web.public.api import api

app_name = "issuer_api"


def _vc_api_at_root() -> list[URLPattern]:
    patterns, _, _ = api.urls
    out = []
    for pattern in patterns:
        route = str(pattern.pattern)
        if isinstance(pattern, URLPattern) and route.startswith("vc/"):
            out.append(path(route.removeprefix("vc/"), pattern.callback, name=pattern.name))
    return out


urlpatterns: list[URLPattern | URLResolver] = [
    path("api/docs", views.docs, name="docs"),
    path("orgs/<uuid:organisation_id>/api-tokens/", views.tokens, name="tokens"),
    path(
        "orgs/<uuid:organisation_id>/api-tokens/<uuid:token_id>/revoke/",
        views.token_revoke,
        name="token_revoke",
    ),
    *_vc_api_at_root(),
]

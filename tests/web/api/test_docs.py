"""The OpenAPI document lists every endpoint; /api/docs serves Swagger UI from our own files."""

from __future__ import annotations

import re

from django.test import Client

from insignia.web.common.middleware import CONTENT_SECURITY_POLICY
from insignia.web.public.api import api as site_api

EXPECTED = {
    ("get", "/api/v1/achievements"),
    ("post", "/api/v1/achievements"),
    ("get", "/api/v1/achievements/{achievement_id}"),
    ("put", "/api/v1/achievements/{achievement_id}"),
    ("post", "/api/v1/achievements/{achievement_id}/publish"),
    ("get", "/api/v1/credentials"),
    ("post", "/api/v1/credentials"),
    ("get", "/api/v1/credentials/{credential_id}"),
    ("post", "/api/v1/credentials/revoke"),
    ("post", "/api/v1/credentials/{credential_id}/revoke"),
    ("post", "/api/v1/credentials/{credential_id}/suspend"),
    ("post", "/api/v1/credentials/{credential_id}/reinstate"),
    ("post", "/api/v1/bulk-jobs"),
    ("get", "/api/v1/bulk-jobs/{job_id}"),
    ("post", "/api/v1/bulk-jobs/{job_id}/start"),
    ("get", "/api/v1/bulk-jobs/{job_id}/report"),
    ("post", "/api/v1/bulk-jobs/{job_id}/revoke"),
    ("post", "/api/v1/vc/credentials/issue"),
    ("post", "/api/v1/vc/credentials/verify"),
    ("post", "/api/v1/vc/presentations/verify"),
    # the public endpoints are still there
    ("get", "/api/v1/credentials/{credential_id}/verification"),
    ("get", "/api/v1/issuers/{organisation_id}/achievements"),
    ("post", "/api/v1/verify"),
}


def test_openapi_lists_every_endpoint(db):
    schema = Client().get("/api/v1/openapi.json").json()
    listed = {
        (method, path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }
    assert listed == EXPECTED
    # every operation the API has is in the document (nothing mounted outside it)
    registered = sum(
        len(view.operations)
        for _, router in site_api._routers
        for view in router.path_operations.values()
    )
    assert registered == len(EXPECTED)
    bearer = schema["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in bearer.values())
    issue = schema["paths"]["/api/v1/vc/credentials/issue"]["post"]
    assert issue["security"] and "credential" in str(issue["requestBody"])


def test_docs_page_loads_local_assets_with_a_relaxed_csp_only_there(db):
    client = Client()
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/static/ninja/swagger-ui-bundle.js" in sources
    assert "/static/ninja/swagger-ui.css" in sources
    assert all(s.startswith("/") for s in sources), sources  # nothing from a CDN
    assert "/api/v1/openapi.json" in html
    assert not re.search(r"<script(?![^>]*(src=|type=\"application/json\"))", html)  # no inline JS
    csp = page["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "cdn" not in csp.lower()
    for asset in (
        "/static/ninja/swagger-ui-bundle.js",
        "/static/ninja/swagger-ui-init.js",
        "/static/ninja/swagger-ui.css",
    ):
        response = client.get(asset)
        assert response.status_code == 200, asset
        # consuming the stream closes the file (the test client closes it at the end)
        assert b"".join(response.streaming_content)  # type: ignore[attr-defined]
    elsewhere = client.get("/api/v1/openapi.json")
    assert elsewhere["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'none'" in client.get("/")["Content-Security-Policy"]


def test_openapi_document_explains_the_tokens(db):
    info = Client().get("/api/v1/openapi.json").json()["info"]
    assert info["title"] == "Insignia API" and "Bearer" in info["description"]


def test_every_token_endpoint_names_its_scope(db):
    schema = Client().get("/api/v1/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if operation.get("security"):
                assert "` scope." in operation["description"].split("\n")[0], (method, path)
    award = schema["paths"]["/api/v1/credentials"]["post"]["description"]
    assert award.startswith("Needs an API token with the `credentials:issue` scope.")

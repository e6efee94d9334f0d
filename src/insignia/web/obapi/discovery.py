"""The OB 3.0 Service Description Document (§6.3, an OpenAPI 3.0 document): where the API is,
how to register and obtain tokens, which scopes exist and what each endpoint answers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from insignia.web.obapi import scopes

API_VERSION = "3.0"
#: The normative name in GetOpenBadgeCredentialsResponse (OB 3.0 §B.2.1; the example in §6.2.2
#: spells it ``compactJwsStrings``, the published data model and JSON schema do not).
JWS_FIELD = "compactJwsString"
COMPACT_JWS = r"^[-A-Za-z0-9_]+\.[-A-Za-z0-9_]+\.[-A-Za-z0-9_]*$"
SECURITY: list[dict[str, list[str]]] = [{"OAuth2ACG": []}]


@dataclass(frozen=True, slots=True)
class Endpoints:
    """Absolute URLs the document names."""

    server: str
    authorization: str
    token: str
    registration: str
    privacy_policy: str
    terms_of_service: str
    image: str


def _errors(*statuses: int) -> dict[str, Any]:
    reasons = {
        400: "The request was invalid or cannot be served.",
        401: "The request requires an access token.",
        403: "The access token does not carry the required scope.",
        404: "Not found.",
        405: "The method is not allowed here.",
        500: "An internal error.",
    }
    return {
        str(status): {
            "description": reasons[status],
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Imsx_StatusInfo"}}
            },
        }
        for status in statuses
    }


def _json(ref: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}


def _with_scope(operation: dict[str, Any], scope: str) -> dict[str, Any]:
    operation["security"] = [{"OAuth2ACG": [scope]}]
    return operation


def _paths() -> dict[str, Any]:
    paging = [
        {
            "name": "limit",
            "in": "query",
            "description": "The maximum number of credentials to return per page.",
            "schema": {"type": "integer", "minimum": 1},
        },
        {
            "name": "offset",
            "in": "query",
            "description": "The index of the first credential to return (zero-based).",
            "schema": {"type": "integer", "minimum": 0},
        },
        {
            "name": "since",
            "in": "query",
            "description": "Only credentials issued after this time (ISO 8601).",
            "schema": {"type": "string", "format": "date-time"},
        },
    ]
    headers = {
        "X-Total-Count": {
            "description": "The number of credentials across all pages.",
            "schema": {"type": "integer"},
        },
        "Link": {
            "description": "RFC 8288 links to the next, last, first and previous pages.",
            "schema": {"type": "string"},
        },
    }
    credential_body = {
        "application/json": {"schema": {"$ref": "#/components/schemas/AchievementCredential"}},
        "text/plain": {"schema": {"$ref": "#/components/schemas/CompactJws"}},
    }
    return {
        "/credentials": {
            "get": _with_scope(
                {
                    "tags": ["OpenBadgeCredentials"],
                    "summary": "Get the credentials of the authenticated learner.",
                    "operationId": "getCredentials",
                    "parameters": paging,
                    "responses": {
                        "200": {
                            "description": "One page of the learner's credentials.",
                            "headers": headers,
                            "content": _json("GetOpenBadgeCredentialsResponse"),
                        },
                        **_errors(400, 401, 403, 405, 500),
                    },
                },
                scopes.CREDENTIAL_READ,
            ),
            "post": _with_scope(
                {
                    "tags": ["OpenBadgeCredentials"],
                    "summary": "Create or replace a credential in the learner's wallet.",
                    "operationId": "upsertCredential",
                    "requestBody": {"required": True, "content": credential_body},
                    "responses": {
                        "200": {"description": "It was already there.", "content": credential_body},
                        "201": {"description": "It was added.", "content": credential_body},
                        **_errors(400, 401, 403, 405, 500),
                    },
                },
                scopes.CREDENTIAL_UPSERT,
            ),
        },
        "/profile": {
            "get": _with_scope(
                {
                    "tags": ["OpenBadgeCredentials"],
                    "summary": "Get the profile of the authenticated learner.",
                    "operationId": "getProfile",
                    "responses": {
                        "200": {"description": "The profile.", "content": _json("Profile")},
                        **_errors(401, 403, 404, 405, 500),
                    },
                },
                scopes.PROFILE_READ,
            ),
            "put": _with_scope(
                {
                    "tags": ["OpenBadgeCredentials"],
                    "summary": "Update the profile of the authenticated learner.",
                    "operationId": "putProfile",
                    "requestBody": {"required": True, "content": _json("Profile")},
                    "responses": {
                        "200": {"description": "The updated profile.", "content": _json("Profile")},
                        **_errors(400, 401, 403, 405, 500),
                    },
                },
                scopes.PROFILE_UPDATE,
            ),
        },
        "/discovery": {
            "get": {
                "tags": ["Discovery"],
                "summary": "This Service Description Document.",
                "operationId": "getServiceDescription",
                "responses": {
                    "200": {
                        "description": "The document.",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    **_errors(404, 500),
                },
            }
        },
    }


def _schemas() -> dict[str, Any]:
    return {
        "CompactJws": {
            "type": "string",
            "pattern": r"^[-A-Za-z0-9_]+\.[-A-Za-z0-9_]+\.[-A-Za-z0-9_]*$",
        },
        "AchievementCredential": {
            "type": "object",
            "description": "An OB 3.0 AchievementCredential (OpenBadgeCredential).",
            "required": ["@context", "type", "id", "issuer", "credentialSubject"],
            "additionalProperties": True,
        },
        "GetOpenBadgeCredentialsResponse": {
            "type": "object",
            "properties": {
                "credential": {
                    "type": "array",
                    "items": {"$ref": "#/components/schemas/AchievementCredential"},
                },
                JWS_FIELD: {
                    "type": "array",
                    "items": {"$ref": "#/components/schemas/CompactJws"},
                },
            },
            "additionalProperties": False,
        },
        "Profile": {
            "type": "object",
            "required": ["id", "type"],
            "properties": {
                "id": {"type": "string", "format": "uri"},
                "type": {"type": "array", "items": {"type": "string"}},
                "name": {"type": "string"},
                "email": {"type": "string"},
                "description": {"type": "string"},
                "url": {"type": "string", "format": "uri"},
            },
            "additionalProperties": True,
        },
        "Imsx_StatusInfo": {
            "type": "object",
            "required": ["imsx_codeMajor", "imsx_severity"],
            "properties": {
                "imsx_codeMajor": {
                    "type": "string",
                    "enum": ["failure", "processing", "success", "unsupported"],
                },
                "imsx_severity": {"type": "string", "enum": ["error", "status", "warning"]},
                "imsx_description": {"type": "string"},
                "imsx_codeMinor": {
                    "type": "object",
                    "properties": {
                        "imsx_codeMinorField": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "imsx_codeMinorFieldName": {"type": "string"},
                                    "imsx_codeMinorFieldValue": {"type": "string"},
                                },
                            },
                        }
                    },
                },
            },
        },
    }


def service_description(endpoints: Endpoints, *, site_name: str = "Insignia") -> dict[str, Any]:
    """The discovery document for this site."""
    return {
        "openapi": "3.0.1",
        "info": {
            "title": f"{site_name} Open Badges API",
            "description": "The 1EdTech Open Badges 3.0 API: a learner's credentials and profile.",
            "termsOfService": endpoints.terms_of_service,
            "version": API_VERSION,
            "x-imssf-image": endpoints.image,
            "x-imssf-privacyPolicyUrl": endpoints.privacy_policy,
        },
        "servers": [{"url": endpoints.server, "description": f"{site_name} Open Badges API"}],
        "tags": [
            {"name": "OpenBadgeCredentials", "description": "A learner's credentials and profile."},
            {"name": "Discovery", "description": "Service description."},
        ],
        "paths": _paths(),
        "components": {
            "securitySchemes": {
                "OAuth2ACG": {
                    "type": "oauth2",
                    "description": "OAuth 2.0 authorization code grant with PKCE (S256).",
                    "x-imssf-name": site_name,
                    "x-imssf-registrationUrl": endpoints.registration,
                    "flows": {
                        "authorizationCode": {
                            "authorizationUrl": endpoints.authorization,
                            "tokenUrl": endpoints.token,
                            "refreshUrl": endpoints.token,
                            "scopes": dict(scopes.DESCRIPTIONS),
                        }
                    },
                }
            },
            "schemas": _schemas(),
        },
        "security": SECURITY,
    }

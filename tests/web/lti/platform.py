"""A small simulated LTI 1.3 platform (an LMS) on loopback, for the tool's tests.

It has its own RSA key and serves its JWK Set; its OIDC authentication endpoint checks the
tool's login redirect and answers with the auto-submitting form an LMS sends, carrying an
id_token it signs with RS256; its OAuth 2.0 token endpoint accepts only client assertions
signed by the tool's key (checked against the tool's JWK Set) and its AGS result endpoint
answers only bearers of a token with the result scope.
"""

from __future__ import annotations

import html
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
RESULT_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


@dataclass
class Person:
    sub: str
    roles: list[str]
    email: str = ""
    name: str = ""


@dataclass
class FakePlatform:
    """The platform's state; ``url`` is set once the server runs."""

    client_id: str = "insignia-tool-1"
    deployment_id: str = "dep-1"
    redirect_uri: str = ""  # the tool's launch URL, as registered in the LMS
    tool_jwks: dict[str, Any] = field(default_factory=dict)  # the tool's key set, as pasted
    people: dict[str, Person] = field(default_factory=dict)
    #: (resource link id, user sub) -> (resultScore, resultMaximum)
    results: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)
    #: Tamper switches for the tests.
    forge: bool = False
    deployment_override: str | None = None
    share_ags: bool = True
    #: resource link id -> its custom parameters (as stored from a deep-linking response)
    custom: dict[str, dict[str, str]] = field(default_factory=dict)
    deep_link_items: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""
    key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    forger_key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    kid: str = "platform-key-1"
    tokens: dict[str, str] = field(default_factory=dict)  # access token -> scope
    seen_jtis: set[str] = field(default_factory=set)
    log: list[str] = field(default_factory=list)

    @property
    def issuer(self) -> str:
        return self.url

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update(kid=self.kid, alg="RS256", use="sig")
        return {"keys": [jwk]}

    # --- the OIDC authentication response ---------------------------------------------------

    def id_token(self, person: Person, nonce: str, resource_link: str) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.client_id,
            "sub": person.sub,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "name": person.name,
            LTI + "message_type": "LtiResourceLinkRequest",
            LTI + "version": "1.3.0",
            LTI + "deployment_id": self.deployment_override or self.deployment_id,
            LTI + "target_link_uri": self.redirect_uri,
            LTI + "roles": person.roles,
            LTI + "resource_link": {"id": resource_link, "title": "Final quiz"},
            LTI + "context": {"id": "course-7", "title": "Data Analysis 101"},
            LTI + "launch_presentation": {"return_url": self.url + "/course/7"},
        }
        if resource_link == "deep-link":  # the instructor adds an activity from the tool
            claims[LTI + "message_type"] = "LtiDeepLinkingRequest"
            del claims[LTI + "resource_link"]
            claims[DL + "deep_linking_settings"] = {
                "deep_link_return_url": self.url + "/deep-link-return",
                "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["iframe", "window"],
                "data": "opaque-123",
            }
        if resource_link in self.custom:
            claims[LTI + "custom"] = self.custom[resource_link]
        if person.email:
            claims["email"] = person.email
        if self.share_ags:
            claims[AGS] = {
                "scope": [RESULT_SCOPE],
                "lineitem": f"{self.url}/lineitems/{resource_link}/lineitem",
                "lineitems": f"{self.url}/lineitems",
            }
        key = self.forger_key if self.forge else self.key
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid})

    def authenticate(self, query: dict[str, str]) -> tuple[int, str]:
        expected = {
            "scope": "openid",
            "response_type": "id_token",
            "response_mode": "form_post",
            "prompt": "none",
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
        }
        for name, value in expected.items():
            if query.get(name) != value:
                return 400, f"bad {name}"
        person = self.people.get(query.get("login_hint", ""))
        if person is None or not query.get("nonce") or not query.get("state"):
            return 400, "unknown user or missing nonce/state"
        token = self.id_token(person, query["nonce"], query.get("lti_message_hint") or "rl-1")
        page = (
            f'<form method="post" action="{html.escape(self.redirect_uri)}">'
            f'<input type="hidden" name="id_token" value="{html.escape(token)}">'
            f'<input type="hidden" name="state" value="{html.escape(query["state"])}">'
            "</form>"
        )
        return 200, page

    # --- OAuth 2.0 client credentials with a JWT assertion ----------------------------------

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if (
            form.get("grant_type") != "client_credentials"
            or form.get("client_assertion_type")
            != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        ):
            return 400, {"error": "unsupported_grant_type"}
        assertion = form.get("client_assertion", "")
        try:
            kid = jwt.get_unverified_header(assertion).get("kid")
            jwk = next(k for k in self.tool_jwks.get("keys", []) if k.get("kid") == kid)
            claims = jwt.decode(
                assertion,
                RSAAlgorithm.from_jwk(json.dumps(jwk)),  # type: ignore[arg-type]
                algorithms=["RS256"],
                audience=self.url + "/token",
                issuer=self.client_id,
                options={"require": ["exp", "iat", "jti", "sub"]},
            )
        except (StopIteration, jwt.InvalidTokenError) as exc:
            self.log.append(f"assertion refused: {exc!r}")
            return 401, {"error": "invalid_client"}
        if claims["sub"] != self.client_id or claims["jti"] in self.seen_jtis:
            return 401, {"error": "invalid_client"}
        self.seen_jtis.add(claims["jti"])
        access = secrets.token_urlsafe(24)
        self.tokens[access] = form.get("scope", "")
        return 200, {"access_token": access, "token_type": "Bearer", "expires_in": 3600}

    def deep_link_return(self, form: dict[str, str]) -> tuple[int, str]:
        """Accept a deep-linking response only when signed by the tool's key for us."""
        token = form.get("JWT", "")
        try:
            kid = jwt.get_unverified_header(token).get("kid")
            jwk = next(k for k in self.tool_jwks.get("keys", []) if k.get("kid") == kid)
            claims = jwt.decode(
                token,
                RSAAlgorithm.from_jwk(json.dumps(jwk)),  # type: ignore[arg-type]
                algorithms=["RS256"],
                audience=self.issuer,
                issuer=self.client_id,
            )
        except (StopIteration, jwt.InvalidTokenError) as exc:
            self.log.append(f"deep link refused: {exc!r}")
            return 400, "refused"
        if (
            claims.get(LTI + "message_type") != "LtiDeepLinkingResponse"
            or claims.get(LTI + "deployment_id") != self.deployment_id
            or claims.get(DL + "data") != "opaque-123"
        ):
            return 400, "wrong message"
        self.deep_link_items.extend(claims.get(DL + "content_items", []))
        return 200, "added"

    def result_list(self, path: str, query: dict[str, str], auth: str) -> tuple[int, Any]:
        match = re.fullmatch(r"/lineitems/([^/]+)/lineitem/results", path)
        scope = self.tokens.get(auth.removeprefix("Bearer "), None)
        if scope is None or RESULT_SCOPE not in scope.split():
            return 401, {"error": "invalid_token"}
        if match is None:
            return 404, {}
        link = match.group(1)
        rows = [
            {
                "id": f"{self.url}/lineitems/{link}/lineitem/results/{sub}",
                "scoreOf": f"{self.url}/lineitems/{link}/lineitem",
                "userId": sub,
                "resultScore": score,
                "resultMaximum": maximum,
            }
            for (rl, sub), (score, maximum) in self.results.items()
            if rl == link and sub == query.get("user_id", sub)
        ]
        return 200, rows


def _handler(platform: FakePlatform) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            platform.log.append(format % args)

        def _send(self, status: int, body: Any, content_type: str = "application/json") -> None:
            data = (body if isinstance(body, str) else json.dumps(body)).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            if parts.path == "/jwks":
                self._send(200, platform.jwks())
            elif parts.path == "/auth":
                status, page = platform.authenticate(query)
                self._send(status, page, "text/html")
            elif parts.path.startswith("/lineitems/"):
                status, body = platform.result_list(
                    parts.path, query, self.headers.get("Authorization", "")
                )
                self._send(status, body, "application/vnd.ims.lis.v2.resultcontainer+json")
            else:
                self._send(404, {})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if urlsplit(self.path).path == "/token":
                status, body = platform.token(form)
                self._send(status, body)
            elif urlsplit(self.path).path == "/deep-link-return":
                status, page = platform.deep_link_return(form)
                self._send(status, page, "text/html")
            else:
                self._send(404, {})

    return Handler


class PlatformServer:
    """Runs a :class:`FakePlatform` on 127.0.0.1 in a thread."""

    def __init__(self, platform: FakePlatform) -> None:
        self.platform = platform
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(platform))
        platform.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakePlatform:
        self.thread.start()
        return self.platform

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

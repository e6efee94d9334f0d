"""Fixtures for the OB 3.0 API tests: a registered client, learners, tokens, credentials."""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application, set_token_value

from insignia.core.fetch import MappingFetcher
from insignia.web.accounts.models import User
from insignia.web.awards import services as award_services
from insignia.web.awards.models import Credential
from insignia.web.obapi import registration, scopes, services
from insignia.web.wallet import engine as wallet_engine

ALL_SCOPES = " ".join(scopes.ALL)
REDIRECT = "https://wallet.example/callback"


def metadata(**overrides: Any) -> dict[str, Any]:
    """A complete OB 3.0 registration request."""
    data: dict[str, Any] = {
        "client_name": "Example Wallet",
        "client_uri": "https://wallet.example/",
        "logo_uri": "https://wallet.example/logo.png",
        "tos_uri": "https://wallet.example/terms",
        "policy_uri": "https://wallet.example/privacy",
        "software_id": "c88b6ed8-269e-448e-99be-7e2ff47167d1",
        "software_version": "1.2.3",
        "redirect_uris": [REDIRECT],
        "token_endpoint_auth_method": "client_secret_basic",
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "scope": ALL_SCOPES,
    }
    data.update(overrides)
    return data


def pkce_pair() -> tuple[str, str]:
    """A PKCE code verifier and its S256 challenge."""
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    return verifier, challenge


@pytest.fixture(autouse=True)
def offline_imports(monkeypatch: pytest.MonkeyPatch) -> None:
    """Imports read this site's documents from the database and nothing from the network."""
    monkeypatch.setattr(
        wallet_engine,
        "import_fetcher",
        lambda: wallet_engine.ImportFetcher(outside=MappingFetcher({})),
    )


@pytest.fixture
def learner(make_user: Callable[..., User]) -> User:
    return make_user("jamie.rivera@example.com", "Jamie Rivera")


@pytest.fixture
def other_learner(make_user: Callable[..., User]) -> User:
    return make_user("sam.other@example.com", "Sam Other")


@pytest.fixture
def client_app(db: None) -> Application:
    client, _ = services.client_register(metadata=registration.parse_metadata(metadata()))
    return client.application


@pytest.fixture
def make_token(client_app: Application) -> Callable[..., str]:
    """An access token for ``user`` with ``scope`` (all four by default), as the toolkit
    stores it (hashed)."""

    def make(user: User, scope: str = ALL_SCOPES, *, expired: bool = False) -> str:
        raw = secrets.token_urlsafe(30)
        token = AccessToken(
            user=user,
            application=client_app,
            scope=scope,
            expires=timezone.now() + timedelta(hours=-1 if expired else 1),
        )
        set_token_value(token, raw)
        token.save()
        return raw

    return make


@pytest.fixture
def award(published: Any, staff: dict[str, User]) -> Callable[..., Credential]:
    """Issue the published badge to ``email``; with ``holder``, accepted into their wallet."""

    def make(email: str, holder: User | None = None) -> Credential:
        credential = award_services.credential_issue(
            actor=staff["issuer"], achievement_id=published.pk, recipient_email=email
        )
        if holder is not None:
            award_services.credential_accept(user=holder, credential_id=credential.pk)
        return credential

    return make


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}

"""Fixtures for the issuer API tests: tokens, a second organisation, an offline verifier."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from insignia.core.fetch import MappingFetcher
from insignia.web.accounts.models import User
from insignia.web.api import services
from insignia.web.api.models import ApiToken
from insignia.web.api.scopes import Scope
from insignia.web.issuers.models import Organisation
from insignia.web.issuers.services import organisation_create
from insignia.web.verification import engine as verification_engine

ALL_SCOPES = [s.value for s in Scope]


@pytest.fixture
def make_token(org: Organisation, owner: User) -> Callable[..., tuple[ApiToken, str]]:
    def make(
        scopes: list[str] | None = None,
        *,
        actor: User | None = None,
        organisation: Organisation | None = None,
        **kwargs: Any,
    ) -> tuple[ApiToken, str]:
        return services.api_token_create(
            actor=actor or owner,
            organisation_id=(organisation or org).pk,
            name=kwargs.pop("name", "Integration"),
            scopes=ALL_SCOPES if scopes is None else scopes,
            **kwargs,
        )

    return make


@pytest.fixture
def secret(make_token: Callable[..., tuple[ApiToken, str]]) -> str:
    """A token with every scope, created by the owner."""
    return make_token()[1]


class Api:
    """A test client that sends a bearer token."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params, headers=self.headers)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        if "data" in kwargs:  # multipart
            return self.client.post(path, kwargs["data"], headers=self.headers)
        return self.client.post(
            path,
            body if body is not None else {},
            content_type="application/json",
            headers=self.headers,
        )

    def put(self, path: str, body: Any) -> Any:
        return self.client.put(path, body, content_type="application/json", headers=self.headers)


@pytest.fixture
def api(secret: str) -> Api:
    return Api(secret)


@pytest.fixture
def api_as() -> Callable[[str | None], Api]:
    return Api


@pytest.fixture
def other_org(make_user: Callable[..., User]) -> Organisation:
    """Another issuer, whose owner is also the first organisation's issuer-to-be."""
    return organisation_create(
        actor=make_user("owner@southgate.example", "Sol Owner"),
        name="Southgate College",
        url="https://southgate.example",
        email="badges@southgate.example",
    )


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """The verifier reads this site's documents from the database, others from memory only."""
    documents: dict[str, object] = {}

    def fetcher() -> Any:
        return verification_engine.VerifierFetcher(MappingFetcher(documents))

    monkeypatch.setattr(verification_engine, "verifier_fetcher", fetcher)
    return documents

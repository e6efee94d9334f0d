"""The site's verification endpoints over hostile requests, through Django's test client (which
re-raises any exception a view lets through): the public JSON API with random ids and bodies,
the verify page with random and mutated badges (offline: outside documents never fetched), and
the VC-API verify endpoints when present.  Only clean answers (< 500) are allowed."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from hypothesis import given
from hypothesis import strategies as st

from insignia.core.fetch.memory import MappingFetcher
from insignia.web.awards import services as award_services
from insignia.web.verification import engine
from tests.fuzz.conftest import FUZZ, bounded
from tests.fuzz.seeds import signed_documents, signed_jwt
from tests.fuzz.strategies import JSON, mutated_bytes, mutated_json, mutated_jwt

pytestmark = pytest.mark.django_db

CONTENT_TYPES = st.sampled_from(
    [
        "application/json",
        "application/ld+json",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=xyz",
        "application/octet-stream",
        "",
    ]
)


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """This site's documents from the database; anything else is 'not found', never fetched."""
    monkeypatch.setattr(
        engine, "verifier_fetcher", lambda: engine.VerifierFetcher(MappingFetcher({}))
    )


@pytest.fixture
def site_credential(staff: Any, published: Any) -> dict[str, Any]:
    """A credential this site issued (its DID document and status list are local)."""
    credential = award_services.credential_issue(
        actor=staff["issuer"], achievement_id=published.pk, recipient_email="sam@example.com"
    )
    return dict(json.loads(credential.document))


def answer(call: Callable[[], Any]) -> int:
    with bounded():
        response = call()
    assert response.status_code < 500, response.content[:500]
    return int(response.status_code)


@FUZZ
@given(st.text(max_size=60) | st.uuids().map(str))
def test_public_api_ids(client: Client, value: str) -> None:
    status = answer(lambda: client.get(f"/api/v1/credentials/{quote(value)}/verification"))
    assert status in {200, 404, 422}
    answer(lambda: client.get(f"/api/v1/issuers/{quote(value)}/achievements"))


@FUZZ
@given(st.binary(max_size=1024), CONTENT_TYPES, st.sampled_from(["post", "put", "delete"]))
def test_public_api_bodies(client: Client, body: bytes, content_type: str, method: str) -> None:
    for url in (
        "/api/v1/credentials/00000000-0000-0000-0000-000000000000/verification",
        "/api/v1/issuers/00000000-0000-0000-0000-000000000000/achievements",
    ):
        answer(lambda url=url: getattr(client, method)(url, body, content_type=content_type))


def badges(site: dict[str, Any]) -> st.SearchStrategy[str]:
    """Text someone might paste into the verify page: anything, or a damaged badge."""
    return st.one_of(
        st.text(max_size=300),
        JSON.map(json.dumps),
        mutated_json(site).map(json.dumps),
        mutated_json(json.loads(signed_documents()[1])).map(json.dumps),
        mutated_jwt(signed_jwt()),
        mutated_bytes(json.dumps(site).encode()).map(lambda b: b.decode("utf-8", "replace")),
    )


def test_the_verify_page(client: Client, site_credential: dict[str, Any]) -> None:
    """Pasting any text, then opening its result page, always gets a clean page."""

    @FUZZ
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        text = data.draw(badges(site_credential)).replace("\x00", "")
        email = data.draw(st.sampled_from(["", "sam@example.com", "not an email"]))
        response = client.post(reverse("verification:verify"), {"text": text, "email": email})
        assert response.status_code < 500
        if response.status_code == 302:
            answer(lambda: client.get(response["Location"]))

    run()


@FUZZ
@given(st.binary(max_size=2048))
def test_the_verify_page_with_random_files(client: Client, data: bytes) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("badge.png", data, content_type="image/png")
    response = client.post(reverse("verification:verify"), {"file": upload})
    assert response.status_code < 500
    if response.status_code == 302:
        answer(lambda: client.get(response["Location"]))


def _vc_api(path: str) -> str:
    try:
        resolve(path)
    except Resolver404:
        pytest.skip(f"{path} is not routed in this build")
    return path


@pytest.mark.parametrize("path", ["/credentials/verify", "/presentations/verify"])
def test_vc_api_verify(client: Client, site_credential: dict[str, Any], path: str) -> None:
    """Random and mutated bodies to the VC-API: a 2xx or 4xx answer, never a crash."""
    url = _vc_api(path)

    @FUZZ
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        body = data.draw(
            st.one_of(
                JSON.map(json.dumps),
                mutated_json({"verifiableCredential": site_credential, "options": {}}).map(
                    json.dumps
                ),
                mutated_json({"verifiablePresentation": {"verifiableCredential": []}}).map(
                    json.dumps
                ),
                st.binary(max_size=256).map(lambda b: b.decode("latin-1")),
            )
        )
        content_type = data.draw(CONTENT_TYPES)
        answer(lambda: client.post(url, body, content_type=content_type))

    run()


def test_reverse_names_exist() -> None:
    """Guard: the fuzz targets above still exist under these names."""
    try:
        reverse("verification:verify")
    except NoReverseMatch:  # pragma: no cover - would mean the page moved
        pytest.fail("verification:verify is gone")

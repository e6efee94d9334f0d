"""VC-JWT credentials: accepted as text/plain by POST /credentials and listed, still signed,
in the response's JWS array."""

from __future__ import annotations

import json

from django.test import Client

from insignia.core.vcjwt import sign_vc_jwt
from insignia.web.awards.models import Credential
from insignia.web.issuers.models import SigningKey
from insignia.web.issuers.services import signing_key_open
from insignia.web.obapi import discovery
from tests.web.obapi.conftest import bearer

CREDENTIALS = "/ims/ob/v3p0/credentials"


def vc_jwt(credential: Credential) -> str:
    """The same credential, signed by its issuer as a VC-JWT instead of a proof."""
    document = json.loads(credential.document)
    document.pop("proof")
    key = SigningKey.objects.filter(organisation=credential.organisation).first()
    assert key is not None
    return sign_vc_jwt(document, signing_key_open(key=key), kid=key.verification_method)


def test_a_vc_jwt_is_added_and_listed_as_a_compact_jws(learner, award, make_token) -> None:
    token = vc_jwt(award("jamie@oldschool.example"))
    headers = bearer(make_token(learner))
    added = Client().post(CREDENTIALS, data=token, content_type="text/plain", **headers)
    assert added.status_code == 201, added.content
    assert added["Content-Type"].startswith("text/plain")
    assert added.content.decode() == token
    again = Client().post(CREDENTIALS, data=token, content_type="text/plain", **headers)
    assert again.status_code == 200
    body = Client().get(CREDENTIALS, **headers).json()
    assert body[discovery.JWS_FIELD] == [token]
    assert body["credential"] == []


def test_a_vc_jwt_with_a_broken_signature_is_refused(learner, award, make_token) -> None:
    token = vc_jwt(award("jamie@oldschool.example"))
    broken = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    response = Client().post(
        CREDENTIALS, data=broken, content_type="text/plain", **bearer(make_token(learner))
    )
    assert response.status_code == 400
    assert (
        response.json()["imsx_codeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"]
        == "invalid_data"
    )

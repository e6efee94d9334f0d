"""Signing a credential as an OB 3.0 VC-JWT (OB 3.0 §8.2.4)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from insignia.core import jose
from insignia.core.errors import InputError
from insignia.core.keys import Signer
from insignia.core.vcjwt.claims import vc_jwt_claims


def sign_vc_jwt(
    credential: Mapping[str, Any],
    signer: Signer,
    *,
    kid: str | None = None,
    embed_jwk: bool = False,
) -> str:
    """Sign ``credential`` as an OB 3.0 VC-JWT (header ``alg``, ``typ: JWT``, ``kid``/``jwk``).

    ``sub`` is left out when the subject has no id (learners identified by email only): OB
    calls it required, but there is nothing true to put there.

    :raises InputError: ``jwt.no_key_reference`` when neither ``kid`` nor ``embed_jwk`` is
        given, ``jwt.no_issuer``, ``jose.bad_date``.
    """
    if not kid and not embed_jwk:
        raise InputError(
            "A VC-JWT names its key: pass kid= or embed_jwk=True.", code="jwt.no_key_reference"
        )
    payload = {**credential, **vc_jwt_claims(credential)}
    if kid and not embed_jwk:
        segment = _kid_header(signer.algorithm, kid)
    else:
        header: dict[str, Any] = {"alg": signer.algorithm, "typ": "JWT"}
        if kid:
            header["kid"] = kid
        header["jwk"] = signer.public_key.to_jwk()
        segment = jose.encode_header(header)
    return jose.sign_compact(segment, jose.json_bytes(payload), signer)


@lru_cache(maxsize=256)
def _kid_header(alg: str, kid: str) -> bytes:
    """The encoded ``{"alg", "typ": "JWT", "kid"}`` header: an issuer signs a cohort under one
    key, so the same few headers are encoded over and over."""
    return jose.encode_header({"alg": alg, "typ": "JWT", "kid": kid})

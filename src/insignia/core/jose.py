"""Compact JWS (RFC 7515) signing and verification, narrowed to what credentials need.

JWS has a long record of verifiers trusting the token to say how it should be checked
(``alg: none``, HMAC with a public key as the secret, ``crit`` extensions silently ignored).
Here the caller's key decides: the header's ``alg`` must be on an explicit allow-list, must be
asymmetric, and must be the algorithm of the key we verify with.  Every segment is strict
base64url and the whole token, and its header, are size-bounded before anything is decoded.
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeGuard

from insignia.core import multibase
from insignia.core.errors import InputError, KeyFormatError, ProofError
from insignia.core.jsonio import MAX_DOCUMENT_BYTES, parse_json_object
from insignia.core.keys import PublicKey, Signer, b64url_strict

#: Algorithms this module can verify at all.
SUPPORTED_ALGORITHMS = frozenset({"EdDSA", "ES256", "ES384", "ES512", "RS256"})
#: What credential verification accepts unless told otherwise: OB 3.0's RS256 and ES256
#: (the 1EdTech validator's set) plus EdDSA, which Insignia's own Ed25519 keys use.
DEFAULT_ALGORITHMS = frozenset({"EdDSA", "ES256", "RS256"})
#: A token holds a base64url payload of at most one bounded JSON document, plus change.
MAX_TOKEN_LENGTH = MAX_DOCUMENT_BYTES * 4 // 3 + 16 * 1024
MAX_HEADER_BYTES = 8 * 1024


@dataclass(frozen=True, slots=True)
class Jws:
    """A decoded compact JWS.  ``header`` is parsed; ``payload`` is left as bytes."""

    header: dict[str, Any]
    payload: bytes
    signing_input: bytes
    signature: bytes

    @property
    def algorithm(self) -> str:
        """The header's ``alg`` (only meaningful after :func:`check_header`)."""
        return str(self.header.get("alg"))


def _malformed(message: str, code: str = "jose.malformed", **detail: Any) -> InputError:
    return InputError(message, code=code, **detail)


def _segment(text: str, what: str) -> bytes:
    try:
        return b64url_strict(text, what=what)
    except KeyFormatError as exc:
        raise _malformed(f"The JWS {what} is not strict base64url.") from exc


def decode_jws(token: str, *, max_length: int = MAX_TOKEN_LENGTH) -> Jws:
    """Split and decode a compact JWS without verifying it.

    :raises InputError: ``jose.too_large``, ``jose.malformed`` (not three strict base64url
        segments, empty signature) or ``jose.bad_header`` (header not a small JSON object).
    """
    if not isinstance(token, str):
        raise _malformed("A JWS is text.")
    if len(token) > max_length:
        raise _malformed(
            f"The token has {len(token):,} characters; the limit is {max_length:,}.",
            code="jose.too_large",
            max_length=max_length,
        )
    parts = token.split(".")
    if len(parts) != 3:
        raise _malformed(f"A compact JWS has 3 dot-separated parts, not {len(parts)}.")
    header_b64, payload_b64, signature_b64 = parts
    if len(header_b64) > MAX_HEADER_BYTES * 4 // 3 + 4:
        raise _malformed("The JWS header is too large.", code="jose.bad_header")
    header_bytes = _segment(header_b64, "header")
    try:
        header = parse_json_object(header_bytes, max_bytes=MAX_HEADER_BYTES, max_depth=8)
    except InputError as exc:
        raise _malformed(
            f"The JWS header is not a JSON object: {exc.message}", code="jose.bad_header"
        ) from exc
    payload = _segment(payload_b64, "payload")
    signature = _segment(signature_b64, "signature")
    signing_input = f"{header_b64}.{payload_b64}".encode("ascii")
    return Jws(header, payload, signing_input, signature)


def check_header(header: Mapping[str, Any], *, algorithms: Collection[str]) -> str:
    """Return ``alg`` when the header may be verified at all; refuse everything dangerous.

    :raises ProofError: ``jose.alg_none``, ``jose.alg_symmetric``, ``jose.alg_unsupported``,
        ``jose.alg_not_allowed``, ``jose.crit_unsupported``.
    :raises InputError: ``jose.bad_header`` when ``alg`` is missing or ``b64`` is not true.
    """
    alg = header.get("alg")
    if not isinstance(alg, str) or not alg:
        raise _malformed("The JWS header has no 'alg'.", code="jose.bad_header")
    if alg.lower() == "none":
        raise ProofError("Unsigned tokens (alg 'none') are refused.", code="jose.alg_none")
    if alg.upper().startswith("HS"):
        raise ProofError(
            f"{alg} is a shared-secret algorithm; credentials need public-key signatures.",
            code="jose.alg_symmetric",
        )
    if alg not in SUPPORTED_ALGORITHMS:
        raise ProofError(f"The algorithm {alg!r} is not supported.", code="jose.alg_unsupported")
    if alg not in algorithms:
        raise ProofError(f"The algorithm {alg} is not allowed here.", code="jose.alg_not_allowed")
    if "crit" in header:
        raise ProofError(
            "The token marks header extensions as critical; none are understood here.",
            code="jose.crit_unsupported",
        )
    if "b64" in header and header["b64"] is not True:
        raise _malformed("Unencoded payloads (b64) are not supported.", code="jose.bad_header")
    return alg


def verify_jws(
    token: str,
    key: PublicKey,
    *,
    algorithms: Collection[str] = DEFAULT_ALGORITHMS,
    max_length: int = MAX_TOKEN_LENGTH,
) -> Jws:
    """Decode ``token`` and check its signature with ``key``.

    :raises InputError: the token is malformed (see :func:`decode_jws`).
    :raises ProofError: a refused algorithm (see :func:`check_header`), ``jose.alg_mismatch``
        when the header's algorithm is not the key's, ``jose.bad_signature``.
    """
    return verify_decoded(decode_jws(token, max_length=max_length), key, algorithms=algorithms)


def verify_decoded(
    jws: Jws, key: PublicKey, *, algorithms: Collection[str] = DEFAULT_ALGORITHMS
) -> Jws:
    """Check an already decoded JWS (when the header was needed to find the key)."""
    alg = check_header(jws.header, algorithms=algorithms)
    if alg != key.algorithm:
        raise ProofError(
            f"The token says {alg} but the key is for {key.algorithm}.",
            code="jose.alg_mismatch",
            header_alg=alg,
            key_alg=key.algorithm,
        )
    try:
        key.verify(jws.signature, jws.signing_input)
    except ProofError as exc:
        raise ProofError(
            "The token's signature does not match its contents.", code="jose.bad_signature"
        ) from exc
    return jws


def sign_jws(payload: bytes, signer: Signer, *, header: Mapping[str, Any] | None = None) -> str:
    """Sign ``payload`` as a compact JWS; ``alg`` comes from the signer.

    :raises InputError: ``jose.alg_mismatch`` when ``header`` names another algorithm.
    """
    fields = dict(header or {})
    if fields.setdefault("alg", signer.algorithm) != signer.algorithm:
        raise InputError(
            f"The header says {fields['alg']} but the key signs {signer.algorithm}.",
            code="jose.alg_mismatch",
        )
    return sign_compact(encode_header(fields), payload, signer)


def encode_header(fields: Mapping[str, Any]) -> bytes:
    """The base64url header segment: compact JSON, members in the order given."""
    return multibase.b64url_bytes(json_bytes(fields))


def sign_compact(header_segment: bytes, payload: bytes, signer: Signer) -> str:
    """Sign an already encoded header segment and ``payload`` (the caller checked ``alg``).

    Callers signing many tokens under one header encode it once (:func:`encode_header`).
    """
    signing_input = header_segment + b"." + multibase.b64url_bytes(payload)
    signature = multibase.b64url_bytes(signer.sign(signing_input))
    return (signing_input + b"." + signature).decode("ascii")


#: ``json.dumps(value, separators=(",", ":"), ensure_ascii=False)``, built once.
_COMPACT_JSON = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def json_bytes(value: Any) -> bytes:
    """Compact JSON as UTF-8, members in their given order (what JWS headers and payloads hold)."""
    return _COMPACT_JSON.encode(value).encode("utf-8")


# ------------------------------------------------------------ JWT NumericDate (RFC 7519)


def numeric_date(text: str) -> int:
    """An XML Schema dateTime with timezone as a JWT NumericDate (whole seconds, floored).

    :raises InputError: ``jose.bad_date`` for anything else.
    """
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        moment = None
    if moment is None or moment.tzinfo is None:
        raise InputError(f"{text!r} is not a date-time with a timezone.", code="jose.bad_date")
    return math.floor(moment.timestamp())


def iso_time(seconds: float) -> str:
    """A NumericDate as an XML Schema dateTime in UTC (for messages and VC 1.1 dates)."""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


#: NumericDates outside years 1–9999 cannot be dates (and would overflow ``datetime``).
_MIN_TIME, _MAX_TIME = -62_135_596_800, 253_402_300_799


def is_numeric_date(value: object) -> TypeGuard[float]:
    """True for a JSON number within years 1–9999 (booleans, strings, NaN are not dates)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    return math.isfinite(value) and _MIN_TIME <= value <= _MAX_TIME

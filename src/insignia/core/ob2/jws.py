"""The compact JWS that carries an OB 2.0 signed badge: parse it and check one signature.

OB 2.0 signs the assertion JSON itself (RS256 recommended).  Only the algorithms our key
types implement are accepted, ``none`` never is, the header's ``alg`` must match the key's,
and a ``crit`` header (extensions we would not understand) is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from insignia.core.errors import InputError, KeyFormatError, ProofError
from insignia.core.jsonio import parse_json_object
from insignia.core.keys import PublicKey, b64url_strict

ALGORITHMS = frozenset({"RS256", "ES256", "EdDSA"})
COMPACT_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
_MAX_HEADER = 8 * 1024


@dataclass(frozen=True, slots=True)
class CompactJws:
    """A parsed compact JWS; ``payload`` is the decoded JSON object it signs."""

    header: dict[str, Any]
    payload: dict[str, Any]
    signing_input: bytes
    signature: bytes

    @property
    def algorithm(self) -> str:
        """The header's ``alg`` (checked to be one we accept)."""
        return str(self.header["alg"])


def _bad(message: str) -> InputError:
    return InputError(message, code="input.bad_jws")


def parse_compact_jws(token: str) -> CompactJws:
    """Split and decode ``header.payload.signature``; the payload must be a JSON object.

    :raises InputError: ``input.bad_jws`` (shape, encoding, header) or a JSON error code.
    """
    token = token.strip()
    if not COMPACT_JWS.fullmatch(token):
        raise _bad("The text is not a compact JWS (header.payload.signature).")
    header_b64, payload_b64, signature_b64 = token.split(".")
    if len(header_b64) > _MAX_HEADER:
        raise _bad("The JWS header is too large.")
    try:
        header = parse_json_object(b64url_strict(header_b64, what="JWS header"))
        payload = parse_json_object(b64url_strict(payload_b64, what="JWS payload"))
        signature = b64url_strict(signature_b64, what="JWS signature")
    except KeyFormatError as exc:
        raise _bad(exc.message) from exc
    alg = header.get("alg")
    if not isinstance(alg, str) or alg not in ALGORITHMS:
        raise _bad(f"The JWS algorithm {alg!r} is not accepted (use one of {sorted(ALGORITHMS)}).")
    if "crit" in header:
        raise _bad("The JWS has critical header extensions we do not understand.")
    signing_input = f"{header_b64}.{payload_b64}".encode("ascii")
    return CompactJws(header, payload, signing_input, signature)


def verify_jws(jws: CompactJws, key: PublicKey) -> None:
    """Check the signature with ``key``.

    :raises ProofError: ``proof.alg_mismatch`` or ``proof.bad_signature``.
    """
    if key.algorithm != jws.algorithm:
        raise ProofError(
            f"The JWS uses {jws.algorithm} but the key is for {key.algorithm}.",
            code="proof.alg_mismatch",
        )
    key.verify(jws.signature, jws.signing_input)

"""Issuer side: the unsigned documents that publish and reference a Bitstring Status List.

The platform signs :func:`status_list_credential` output with the issuer's key and serves it
at ``list_url``; each issued credential carries one :func:`status_entry` per purpose.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from insignia.core.errors import StatusError
from insignia.core.status._time import format_instant, require_aware
from insignia.core.status.bitstring import MAX_STATUS_SIZE

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
#: Purposes defined by Bitstring Status List v1.0.
PURPOSES = frozenset({"revocation", "suspension", "refresh", "message"})


def _check_url(url: object, name: str) -> str:
    if not isinstance(url, str) or not url or any(c.isspace() for c in url) or ":" not in url:
        raise StatusError(f"{name} must be an absolute URL.", code="status.bad_url", name=name)
    return url


def _check_purpose(purpose: object) -> str:
    if not isinstance(purpose, str) or purpose not in PURPOSES:
        raise StatusError(
            f"statusPurpose must be one of {sorted(PURPOSES)}, not {purpose!r}.",
            code="status.bad_purpose",
        )
    return purpose


def status_list_credential(
    list_url: str,
    issuer: str | Mapping[str, Any],
    purpose: str,
    encoded: str,
    valid_from: datetime,
    *,
    valid_until: datetime | None = None,
    ttl_ms: int | None = None,
    name: str | None = None,
) -> dict[str, Any]:
    """Return the unsigned ``BitstringStatusListCredential`` for one list.

    The VC 2.0 base context already defines every status-list term, so no extra context is
    needed; the signer adds its own (e.g. Data Integrity) if it must.

    :param encoded: :meth:`BitstringStatusList.encode` output.
    :param ttl_ms: how long (milliseconds) verifiers may cache the list.
    """
    _check_url(list_url, "list_url")
    _check_purpose(purpose)
    require_aware(valid_from, "valid_from")
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise StatusError("encoded must be a 'u…' multibase string.", code="status.bad_encoding")
    subject: dict[str, Any] = {
        "id": f"{list_url}#list",
        "type": "BitstringStatusList",
        "statusPurpose": purpose,
        "encodedList": encoded,
    }
    if ttl_ms is not None:
        if isinstance(ttl_ms, bool) or not isinstance(ttl_ms, int) or ttl_ms < 0:
            raise StatusError("ttl_ms must be a non-negative integer.", code="status.bad_ttl")
        subject["ttl"] = ttl_ms
    credential: dict[str, Any] = {
        "@context": [VC_V2_CONTEXT],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer if isinstance(issuer, str) else dict(issuer),
        "validFrom": format_instant(valid_from),
    }
    if valid_until is not None:
        require_aware(valid_until, "valid_until")
        if valid_until <= valid_from:
            raise StatusError("valid_until must follow valid_from.", code="status.bad_dates")
        credential["validUntil"] = format_instant(valid_until)
    if name is not None:
        credential["name"] = name
    credential["credentialSubject"] = subject
    return credential


def status_entry(
    list_url: str,
    index: int,
    purpose: str,
    *,
    status_size: int = 1,
    messages: Sequence[tuple[int, str]] | None = None,
) -> dict[str, Any]:
    """Return a ``BitstringStatusListEntry`` for a credential's ``credentialStatus``.

    ``statusListIndex`` is a string, as the Recommendation requires; the ``id``
    (``<list_url>#<index>``) satisfies the OB 3.0 schema, which requires one, and differs
    from the list URL, as BSL requires.

    :param messages: ``(value, message)`` pairs; required, one per possible value, when
        ``status_size`` > 1 (BSL §2.1).
    """
    _check_url(list_url, "list_url")
    _check_purpose(purpose)
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise StatusError("index must be a non-negative integer.", code="status.bad_index")
    if isinstance(status_size, bool) or not isinstance(status_size, int):
        raise StatusError("status_size must be an integer.", code="status.bad_status_size")
    if not 1 <= status_size <= MAX_STATUS_SIZE:
        raise StatusError("status_size is out of range.", code="status.bad_status_size")
    entry: dict[str, Any] = {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }
    if status_size > 1:
        entry["statusSize"] = status_size
        if messages is None or len(messages) != 1 << status_size:
            raise StatusError(
                f"statusSize {status_size} needs {1 << status_size} status messages.",
                code="status.bad_messages",
            )
    if messages is not None:
        entry["statusMessage"] = _messages(messages, status_size)
    return entry


def _messages(messages: Sequence[tuple[int, str]], status_size: int) -> list[dict[str, str]]:
    """Render ``statusMessage`` entries; the status value is a hex string such as ``0x1``."""
    out: list[dict[str, str]] = []
    seen: set[int] = set()
    for value, text in messages:
        if not isinstance(value, int) or not 0 <= value < 1 << status_size or value in seen:
            raise StatusError(
                f"Status message value {value!r} is invalid or repeated.",
                code="status.bad_messages",
            )
        if not isinstance(text, str) or not text:
            raise StatusError("Status messages must be non-empty text.", code="status.bad_messages")
        seen.add(value)
        out.append({"status": hex(value), "message": text})
    return out

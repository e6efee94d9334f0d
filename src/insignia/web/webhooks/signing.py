"""Signatures in the Standard Webhooks form (https://www.standardwebhooks.com/).

The secret is ``whsec_`` followed by base64 of random bytes; the HMAC key is those bytes.  A
message is signed as ``HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>")`` and sent
as ``Webhook-Signature: v1,<base64 digest>`` — several space-separated signatures while a
rotated secret is still honoured.  Receivers check any one of them and refuse timestamps far
from their clock (replays).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Sequence

PREFIX = "whsec_"


def secret_generate() -> str:
    """A new secret: 32 random bytes."""
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(PREFIX))


def signature(secret: str, *, msg_id: str, timestamp: int, body: bytes) -> str:
    """``v1,<base64 HMAC-SHA256>`` of ``msg_id.timestamp.body``."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secrets_: Sequence[str], *, msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers, signed with each of ``secrets_`` (current first)."""
    return {
        "Webhook-Id": msg_id,
        "Webhook-Timestamp": str(timestamp),
        "Webhook-Signature": " ".join(
            signature(s, msg_id=msg_id, timestamp=timestamp, body=body) for s in secrets_
        ),
    }

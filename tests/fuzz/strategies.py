"""Hypothesis strategies for hostile input: arbitrary JSON, JSON-LD-shaped JSON, and mutations
of valid documents, tokens and files."""

from __future__ import annotations

import base64
import copy
import json
from typing import Any

from hypothesis import strategies as st

KEYS = st.sampled_from(
    [
        "@context",
        "@id",
        "@type",
        "@vocab",
        "@graph",
        "@base",
        "@language",
        "@value",
        "@list",
        "id",
        "type",
        "issuer",
        "credentialSubject",
        "credentialStatus",
        "proof",
        "validFrom",
        "validUntil",
        "issuanceDate",
        "achievement",
        "identifier",
        "identityHash",
        "verificationMethod",
        "proofValue",
        "cryptosuite",
        "created",
        "statusListCredential",
        "statusListIndex",
        "statusPurpose",
        "encodedList",
        "recipient",
        "badge",
        "verify",
        "evidence",
        "name",
    ]
) | st.text(max_size=12)

STRINGS = st.sampled_from(
    [
        "",
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        "https://w3id.org/openbadges/v2",
        "VerifiableCredential",
        "OpenBadgeCredential",
        "DataIntegrityProof",
        "eddsa-rdfc-2022",
        "eddsa-jcs-2022",
        "ecdsa-rdfc-2019",
        "BitstringStatusListEntry",
        "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        "did:key:z6Mk",
        "did:web:localhost%3A8000:issuers:x",
        "did:web:127.0.0.1",
        "http://127.0.0.1:1/x",
        "urn:uuid:00000000-0000-0000-0000-000000000000",
        "2026-11-28T12:00:00Z",
        "9999-12-31T23:59:59Z",
        "0000-00-00T00:00:00Z",
        "2026-02-30T25:61:61+99:99",
        "z" + "1" * 200,
        "u" + "A" * 100,
        "sha256$" + "0" * 64,
        "\u0000",
        "\ud7ff\ue000\U0010ffff",
        "x" * 10_000,
    ]
) | st.text(max_size=40)

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | STRINGS
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(KEYS, inner, max_size=6),
    max_leaves=25,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    paths = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            paths.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            paths.extend(_paths(item, (*prefix, index)))
    return paths


def _get(value: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        value = value[step]
    return value


@st.composite
def mutated_json(draw: st.DrawFn, seed: Any, max_mutations: int = 4) -> Any:
    """``seed`` with a few subtrees replaced, deleted, duplicated or retyped."""
    doc = copy.deepcopy(seed)
    for _ in range(draw(st.integers(1, max_mutations))):
        path = draw(st.sampled_from(_paths(doc)))
        action = draw(st.sampled_from(["replace", "delete", "wrap", "duplicate", "tweak", "add"]))
        if not path:
            if action == "wrap":
                doc = [doc]
            elif action == "replace":
                doc = draw(JSON)
            continue
        parent, last = _get(doc, path[:-1]), path[-1]
        current = parent[last]
        if action == "replace":
            parent[last] = draw(JSON)
        elif action == "delete":
            del parent[last]
        elif action == "wrap":
            parent[last] = [current] if draw(st.booleans()) else {"@value": current}
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(current))
        elif action == "tweak" and isinstance(current, str):
            position = draw(st.integers(0, len(current)))
            parent[last] = current[:position] + draw(st.text(max_size=3)) + current[position + 1 :]
        elif action == "add" and isinstance(current, dict):
            current[draw(KEYS)] = draw(JSON)
    return doc


@st.composite
def mutated_bytes(draw: st.DrawFn, seed: bytes, max_mutations: int = 6) -> bytes:
    """``seed`` with bytes flipped, inserted, deleted, or cut short."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, max_mutations))):
        if not data:
            data.extend(draw(st.binary(min_size=1, max_size=16)))
            continue
        position = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "repeat"]))
        if action == "flip":
            data[position] ^= 1 << draw(st.integers(0, 7))
        elif action == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=32))
        elif action == "delete":
            del data[position : position + draw(st.integers(1, 64))]
        elif action == "truncate":
            del data[position:]
        else:
            end = min(len(data), position + draw(st.integers(1, 64)))
            data[position:position] = data[position:end] * draw(st.integers(1, 8))
    return bytes(data)


def b64url(value: bytes) -> str:
    return base64.urlsafe_b64encode(value).rstrip(b"=").decode()


@st.composite
def mutated_jwt(draw: st.DrawFn, token: str) -> str:
    """A compact JWS with a segment re-encoded from mutated JSON, replaced, or damaged."""
    parts = token.split(".")
    action = draw(st.sampled_from(["header", "payload", "signature", "segments", "chars"]))
    if action in {"header", "payload"}:
        index = 0 if action == "header" else 1
        padded = parts[index] + "=" * (-len(parts[index]) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded))
        text = json.dumps(draw(mutated_json(value)))
        parts[index] = b64url(text.encode("utf-8", "surrogatepass"))
    elif action == "signature":
        parts[2] = b64url(draw(st.binary(max_size=96)))
    elif action == "segments":
        parts = draw(
            st.lists(st.sampled_from([*parts, "", "e30", "-_", "a" * 5]), min_size=0, max_size=6)
        )
    else:
        return draw(mutated_bytes(token.encode())).decode("latin-1")
    return ".".join(parts)

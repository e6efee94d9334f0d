"""Shared test material for proofs: vector keys, a test resolver, the peer, a credential corpus."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from insignia.core.errors import ResolutionError
from insignia.core.keys import Ed25519PublicKey, Ed25519Signer
from insignia.core.resolver import VerificationMethod
from tests.support.paths import VECTORS
from tests.support.peer import run_peer

EDDSA = VECTORS / "w3c-vc-di-eddsa" / "TestVectors"
CHAIN = EDDSA / "proof-set-chain"
ONE_ED = VECTORS / "1edtech-ob-spec" / "impl-guide-test-vectors"
DI_SUITE = VECTORS / "w3c-di-test-suite-assertion"
VC2 = "https://www.w3.org/ns/credentials/v2"
EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CREATED = "2023-02-24T23:36:38Z"
SEED_HEX = "a1" * 32


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def did_key_vm(public_multibase: str) -> str:
    return f"did:key:{public_multibase}#{public_multibase}"


def vector_signer() -> tuple[Ed25519Signer, str]:
    """The W3C vc-di-eddsa key pair and its did:key verification method."""
    pair = load(EDDSA / "keyPair.json")
    return Ed25519Signer.from_multibase(pair["privateKeyMultibase"]), did_key_vm(
        pair["publicKeyMultibase"]
    )


def chain_signers() -> list[tuple[Ed25519Signer, str]]:
    """The four key pairs of the proof-set-chain vectors."""
    pairs = load(CHAIN / "multiKeyPairs.json")
    return [
        (
            Ed25519Signer.from_multibase(p["privateKeyMultibase"]),
            did_key_vm(p["publicKeyMultibase"]),
        )
        for p in (pairs[f"keyPair{i}"] for i in range(1, 5))
    ]


def seed_signer() -> tuple[Ed25519Signer, str]:
    """The key the peer makes from ``SEED_HEX``."""
    signer = Ed25519Signer.from_seed(bytes.fromhex(SEED_HEX))
    return signer, signer.public_key.did_key_verification_method


class StaticResolver:
    """Resolves the verification methods it was given, and nothing else (never fetches)."""

    def __init__(self, *methods: VerificationMethod) -> None:
        self.methods = {m.id: m for m in methods}

    def resolve(self, vm_id: str, *, purpose: str = "assertionMethod") -> VerificationMethod:
        try:
            return self.methods[vm_id]
        except KeyError:
            raise ResolutionError(f"unknown {vm_id}", code="resolve.not_found") from None


def onedtech_resolver(folder: str = "obv3p0") -> StaticResolver:
    """The 1EdTech vector's https key, as its issuer's controller document would give it."""
    pair = load(ONE_ED / folder / "keyPair.json")
    key = Ed25519PublicKey.from_multibase(pair["publicKeyMultibase"])
    return StaticResolver(VerificationMethod(pair["id"], pair["controller"], "Multikey", key))


def peer_jsonl(args: list[str], docs: list[Any]) -> list[Any]:
    """Like tests.support.peer.peer_jsonl, but splits output on "\\n" only: JSON text may
    hold U+2028 or U+001C raw, which str.splitlines would treat as line breaks."""
    proc = run_peer([*args, "--jsonl"], "".join(json.dumps(d) + "\n" for d in docs))
    if proc.returncode == 2:
        raise AssertionError(f"peer usage error: {proc.stderr}")
    return [json.loads(line) for line in proc.stdout.split("\n") if line.strip()]


def nquad_lines(text: str) -> list[str]:
    """N-Quads lines, each with its "\n": only "\n" ends a line (literals may hold U+0085,
    U+2028 or U+001C raw, which str.splitlines would also split at)."""
    return [line + "\n" for line in text.split("\n")[:-1]]


def credential(
    subject: dict[str, Any], *, contexts: tuple[Any, ...] = (EXAMPLES,), n: int = 1
) -> dict[str, Any]:
    return {
        "@context": [VC2, *contexts],
        "id": f"urn:uuid:0b5e6c2a-4e7d-4c8b-9d1f-{n:012d}",
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": subject,
    }


def corpus() -> list[dict[str, Any]]:
    """Credentials that exercise canonicalization: escapes, unicode, numbers, languages,
    nested arrays, look-alike blank nodes, lists, OB 3.0 structure."""
    subjects: list[dict[str, Any]] = [
        {"id": "did:example:s", "alumniOf": "The School of Examples"},
        {"name": "ctl \x01\x7f\b\f\v\t\n\r end"},
        {"name": 'quotes " and \\ backslashes \\" and \\\\n'},
        {"name": "unicode é ü ß 中文 العربية 🎓 \u2028 \u00a0 \ufeff \x85 \x1c \u200f"},
        {"n": [1.0, 2.75, 1e21, 1.5e-7, 0.1, 0.30000000000000004, -5, 0, 2**53, -(2**53)]},
        {"n": [1.7976931348623157e308, -2.5e-5, 1e300, 123e-20], "b": [True, False]},
        {
            "lang": {"@value": "Hallo Welt", "@language": "de-AT"},
            "dir": {"@value": "שלום", "@language": "he", "@direction": "rtl"},
        },
        {"nested": [[1, 2], [3, [4, [5]]]], "empty": "", "nul": None},
        {"items": [{"a": "x"}, {"a": "x"}, {"b": {"c": "y"}}, {"b": {"c": "y"}}, {"a": "z"}]},
        {"lst": {"@list": ["a", "a", "b", {"k": "v"}, {"k": "v"}]}},
        {"knows": [{"id": "_:other", "name": "o"}, {"name": "anon"}, {"id": "_:other"}]},
        {"typed": {"@value": "5", "@type": "http://www.w3.org/2001/XMLSchema#integer"}},
    ]
    docs = [credential(s, n=i) for i, s in enumerate(subjects)]
    ob = load(ONE_ED / "obv3p0" / "unsigned.json")
    ob["credentialSubject"]["achievement"]["name"] = 'Teamwork \x01 🎓 "quoted"'
    docs.append(ob)
    return docs

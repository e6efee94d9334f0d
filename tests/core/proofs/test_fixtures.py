"""Real credentials signed by other implementations (DCC fixtures, did:key): every proof
verifies or fails exactly as the Digital Bazaar reference check recorded in SOURCES.md.
(did:web fixtures need the DID resolver and are covered by the verifier's tests.)"""

from __future__ import annotations

import re
from typing import Any

import pytest

from insignia.core.proofs import verify_proofs
from insignia.core.resolver import DidKeyResolver
from tests.core.proofs.helpers import load
from tests.support.paths import VECTORS

_ROW = re.compile(r"^\| `(dcc-[^`]+\.json)` .*refcheck:(.*)$")
_CHECK = re.compile(r"(DataIntegrityProof:[\w-]+|Ed25519Signature2020)=(OK|FAIL)")


def _refchecked() -> list[tuple[str, list[str]]]:
    rows = []
    for line in (VECTORS / "SOURCES.md").read_text(encoding="utf-8").splitlines():
        match = _ROW.match(line)
        if match is None:
            continue
        own_proofs = re.split(r"revocation|listProof", match.group(2))[0]
        rows.append((match.group(1), [verdict for _, verdict in _CHECK.findall(own_proofs)]))
    return rows


def _did_key_only(doc: Any) -> bool:
    proofs = doc.get("proof") if isinstance(doc, dict) else None
    proofs = proofs if isinstance(proofs, list) else [proofs]
    return all(str(p.get("verificationMethod", "")).startswith("did:key:") for p in proofs)


ROWS = [(path, verdicts) for path, verdicts in _refchecked() if _did_key_only(load(VECTORS / path))]


def test_the_fixture_table_was_read() -> None:
    assert len(ROWS) > 80
    assert any("FAIL" in verdicts for _, verdicts in ROWS)


@pytest.mark.parametrize(("path", "verdicts"), ROWS, ids=[p for p, _ in ROWS])
def test_dcc_fixture_proofs_match_the_reference_check(path: str, verdicts: list[str]) -> None:
    results = verify_proofs(load(VECTORS / path), resolver=DidKeyResolver())
    assert ["OK" if r.verified else "FAIL" for r in results] == verdicts, [r.code for r in results]

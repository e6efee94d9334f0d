"""Engine benchmark: sign/s and verify/s per core, beside the Ed25519 floor and the reference peer.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/engine.py [--seconds N]``).  Everything
is measured in one run on one pinned core: our three proof formats, the raw Ed25519 floor, and
the JavaScript reference implementation (``peer.mjs bench``) on the same credential, so the
printed ratios compare like with like on whatever machine runs them.  Not a test: nothing here
asserts a speed.
"""

from __future__ import annotations

import argparse
import copy
import itertools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from insignia.core import proofs, vcjwt  # noqa: E402
from insignia.core.keys import Ed25519Signer  # noqa: E402
from insignia.core.resolver import DidKeyResolver  # noqa: E402

VECTORS = Path(os.environ.get("INSIGNIA_VECTORS", REPO.parent / "shared" / "vectors"))
PEER = Path(os.environ.get("INSIGNIA_PEER", REPO / ".tools" / "node-vc" / "peer.mjs"))
CREDENTIAL = VECTORS / "1edtech-ob-spec" / "impl-guide-test-vectors" / "obv3p0" / "unsigned.json"
SEED = bytes.fromhex("a1" * 32)
CREATED = "2026-01-01T00:00:00Z"


def rate(fn: Callable[[], object], seconds: float) -> tuple[float, float]:
    """Call ``fn`` for about ``seconds``; return (calls per second, median µs per call)."""
    for _ in range(20):
        fn()
    times: list[float] = []
    deadline = time.perf_counter() + seconds
    start = time.perf_counter()
    while time.perf_counter() < deadline:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    total = time.perf_counter() - start
    return len(times) / total, statistics.median(times) * 1e6


def load_credential(signer: Ed25519Signer) -> dict[str, Any]:
    doc = json.loads(CREDENTIAL.read_text())
    doc.pop("proof", None)
    doc["issuer"] = (
        {**doc["issuer"], "id": signer.public_key.did_key}
        if isinstance(doc.get("issuer"), dict)
        else signer.public_key.did_key
    )
    return doc


def ours(seconds: float) -> dict[str, dict[str, float]]:
    signer = Ed25519Signer.from_seed(SEED)
    vm = signer.public_key.did_key_verification_method
    base = load_credential(signer)
    resolver = DidKeyResolver()
    out: dict[str, dict[str, float]] = {}

    def fresh() -> dict[str, Any]:
        doc = copy.deepcopy(base)
        doc["id"] = f"urn:uuid:{uuid.uuid4()}"
        return doc

    for suite in ("eddsa-rdfc-2022", "eddsa-jcs-2022"):
        signed = [
            proofs.sign(fresh(), signer, verification_method=vm, cryptosuite=suite, created=CREATED)
            for _ in range(50)
        ]
        sign_rate, sign_us = rate(
            lambda s=suite: proofs.sign(
                fresh(), signer, verification_method=vm, cryptosuite=s, created=CREATED
            ),
            seconds,
        )
        cycle = itertools.cycle(signed)
        verify_rate, verify_us = rate(
            lambda c=cycle: proofs.verify_proofs(next(c), resolver=resolver), seconds
        )
        assert all(r.verified for r in proofs.verify_proofs(signed[0], resolver=resolver))
        out[suite] = {
            "sign_per_s": sign_rate,
            "sign_us": sign_us,
            "verify_per_s": verify_rate,
            "verify_us": verify_us,
        }

    tokens = [vcjwt.sign_vc_jwt(fresh(), signer, kid=vm) for _ in range(50)]
    from datetime import UTC, datetime

    now = datetime(2030, 1, 1, tzinfo=UTC)
    sign_rate, sign_us = rate(lambda: vcjwt.sign_vc_jwt(fresh(), signer, kid=vm), seconds)
    token_cycle = itertools.cycle(tokens)
    verify_rate, verify_us = rate(
        lambda: vcjwt.verify_vc_jwt(next(token_cycle), resolver=resolver, now=now), seconds
    )
    out["vc-jwt (EdDSA)"] = {
        "sign_per_s": sign_rate,
        "sign_us": sign_us,
        "verify_per_s": verify_rate,
        "verify_us": verify_us,
    }

    data = b"x" * 64
    sig = signer.sign(data)
    floor_sign, _ = rate(lambda: signer.sign(data), min(seconds, 1.0))
    floor_verify, _ = rate(lambda: signer.public_key.verify(sig, data), min(seconds, 1.0))
    out["ed25519 floor"] = {"sign_per_s": floor_sign, "verify_per_s": floor_verify}
    return out


def peer(seconds: float, suite: str) -> dict[str, Any] | None:
    if not PEER.exists() or shutil.which("node") is None:
        return None
    cmd = [
        "node",
        str(PEER),
        "bench",
        "--file",
        str(CREDENTIAL),
        "--seconds",
        str(seconds),
        "--suite",
        suite,
        "--seed",
        SEED.hex(),
    ]
    if shutil.which("taskset"):
        cmd = ["taskset", "-c", str(_core()), *cmd]
    env = {**os.environ, "PEER_CONTEXTS": str(VECTORS / "contexts")}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False, timeout=600)
    if proc.returncode != 0:
        print(f"peer bench failed: {proc.stderr.strip()[:300]}", file=sys.stderr)
        return None
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def _core() -> int:
    return max(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0, help="seconds per measurement")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {_core()})
    print(
        f"machine: {platform.machine()} {platform.processor() or ''} {os.cpu_count()} cores; "
        f"python {platform.python_version()}; one core pinned; credential {CREDENTIAL.name} "
        f"({CREDENTIAL.stat().st_size} bytes)"
    )
    mine = ours(args.seconds)
    peers = {s: peer(args.seconds, s) for s in ("eddsa-rdfc-2022", "eddsa-jcs-2022")}
    print()
    header = f"{'path':<22}{'sign/s':>10}{'verify/s':>10}{'peer sign/s':>13}"
    print(header + f"{'peer verify/s':>15}{'sign ×':>9}{'verify ×':>10}")
    for name, figures in mine.items():
        p = peers.get(name)
        ps = p["sign_per_s"] if p else None
        pv = p["verify_per_s"] if p else None
        if name == "ed25519 floor":
            first = next((x for x in peers.values() if x), None)
            ps = first["ed25519_sign_per_s"] if first else None
            pv = None
        row = f"{name:<22}{figures['sign_per_s']:>10,.0f}{figures['verify_per_s']:>10,.0f}"
        row += f"{ps:>13,.0f}" if ps else f"{'-':>13}"
        row += f"{pv:>15,.0f}" if pv else f"{'-':>15}"
        row += f"{figures['sign_per_s'] / ps:>9.2f}" if ps else f"{'-':>9}"
        row += f"{figures['verify_per_s'] / pv:>10.2f}" if pv else f"{'-':>10}"
        print(row)
    floor = mine["ed25519 floor"]["sign_per_s"]
    rdfc = mine["eddsa-rdfc-2022"]["sign_per_s"]
    print(
        f"\neddsa-rdfc-2022 signing runs at {rdfc / floor:.1%} of the raw Ed25519 floor "
        f"(the rest is JSON-LD → RDF and canonicalization)."
    )
    if peers.get("eddsa-rdfc-2022") is None:
        print("(reference peer not installed: run `make peer` for side-by-side figures)")


if __name__ == "__main__":
    main()

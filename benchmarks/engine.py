"""Engine benchmark: sign/s and verify/s per core, beside the Ed25519 floor and the reference peer.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/engine.py [--seconds N]``).  Everything
is measured in one run on one pinned core: our proof formats (the eddsa-rdfc-2022 general,
fast and batch paths apart), the raw Ed25519 floor, and the JavaScript reference
implementation (``peer.mjs bench``) on the same credential, in interleaved rounds whose
medians are printed, so the ratios compare like with like on whatever machine runs them.
Last, a cohort signed with ``sign_many`` on one and two processes.  Not a test: nothing here
asserts a speed.
"""

from __future__ import annotations

import argparse
import contextlib
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
import unittest.mock
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from insignia.core import proofs, vcjwt  # noqa: E402
from insignia.core.jsonld import shapes  # noqa: E402
from insignia.core.keys import Ed25519Signer  # noqa: E402
from insignia.core.resolver import DidKeyResolver  # noqa: E402

VECTORS = Path(os.environ.get("INSIGNIA_VECTORS", REPO.parent / "shared" / "vectors"))
PEER = Path(os.environ.get("INSIGNIA_PEER", REPO / ".tools" / "node-vc" / "peer.mjs"))
CREDENTIAL = VECTORS / "1edtech-ob-spec" / "impl-guide-test-vectors" / "obv3p0" / "unsigned.json"
SEED = bytes.fromhex("a1" * 32)
CREATED = "2026-01-01T00:00:00Z"


def rate(fn: Callable[[], object], seconds: float) -> float:
    """Call ``fn`` for about ``seconds``; return calls per second (from the median call)."""
    for _ in range(20):
        fn()
    times: list[float] = []
    deadline = time.perf_counter() + seconds
    start = time.perf_counter()
    while time.perf_counter() < deadline:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    del start
    return 1 / statistics.median(times)


def load_credential(signer: Ed25519Signer) -> dict[str, Any]:
    doc = json.loads(CREDENTIAL.read_text())
    doc.pop("proof", None)
    doc["issuer"] = (
        {**doc["issuer"], "id": signer.public_key.did_key}
        if isinstance(doc.get("issuer"), dict)
        else signer.public_key.did_key
    )
    return doc


def fresh_factory(base: dict[str, Any]) -> Callable[[], dict[str, Any]]:
    def fresh() -> dict[str, Any]:
        doc = copy.deepcopy(base)
        doc["id"] = f"urn:uuid:{uuid.uuid4()}"
        return doc

    return fresh


def general_only() -> contextlib.AbstractContextManager[object]:
    """Measure the general path: the shape-template route declines every document."""
    return unittest.mock.patch.object(shapes, "canonical", lambda *_a, **_k: None)


def ours(seconds: float) -> dict[str, dict[str, float]]:
    """One round of our figures: per path and suite, sign/s and verify/s."""
    signer = Ed25519Signer.from_seed(SEED)
    vm = signer.public_key.did_key_verification_method
    fresh = fresh_factory(load_credential(signer))
    resolver = DidKeyResolver()
    out: dict[str, dict[str, float]] = {}
    paths = [
        ("eddsa-rdfc-2022 general", "eddsa-rdfc-2022", True),
        ("eddsa-rdfc-2022 fast", "eddsa-rdfc-2022", False),
        ("eddsa-jcs-2022", "eddsa-jcs-2022", False),
    ]
    for name, suite, general in paths:
        with general_only() if general else contextlib.nullcontext():
            signed = [
                proofs.sign(
                    fresh(), signer, verification_method=vm, cryptosuite=suite, created=CREATED
                )
                for _ in range(50)
            ]
            pool = itertools.cycle([fresh() for _ in range(200)])  # not copied while timed
            sign_rate = rate(
                lambda s=suite, p=pool: proofs.sign(
                    next(p), signer, verification_method=vm, cryptosuite=s, created=CREATED
                ),
                seconds,
            )
            cycle = itertools.cycle(signed)
            verify_rate = rate(
                lambda c=cycle: proofs.verify_proofs(next(c), resolver=resolver), seconds
            )
            assert all(r.verified for r in proofs.verify_proofs(signed[0], resolver=resolver))
        out[name] = {"sign_per_s": sign_rate, "verify_per_s": verify_rate}

    docs = [fresh() for _ in range(200)]
    batch_rate = rate_many(
        lambda: proofs.sign_many(docs, signer, verification_method=vm, created=CREATED),
        len(docs),
        seconds,
    )
    out["eddsa-rdfc-2022 batch"] = {"sign_per_s": batch_rate}

    tokens = [vcjwt.sign_vc_jwt(fresh(), signer, kid=vm) for _ in range(50)]
    now = datetime(2030, 1, 1, tzinfo=UTC)
    pool = itertools.cycle([fresh() for _ in range(200)])
    sign_rate = rate(lambda: vcjwt.sign_vc_jwt(next(pool), signer, kid=vm), seconds)
    token_cycle = itertools.cycle(tokens)
    verify_rate = rate(
        lambda: vcjwt.verify_vc_jwt(next(token_cycle), resolver=resolver, now=now), seconds
    )
    out["vc-jwt (EdDSA)"] = {"sign_per_s": sign_rate, "verify_per_s": verify_rate}

    data = b"x" * 64
    sig = signer.sign(data)
    floor_sign = rate(lambda: signer.sign(data), min(seconds, 1.0))
    floor_verify = rate(lambda: signer.public_key.verify(sig, data), min(seconds, 1.0))
    out["ed25519 floor"] = {"sign_per_s": floor_sign, "verify_per_s": floor_verify}
    return out


def rate_many(fn: Callable[[], object], count: int, seconds: float) -> float:
    """Items per second of a call handling ``count`` items, over about ``seconds``."""
    fn()
    calls, start = 0, time.perf_counter()
    while calls == 0 or time.perf_counter() - start < seconds:
        fn()
        calls += 1
    return calls * count / (time.perf_counter() - start)


def cohort(size: int, processes: int) -> float:
    """Seconds to sign ``size`` fresh credentials with ``sign_many`` (workers included)."""
    signer = Ed25519Signer.from_seed(SEED)
    vm = signer.public_key.did_key_verification_method
    fresh = fresh_factory(load_credential(signer))
    docs = [fresh() for _ in range(size)]
    start = time.perf_counter()
    signed = proofs.sign_many(
        docs, signer, verification_method=vm, created=CREATED, processes=processes
    )
    elapsed = time.perf_counter() - start
    assert len(signed) == size
    return elapsed


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
    parser.add_argument("--seconds", type=float, default=2.0, help="seconds per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (medians)")
    parser.add_argument("--cohort", type=int, default=10_000, help="credentials in the cohort row")
    args = parser.parse_args()
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else [0]
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {_core()})
    print(
        f"machine: {_cpu_model()}, {os.cpu_count()} cores; python {platform.python_version()}; "
        f"one core pinned; credential {CREDENTIAL.name} ({CREDENTIAL.stat().st_size} bytes); "
        f"{args.rounds} interleaved rounds of {args.seconds:g} s, medians"
    )
    mine: list[dict[str, dict[str, float]]] = []
    peers: dict[str, list[dict[str, Any]]] = {"eddsa-rdfc-2022": [], "eddsa-jcs-2022": []}
    for _ in range(args.rounds):  # ours and the peer alternate: load hits both alike
        mine.append(ours(args.seconds))
        for suite, results in peers.items():
            result = peer(args.seconds, suite)
            if result is not None:
                results.append(result)
    table = _medians(mine)
    peer_rows = {s: _median_peer(r) for s, r in peers.items()}
    _print_table(table, peer_rows)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, set(cores))
    print(f"\ncohort of {args.cohort:,} eddsa-rdfc-2022 credentials (sign_many, fast path):")
    for processes in (1, 2):
        seconds = cohort(args.cohort, processes)
        print(
            f"  {processes} process{'es' if processes > 1 else ''}: {seconds:.2f} s "
            f"({args.cohort / seconds:,.0f}/s)"
        )


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _medians(rounds: list[dict[str, dict[str, float]]]) -> dict[str, dict[str, float]]:
    return {
        name: {k: statistics.median(r[name][k] for r in rounds) for k in figures}
        for name, figures in rounds[0].items()
    }


def _median_peer(results: list[dict[str, Any]]) -> dict[str, float] | None:
    if not results:
        return None
    keys = ("sign_per_s", "verify_per_s", "ed25519_sign_per_s")
    return {k: statistics.median(float(r[k]) for r in results) for k in keys}


def _print_table(
    mine: dict[str, dict[str, float]], peers: dict[str, dict[str, float] | None]
) -> None:
    print()
    print("| path | sign/s | verify/s | peer sign/s | peer verify/s | sign × | verify × |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, figures in mine.items():
        suite = "eddsa-jcs-2022" if "jcs" in name else "eddsa-rdfc-2022" if "rdfc" in name else None
        p = peers.get(suite) if suite else None
        ps, pv = (p["sign_per_s"], p["verify_per_s"]) if p else (None, None)
        if name == "ed25519 floor":
            first = next((x for x in peers.values() if x), None)
            ps, pv = (first["ed25519_sign_per_s"] if first else None), None
        sign, verify = figures.get("sign_per_s"), figures.get("verify_per_s")
        cells = [
            name,
            _n(sign),
            _n(verify),
            _n(ps),
            _n(pv),
            f"{sign / ps:.1f}" if sign and ps else "–",
            f"{verify / pv:.1f}" if verify and pv else "–",
        ]
        print("| " + " | ".join(cells) + " |")
    if not any(peers.values()):
        print("(reference peer not installed: run `make peer` for side-by-side figures)")


def _n(value: float | None) -> str:
    return f"{value:,.0f}" if value else "–"


if __name__ == "__main__":
    main()

"""The JavaScript reference peer (Digital Bazaar stack) as a test oracle.

It is installed by ``make peer`` into ``.tools/node-vc``.  Where it is missing the peer tests
skip, except in CI (``INSIGNIA_REQUIRE_PEER=1``), where a missing peer is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.support.paths import REPO, VECTORS

PEER = Path(os.environ.get("INSIGNIA_PEER", REPO / ".tools" / "node-vc" / "peer.mjs"))


def peer_available() -> bool:
    return (
        PEER.exists()
        and shutil.which("node") is not None
        and (PEER.parent / "node_modules").exists()
    )


def require_peer() -> None:
    """Skip the calling test when the peer is missing (fail instead in CI)."""
    if peer_available():
        return
    message = f"reference peer not installed at {PEER} (run `make peer`)"
    if os.environ.get("INSIGNIA_REQUIRE_PEER"):
        pytest.fail(message)
    pytest.skip(message)


def run_peer(
    args: list[str], stdin: str = "", *, check_exit: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run ``node peer.mjs ARGS`` with the shared contexts; return the completed process."""
    require_peer()
    env = {**os.environ, "PEER_CONTEXTS": str(VECTORS / "contexts")}
    proc = subprocess.run(
        ["node", str(PEER), *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=300,
    )
    if check_exit and proc.returncode != 0:
        raise AssertionError(f"peer {args} exited {proc.returncode}: {proc.stderr}")
    return proc


def peer_jsonl(args: list[str], docs: list[Any]) -> list[Any]:
    """Send documents as JSON lines, return one parsed JSON value per output line."""
    proc = run_peer([*args, "--jsonl"], "".join(json.dumps(d) + "\n" for d in docs))
    if proc.returncode == 2:
        raise AssertionError(f"peer usage error: {proc.stderr}")
    # split on "\n" only: str.splitlines() also breaks on U+2028, U+0085 and U+001C,
    # which occur inside JSON strings the peer prints verbatim.
    return [json.loads(line) for line in proc.stdout.split("\n") if line.strip()]

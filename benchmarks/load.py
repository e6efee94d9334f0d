"""Load test on loopback: gunicorn (2 workers x threads) over PostgreSQL, driven by ``wrk``.

    .venv/bin/python benchmarks/load.py                      # or: make load
    .venv/bin/python benchmarks/load.py --duration 20 --connections 64

Steps: a dedicated PostgreSQL database (``--database``, default ``insignia_load``) is created
when missing, migrated and seeded once with the demo data (an issuer, public badges, a learner
who made one public and opted in to talent search, an employer with a recruiter); the seed is
kept between runs (with its secrets in ``var/bench/load-secrets.json``; ``--reseed`` starts
again).  gunicorn then serves the site on ``127.0.0.1:--port`` in production settings (no
DEBUG, manifest static files, no access log), and ``wrk`` drives three scenarios in turn,
each after a short warm-up:

* ``public badge page``  ``GET /credentials/<id>/`` (the page anyone opens from a share link);
* ``verification API``   ``GET /api/v1/credentials/<id>/verification`` (a live engine check);
* ``talent search``      ``GET /orgs/<employer>/talent/?all_skills=python`` signed in as the
  recruiter (a session made for the recruiter in the database).

Each run is bounded in time (``--duration`` seconds) and in count (``--max-requests`` per wrk
thread; the Lua script stops a thread when it reaches it).  Printed per scenario: requests,
throughput, p50/p95/p99 latency, errors (socket errors, timeouts and non-2xx answers), and for
the public page the ratio to the 300 req/s target.  ``wrk`` and the server share the machine's
cores (and other work may be running), so the figures are a lower bound.

Rate limits are switched off for the run (``INSIGNIA_DISABLE_RATE_LIMITS``): every request
comes from one address, which per-IP limits exist to stop.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "var" / "bench"
TARGET_RPS = 300.0

LUA = r"""
local max_requests = tonumber(os.getenv("LOAD_MAX_REQUESTS") or "0")
count = 0
non2xx = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function response(status, headers, body)
  count = count + 1
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
  if max_requests > 0 and count >= max_requests then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do bad = bad + (thread:get("non2xx") or 0) end
  local e = summary.errors
  io.write(string.format(
    '@@RESULT {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p95_us": %d, ' ..
    '"p99_us": %d, "max_us": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d, ' ..
    '"status": %d, "non2xx": %d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), latency.max, e.connect, e.read, e.write,
    e.timeout, e.status, bad))
end
"""


def _database_url(base: str) -> tuple[str, str, str]:
    """(server URL for the maintenance database, the database's URL, its name)."""
    parts = urlsplit(base)
    name = parts.path.lstrip("/") or "insignia_load"
    server = urlunsplit((parts.scheme, parts.netloc, "/postgres", "", ""))
    return server, urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", "")), name


def _ensure_database(url: str, *, reseed: bool) -> None:
    import psycopg

    server, _, name = _database_url(url)
    with psycopg.connect(server, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and reseed:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')


def _secrets(port: int, reseed: bool) -> dict[str, str]:
    """Stable secrets for the seeded database (its signing keys are encrypted with the KEK)."""
    path = BENCH / "load-secrets.json"
    if path.exists() and not reseed:
        stored: dict[str, str] = json.loads(path.read_text())
        if stored.get("PORT") == str(port):
            return stored
    stored = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "INSIGNIA_KEY_ENCRYPTION_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32))
        .decode()
        .rstrip("="),
        "PORT": str(port),
    }
    BENCH.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(stored, indent=2))
    path.chmod(0o600)
    return stored


def _environment(database: str, port: int, stored: dict[str, str]) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "insignia.web.settings",
        "DATABASE_URL": database,
        "SECRET_KEY": stored["SECRET_KEY"],
        "INSIGNIA_KEY_ENCRYPTION_KEY": stored["INSIGNIA_KEY_ENCRYPTION_KEY"],
        "INSIGNIA_BASE_URL": f"http://127.0.0.1:{port}",
        "INSIGNIA_VAR_DIR": str(BENCH / "load-var"),
        "STATIC_ROOT": str(BENCH / "load-static"),
        "EMAIL_URL": "dummy:",
        "LOG_LEVEL": "WARNING",
        "INSIGNIA_DISABLE_RATE_LIMITS": "1",
        "PYTHONPATH": str(ROOT / "src"),
    }
    env.pop("DEBUG", None)
    return env


def seed_child() -> None:
    """In the child: migrate, seed the demo data once, and print the URLs and the cookie."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from insignia.web import demo
    from insignia.web.accounts.models import User
    from insignia.web.awards.models import Credential
    from insignia.web.issuers.models import Membership, Role

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    demo.seed()
    public = Credential.objects.filter(wallet_item__visibility="public").order_by("pk").first()
    if public is None:
        raise SystemExit("the demo seed made no public credential")
    recruiter = User.objects.get(email=demo.RECRUITER[0])
    employer = Membership.objects.get(user=recruiter, role=Role.RECRUITER).organisation_id
    client = Client()
    client.force_login(recruiter)
    print(
        "@@SEED "
        + json.dumps(
            {
                "public": f"/credentials/{public.pk}/",
                "api": f"/api/v1/credentials/{public.pk}/verification",
                "search": f"/orgs/{employer}/talent/?all_skills=python",
                "cookie": f"{settings.SESSION_COOKIE_NAME}="
                f"{client.cookies[settings.SESSION_COOKIE_NAME].value}",
            }
        ),
        flush=True,
    )


def _marked(output: str, mark: str) -> dict[str, Any]:
    for line in output.splitlines():
        if line.startswith(mark):
            value: dict[str, Any] = json.loads(line[len(mark) :])
            return value
    raise RuntimeError(f"no {mark.strip()} line in:\n{output[-2000:]}")


def _wait_until_up(base: str, server: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited while starting")
        try:
            with urllib.request.urlopen(base + "/", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer in time")


def _prime(base: str, paths: list[tuple[str, str | None]], concurrency: int) -> None:
    """Open every page once per server thread: each worker's first requests load templates,
    contexts and caches (many seconds on a busy machine), which is start-up, not load."""
    from concurrent.futures import ThreadPoolExecutor

    def fetch(item: tuple[str, str | None]) -> None:
        path, cookie = item
        request = urllib.request.Request(base + path, headers={"Cookie": cookie} if cookie else {})
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()

    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(fetch, [item for item in paths for _ in range(2 * concurrency)]))


def _wrk(
    args: argparse.Namespace, url: str, script: Path, cookie: str | None, seconds: float
) -> dict[str, Any]:
    command = [
        args.wrk,
        f"-t{args.wrk_threads}",
        f"-c{args.connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    env = {**os.environ, "LOAD_MAX_REQUESTS": str(args.max_requests)}
    done = subprocess.run(
        [*command, url],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        env=env,
        check=True,
    )
    return _marked(done.stdout, "@@RESULT ")


def _row(name: str, result: dict[str, Any], target: float | None) -> str:
    seconds = result["duration_us"] / 1e6
    rps = result["requests"] / seconds if seconds else 0.0
    errors = sum(result[k] for k in ("connect", "read", "write", "timeout")) + result["non2xx"]
    ratio = f"{rps / target:.2f}x" if target else "-"
    return (
        f"{name:<20} {result['requests']:>8} {rps:>9.1f} {result['p50_us'] / 1000:>8.1f} "
        f"{result['p95_us'] / 1000:>8.1f} {result['p99_us'] / 1000:>8.1f} {errors:>7} {ratio:>8}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="postgresql://postgres@127.0.0.1:5432/insignia_load")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per scenario")
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--max-requests", type=int, default=50_000, help="per wrk thread")
    parser.add_argument("--wrk", default=shutil.which("wrk") or "/usr/bin/wrk")
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--seed-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed_child:
        seed_child()
        return
    if not Path(args.wrk).exists():
        raise SystemExit("wrk is not installed (apt-get install wrk)")

    _ensure_database(args.database, reseed=args.reseed)
    stored = _secrets(args.port, args.reseed)
    env = _environment(_database_url(args.database)[1], args.port, stored)
    print(f"Seeding (once) and migrating {_database_url(args.database)[2]} …", flush=True)
    seeded = subprocess.run(
        [sys.executable, __file__, "--seed-child"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    if seeded.returncode:
        raise SystemExit(f"seeding failed:\n{seeded.stderr[-3000:]}")
    urls = _marked(seeded.stdout, "@@SEED ")

    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "insignia.web.wsgi:application",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--worker-class",
            "gthread",
            "--log-level",
            "warning",
        ],
        env=env,
        start_new_session=True,
    )
    results: dict[str, dict[str, Any]] = {}
    try:
        _wait_until_up(base, server)
        with tempfile.TemporaryDirectory() as tmp:
            script = Path(tmp) / "load.lua"
            script.write_text(LUA)
            scenarios = [
                ("public badge page", urls["public"], None),
                ("verification API", urls["api"], None),
                ("talent search", urls["search"], urls["cookie"]),
            ]
            _prime(base, [(p, c) for _, p, c in scenarios], args.workers * args.threads)
            for name, path, cookie in scenarios:
                print(
                    f"{name}: warm-up {args.warmup:.0f} s, then {args.duration:.0f} s", flush=True
                )
                _wrk(args, base + path, script, cookie, args.warmup)
                results[name] = _wrk(args, base + path, script, cookie, args.duration)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)

    print()
    print(
        f"gunicorn {args.workers} workers x {args.threads} threads, wrk {args.wrk_threads} "
        f"threads x {args.connections} connections, {os.cpu_count()} CPUs (shared with wrk)"
    )
    print(
        f"{'scenario':<20} {'requests':>8} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'errors':>7} {'target':>8}"
    )
    for name, result in results.items():
        target = TARGET_RPS if name == "public badge page" else None
        print(_row(name, result, target))
    print(json.dumps({"results": results}, indent=None))


if __name__ == "__main__":
    main()

"""Bulk issuance benchmark: N recipients end to end through the platform's real code path.

Run with ``.venv/bin/python benchmarks/bulk_issue.py [--rows 10000] [--processes 1]
[--chunk 100] [--tracemalloc]``.  It makes a scratch database (SQLite in a temporary file, or
a ``test_…`` database next to ``DATABASE_URL`` when that names a PostgreSQL server), migrates
it, creates an issuer and a published badge, writes a CSV of N recipients and measures:

* read + check (the dry run): parse, map, validate every row, look up existing holders;
* issue: the bulk job's chunks — status indexes allocated, credentials built, signed
  (``sign_many``), stored with their audit events, rows claimed, claim emails queued as
  django-tasks (not sent: sending is the worker's separate job);

and prints credentials per second (issue, and end to end) and the peak memory (maximum
resident set size; with ``--tracemalloc`` also Python's peak allocation, which slows it).
Not a test: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--processes", type=int, default=1, help="forked signing workers")
    parser.add_argument("--chunk", type=int, default=100, help="rows per transaction")
    parser.add_argument("--tracemalloc", action="store_true")
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="insignia-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3")
    os.environ["INSIGNIA_SIGNING_PROCESSES"] = str(args.processes)
    os.environ["INSIGNIA_BULK_CHUNK"] = str(args.chunk)
    os.environ["DJANGO_SETTINGS_MODULE"] = "insignia.web.settings_test"
    import django

    django.setup()
    from django.db import connection

    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = f"{scratch}/test.sqlite3"
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args, connection.vendor)
    finally:
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


def run(args: argparse.Namespace, vendor: str) -> None:
    from django_tasks_db.models import DBTaskResult

    from insignia.web.accounts.models import User
    from insignia.web.achievements import services as achievements
    from insignia.web.awards.models import Credential
    from insignia.web.bulk import services
    from insignia.web.images.designs import Design
    from insignia.web.issuers.services import membership_grant, organisation_create

    owner = User.objects.create_user("owner@bench.example", "x" * 20, name="Owner")
    org = organisation_create(
        actor=owner, name="Bench University", url="https://bench.example", email="b@bench.example"
    )
    membership_grant(actor=owner, organisation_id=org.pk, email=owner.email, roles=["issuer"])
    badge = achievements.achievement_create(
        actor=owner,
        organisation_id=org.pk,
        data=achievements.VersionData(
            name="Data Analysis",
            description="Cleans and analyses data.",
            criteria="Pass the practical.",
            achievement_type="MicroCredential",
            language="en",
            expiry_months=24,
            tags=("data",),
            alignments=(),
        ),
        image=achievements.ImageChoice(design=Design(title="Data", colour="#0f766e", icon="code")),
    )
    achievements.achievement_publish(actor=owner, achievement_id=badge.pk)

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Email", "Name", "Evidence URL", "Narrative", "Result", "Issue date"])
    for i in range(args.rows):
        writer.writerow(
            [
                f"learner{i}@bench.example",
                f"Learner {i}",
                f"https://portfolio.example/{i}",
                "Built a dashboard from open data.",
                "Merit",
                "2025-06-30",
            ]
        )
    data = out.getvalue().encode()

    if args.tracemalloc:
        tracemalloc.start()
    start = time.perf_counter()
    job, _ = services.bulk_job_create(
        actor=owner, achievement_id=badge.pk, file_name="cohort.csv", data=data
    )
    job = services.bulk_job_check(actor=owner, job_id=job.pk, mapping=job.mapping)
    checked = time.perf_counter()
    services.bulk_job_start(actor=owner, job_id=job.pk)
    issue_start = time.perf_counter()
    job = services.bulk_job_run(job_id=job.pk)
    end = time.perf_counter()
    peak_python = tracemalloc.get_traced_memory()[1] if args.tracemalloc else None

    issued = Credential.objects.count()
    queued = DBTaskResult.objects.filter(task_path__endswith="claim_emails_send_task").count()
    assert job.state == "done" and issued == args.rows == job.issued, (job.state, issued)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        f"bulk issuance — {args.rows:,} rows on {vendor}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, chunk {args.chunk}, signing processes {args.processes}"
    )
    print(f"  read + dry run     {checked - start:7.2f} s")
    rate = issued / (end - issue_start)
    print(f"  issue              {end - issue_start:7.2f} s  {rate:7.0f} credentials/s")
    print(f"  end to end         {end - start:7.2f} s  {issued / (end - start):7.0f} credentials/s")
    print(f"  claim-email tasks  {queued} queued ({issued} emails)")
    print(
        f"  peak memory        {rss:7.0f} MiB resident"
        + (f", {peak_python / 2**20:.0f} MiB Python (tracemalloc)" if peak_python else "")
    )


if __name__ == "__main__":
    main()

"""Talent search at scale: seed 100,000 learners and 1,000,000 credentials, then time queries.

    .venv/bin/python benchmarks/talent_search.py                 # SQLite file under var/
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/talentbench \
        .venv/bin/python benchmarks/talent_search.py

Options: ``--learners N`` ``--credentials N`` ``--repeat N`` ``--reuse`` (keep an already seeded
database).  Seeding uses ``bulk_create`` on the real tables (credentials carry a stub document:
search never reads documents); organisations and badges are made through the services.
Prints p50/p95/p99 latency of each query, and of all of them together.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'talent-bench.sqlite3'}")
os.environ.setdefault("EMAIL_URL", "locmem:")
os.environ["DJANGO_SETTINGS_MODULE"] = "insignia.web.settings_test"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

POPULAR = [
    "python",
    "data analysis",
    "sql",
    "teamwork",
    "communication",
    "project management",
    "machine learning",
    "first aid",
    "sustainability",
]
BATCH = 5000


def _skills_pool(size: int = 300) -> list[str]:
    return POPULAR + [f"skill {i:03d}" for i in range(size - len(POPULAR))]


def seed(learners: int, credentials: int, rng: random.Random) -> None:
    from insignia.web.accounts.models import User
    from insignia.web.achievements import services as achievement_services
    from insignia.web.awards import engine as awards_engine
    from insignia.web.awards.models import Credential, StatusList
    from insignia.web.images.designs import Design
    from insignia.web.issuers.services import organisation_create
    from insignia.web.talent.models import BadgeSkill, DiscoverableBadge, TalentProfile
    from insignia.web.talent.services import skill_resolve
    from insignia.web.wallet.models import WalletItem

    started = time.perf_counter()
    owner = User.objects.create_user("owner@bench.example", "x-not-used-123", name="Owner")
    pool = _skills_pool()
    weights = [1 / (i + 1) ** 0.8 for i in range(len(pool))]
    orgs, versions = [], []
    for o in range(20):
        org = organisation_create(
            actor=owner, name=f"Issuer {o}", url=f"https://i{o}.example", email=f"b@i{o}.example"
        )
        orgs.append(org)
        for b in range(10):
            names = set()
            while len(names) < 3:
                names.add(rng.choices(pool, weights)[0])
            achievement = achievement_services.achievement_create(
                actor=owner,
                organisation_id=org.pk,
                data=achievement_services.VersionData(
                    name=f"Badge {o}-{b}",
                    description="d",
                    criteria="c",
                    achievement_type="Badge",
                    language="en",
                    expiry_months=24 if b % 4 == 0 else None,
                    tags=(),
                    alignments=tuple(
                        achievement_services.AlignmentData(
                            target_name=n.title(), target_url=f"https://s.example/{n}"
                        )
                        for n in sorted(names)
                    ),
                ),
                image=achievement_services.ImageChoice(
                    design=Design(title="B", colour="#0f766e", icon="code")
                ),
            )
            achievement_services.achievement_publish(actor=owner, achievement_id=achievement.pk)
            achievement.refresh_from_db()
            version = achievement.current_version
            skills = [skill_resolve(name=n.title()) for n in sorted(names)]
            versions.append((org, achievement, version, [s.pk for s in skills if s]))
    per_list = 131_072
    lists: dict[uuid.UUID, list[StatusList]] = {}
    for org in orgs:
        count = credentials // len(orgs) // per_list + 2
        lists[org.pk] = StatusList.objects.bulk_create(
            StatusList(
                organisation=org,
                purpose="revocation",
                size=per_list,
                bits=awards_engine.empty_status_bits(per_list),
            )
            for _ in range(count)
        )
    print(f"issuers and badges: {time.perf_counter() - started:.1f} s", flush=True)

    users = User.objects.bulk_create(
        (
            User(email=f"learner{i}@bench.example", name=f"Learner {i}", password="!")
            for i in range(learners)
        ),
        batch_size=BATCH,
    )
    users = list(
        User.objects.filter(email__endswith="@bench.example").exclude(pk=owner.pk).order_by("pk")
    )
    profiles = TalentProfile.objects.bulk_create(
        (
            TalentProfile(user=u, is_discoverable=rng.random() < 0.7, updated_at=datetime.now(UTC))
            for u in users
        ),
        batch_size=BATCH,
    )
    print(f"learners: {time.perf_counter() - started:.1f} s", flush=True)

    now = datetime.now(UTC)
    slots: dict[uuid.UUID, int] = {}
    revoked_bits: dict[uuid.UUID, bytearray] = {}
    done = 0
    while done < credentials:
        n = min(BATCH * 4, credentials - done)
        rows, owners = [], []
        for _ in range(n):
            org, achievement, version, _skills = rng.choice(versions)
            options = lists[org.pk]
            status_list = options[slots.get(org.pk, 0) // per_list]
            index = slots.get(org.pk, 0) % per_list
            slots[org.pk] = slots.get(org.pk, 0) + 1
            issued = now - timedelta(days=rng.randint(0, 1500))
            expires = issued + timedelta(days=730) if version.expiry_months else None
            revoked = rng.random() < 0.01
            if revoked:
                bits = revoked_bits.setdefault(status_list.pk, bytearray(bytes(status_list.bits)))
                bits[:] = awards_engine.set_status_bit(bytes(bits), index)
            learner = rng.randrange(len(users))
            rows.append(
                Credential(
                    organisation=org,
                    achievement=achievement,
                    version=version,
                    recipient_email=users[learner].email,
                    recipient_salt="s",
                    recipient_hash="h",
                    recipient_user=users[learner],
                    document="{}",
                    status_list=status_list,
                    status_index=index,
                    issued_at=issued,
                    valid_until=expires,
                    revoked_at=now if revoked else None,
                )
            )
            owners.append(learner)
        with transaction.atomic():
            made = Credential.objects.bulk_create(rows, batch_size=BATCH)
            items = WalletItem.objects.bulk_create(
                (
                    WalletItem(user=users[o], credential=c, added_at=c.issued_at)
                    for o, c in zip(owners, made, strict=True)
                ),
                batch_size=BATCH,
            )
            chosen = [
                (profiles[o], item, c)
                for o, item, c in zip(owners, items, made, strict=True)
                if profiles[o].is_discoverable and c.revoked_at is None and rng.random() < 0.9
            ]
            badges = DiscoverableBadge.objects.bulk_create(
                (
                    DiscoverableBadge(profile=p, wallet_item=i, credential=c, created_at=now)
                    for p, i, c in chosen
                ),
                batch_size=BATCH,
            )
            skills_of = {v.pk: s for _o, _a, v, s in versions}
            BadgeSkill.objects.bulk_create(
                (
                    BadgeSkill(
                        badge=b,
                        skill_id=s,
                        profile=p,
                        credential=c,
                        organisation_id=c.organisation_id,
                        issued_at=c.issued_at,
                        valid_until=c.valid_until,
                    )
                    for b, (p, _i, c) in zip(badges, chosen, strict=True)
                    for s in skills_of[c.version_id]
                ),
                batch_size=BATCH,
            )
        done += n
        print(f"credentials: {done:,} ({time.perf_counter() - started:.0f} s)", flush=True)
    for pk, bits in revoked_bits.items():
        StatusList.objects.filter(pk=pk).update(bits=bytes(bits))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"seeded in {time.perf_counter() - started:.0f} s", flush=True)


def queries(orgs: list[uuid.UUID]) -> dict[str, object]:
    from insignia.web.talent.selectors import SearchQuery

    year_ago = datetime.now(UTC) - timedelta(days=365)
    return {
        "1 skill (python)": SearchQuery(all_skills=("Python programming",)),
        "all of 2 (python + data analysis)": SearchQuery(all_skills=("python", "data analysis")),
        "sql + any of 3": SearchQuery(
            all_skills=("sql",), any_skills=("teamwork", "communication", "project management")
        ),
        "python, 2 issuers, last year": SearchQuery(
            all_skills=("python",), issuers=tuple(orgs[:2]), earned_after=year_ago
        ),
        "any of 2 rare": SearchQuery(any_skills=("skill 150", "skill 220")),
        "all of 3 (no one)": SearchQuery(all_skills=("python", "sql", "skill 299")),
    }


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--credentials", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    vendor = connection.vendor
    if vendor == "sqlite":
        path = Path(connection.settings_dict["NAME"])
        if not args.reuse and path.exists():
            path.unlink()
    call_command("migrate", verbosity=0)
    if vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=OFF")
    from insignia.web.issuers.models import Organisation
    from insignia.web.talent.models import BadgeSkill
    from insignia.web.talent.selectors import talent_search

    if not (args.reuse and BadgeSkill.objects.exists()):
        if vendor != "sqlite":
            call_command("flush", interactive=False, verbosity=0)
            call_command("migrate", "talent", "0001", verbosity=0)
            call_command("migrate", verbosity=0)
        seed(args.learners, args.credentials, random.Random(7))
    from insignia.web.awards.models import Credential

    print(
        f"\n{vendor}: {Credential.objects.count():,} credentials, "
        f"{BadgeSkill.objects.count():,} index rows"
    )
    orgs = list(Organisation.objects.order_by("name").values_list("pk", flat=True))
    everything: list[float] = []
    print(f"{'query':38} {'found':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for name, query in queries(orgs).items():
        timings = []
        found = 0
        for _ in range(args.repeat):
            start = time.perf_counter()
            found = len(talent_search(query=query).candidates)  # type: ignore[arg-type]
            timings.append((time.perf_counter() - start) * 1000)
        everything.extend(timings)
        print(
            f"{name:38} {found:>5} {percentile(timings, 50):8.1f} "
            f"{percentile(timings, 95):8.1f} {percentile(timings, 99):8.1f}"
        )
    print(
        f"{'all queries':38} {'':>5} {percentile(everything, 50):8.1f} "
        f"{percentile(everything, 95):8.1f} {percentile(everything, 99):8.1f}"
        f"   (mean {statistics.mean(everything):.1f})"
    )


if __name__ == "__main__":
    main()

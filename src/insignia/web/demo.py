"""``make demo``: migrate an SQLite database, seed a demo issuer, and serve the site.

Run as ``python -m insignia.web.demo``.  Seeding is idempotent: a second run keeps the data
(and the demo secrets in ``var/demo-secrets.json``) and just serves again.  ``PORT`` changes
the port (default 8000); ``INSIGNIA_DEMO_NO_SERVE=1`` seeds without starting the server.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import sys
from pathlib import Path
from typing import TypedDict

PROJECT_DIR = Path(__file__).resolve().parents[3]
PASSWORD = "insignia-demo-2026"  # noqa: S105  (printed on purpose: it is a demo)
ORG_EMAIL = "badges@northbridge.example"

STAFF = [
    ("amara.okafor@northbridge.example", "Dr Amara Okafor", "owner"),
    ("tom.lindqvist@northbridge.example", "Tom Lindqvist", "designer"),
    ("priya.raman@northbridge.example", "Priya Raman", "assessor"),
    ("sam.whitfield@northbridge.example", "Sam Whitfield", "issuer"),
]
LEARNER = ("jamie.rivera@example.com", "Jamie Rivera")
FRAMEWORK = "Northbridge Skills Framework 2026"
SKILLS_URL = "https://www.northbridge.example/skills-framework/"


class DemoBadge(TypedDict):
    name: str
    description: str
    criteria: str
    achievement_type: str
    tags: tuple[str, ...]
    expiry_months: int | None
    design: dict[str, str]
    skills: list[tuple[str, str]]


BADGES: list[DemoBadge] = [
    {
        "name": "Data Analysis with Python",
        "description": "Holds working proficiency in cleaning, analysing and visualising real "
        "data sets with Python, pandas and matplotlib, and in explaining the results to a "
        "non-specialist audience.",
        "criteria": "Complete the 6-week Data Analysis with Python module (30 guided hours).\n"
        "Pass the proctored 3-hour practical assessment with a mark of at least 70%: import "
        "and clean a messy public data set, answer five analytical questions, and produce a "
        "reproducible notebook.\n"
        "Present the findings in a 5-minute recorded briefing, assessed against the "
        "module rubric.",
        "achievement_type": "MicroCredential",
        "tags": ("data analysis", "python", "pandas", "visualisation"),
        "expiry_months": None,
        "design": {"colour": "#3730a3", "icon": "chart", "shape": "hexagon"},
        "skills": [
            ("Clean and prepare data sets", "DA-1.2"),
            ("Analyse data with Python and pandas", "DA-2.1"),
            ("Visualise and communicate findings", "DA-3.4"),
        ],
    },
    {
        "name": "Sustainable Operations Fundamentals",
        "description": "Understands how to measure and reduce the environmental impact of "
        "everyday operations: energy, waste, travel and procurement.",
        "criteria": "Attend the four workshop sessions (12 hours) or complete the online "
        "equivalent.\nSubmit a carbon baseline for a real team or site, using the GHG Protocol "
        "scope 1–3 categories.\nPropose three reduction measures with costed impact; pass the "
        "assessor's review.",
        "achievement_type": "CertificateOfCompletion",
        "tags": ("sustainability", "operations", "carbon"),
        "expiry_months": 36,
        "design": {"colour": "#15803d", "icon": "leaf", "shape": "rosette"},
        "skills": [
            ("Measure an organisation's carbon baseline", "SU-1.1"),
            ("Plan operational emission reductions", "SU-2.3"),
        ],
    },
    {
        "name": "Inclusive Team Leadership",
        "description": "Leads teams in ways that include every member: facilitates meetings "
        "well, gives fair feedback, and handles conflict constructively.",
        "criteria": "Complete the three-day leadership programme.\nLead a team project of at "
        "least six weeks and collect structured feedback from team members.\nReflect on the "
        "feedback in a 1,500-word portfolio entry, assessed as meeting the standard.",
        "achievement_type": "Competency",
        "tags": ("leadership", "inclusion", "teamwork"),
        "expiry_months": 24,
        "design": {"colour": "#b45309", "icon": "people", "shape": "shield"},
        "skills": [
            ("Facilitate inclusive meetings", "LE-2.2"),
            ("Give and receive constructive feedback", "LE-3.1"),
            ("Resolve conflict within a team", "LE-4.5"),
        ],
    },
]


def _configure_environment() -> int:
    """Set the demo's environment: SQLite in var/, console email, stable demo secrets."""
    port = int(os.environ.get("PORT", "8000"))
    var = Path(os.environ.setdefault("INSIGNIA_VAR_DIR", str(PROJECT_DIR / "var")))
    var.mkdir(parents=True, exist_ok=True)
    secrets_file = var / "demo-secrets.json"
    if secrets_file.exists():
        stored = json.loads(secrets_file.read_text())
    else:
        stored = {
            "SECRET_KEY": secrets.token_urlsafe(50),
            "INSIGNIA_KEY_ENCRYPTION_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32))
            .decode()
            .rstrip("="),
        }
        secrets_file.write_text(json.dumps(stored, indent=2))
        secrets_file.chmod(0o600)
    for name, value in stored.items():
        os.environ.setdefault(name, value)
    os.environ.setdefault("INSIGNIA_BASE_URL", f"http://127.0.0.1:{port}")
    os.environ.setdefault("EMAIL_URL", "console:")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{var / 'insignia.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "insignia.web.settings")
    return port


def seed() -> bool:
    """Create the demo issuer, staff, badges and learner; return False when already there."""
    from allauth.account.models import EmailAddress
    from django.db import transaction
    from django.test.utils import override_settings

    from insignia.web.accounts.models import User
    from insignia.web.achievements import services as badges
    from insignia.web.awards.services import credential_accept, credential_issue
    from insignia.web.images.designs import Design
    from insignia.web.images.services import image_create_logo
    from insignia.web.issuers.models import Organisation, Role
    from insignia.web.issuers.services import membership_grant, organisation_create
    from insignia.web.wallet.services import wallet_set_visibility

    if Organisation.objects.filter(email=ORG_EMAIL).exists():
        return False
    with (
        # Not printed: the seeded learner accepts the badge directly (outermost, so that
        # the claim email sent on commit still goes to the in-memory backend).
        override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
        transaction.atomic(),
    ):
        people = {}
        for email, name, role in [*STAFF, (*LEARNER, "learner")]:
            user = User.objects.create_user(email, PASSWORD, name=name)
            EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
            people[role] = user
        org = organisation_create(
            actor=people["owner"],
            name="Northbridge University",
            url="https://www.northbridge.example",
            email=ORG_EMAIL,
            description="Northbridge University awards micro-credentials for short courses in "
            "data, sustainability and leadership. Each badge names the assessed skills it "
            "certifies and is signed so that employers can verify it themselves.",
            logo=image_create_logo(initials="NU", colour="#1e3a8a"),
        )
        for _, _, role in STAFF[1:]:
            membership_grant(
                actor=people["owner"],
                organisation_id=org.pk,
                email=people[role].email,
                roles=[Role(role)],
            )
        achievements = []
        for spec in BADGES:
            data = badges.VersionData(
                name=spec["name"],
                description=spec["description"],
                criteria=spec["criteria"],
                achievement_type=spec["achievement_type"],
                tags=spec["tags"],
                expiry_months=spec["expiry_months"],
                alignments=tuple(
                    badges.AlignmentData(
                        target_name=name,
                        target_url=SKILLS_URL + code,
                        target_framework=FRAMEWORK,
                        target_code=code,
                    )
                    for name, code in spec["skills"]
                ),
            )
            image = badges.ImageChoice(
                design=Design(title=data.name, subtitle="Northbridge University", **spec["design"])
            )
            achievement = badges.achievement_create(
                actor=people["designer"], organisation_id=org.pk, data=data, image=image
            )
            badges.achievement_publish(actor=people["designer"], achievement_id=achievement.pk)
            achievements.append(achievement)
        credential = credential_issue(
            actor=people["issuer"],
            achievement_id=achievements[0].pk,
            recipient_email=LEARNER[0],
            recipient_name=LEARNER[1],
            evidence_narrative="Analysed ten years of regional bus ridership data and presented "
            "the findings to the transport committee.",
            result="Distinction",
        )
        credential_accept(user=people["learner"], credential_id=credential.pk)
        wallet_set_visibility(user=people["learner"], credential_id=credential.pk, public=True)
    return True


def _banner() -> str:
    from django.conf import settings
    from django.urls import reverse

    from insignia.web.awards.models import Credential
    from insignia.web.issuers.models import Organisation

    base = settings.INSIGNIA_BASE_URL
    org = Organisation.objects.get(email=ORG_EMAIL)
    public = Credential.objects.filter(organisation=org, wallet_item__visibility="public").first()
    width = max(len(e) for e, _, _ in STAFF) + 2
    lines = [
        "",
        "Insignia demo",
        "=============",
        f"Site:            {base}/",
        f"Issuer page:     {base}{reverse('public:issuer', args=[org.pk])}",
    ]
    if public is not None:
        lines.append(f"Public badge:    {base}{reverse('public:credential', args=[public.pk])}")
    lines += [
        f"DID document:    {base}{reverse('issuer_did', args=[org.pk])}",
        "",
        f"Demo logins (password for all: {PASSWORD})",
    ]
    for email, name, role in [*STAFF, (*LEARNER, "learner")]:
        lines.append(f"  {role:<9} {email:<{width}} {name}")
    lines += ["", "Emails (claim links, sign-up confirmations) are printed below.", ""]
    return "\n".join(lines)


def main() -> None:
    port = _configure_environment()
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    created = seed()
    call_command("collectstatic", interactive=False, verbosity=0)
    print("Seeded the demo data." if created else "Demo data already present.", flush=True)
    print(_banner(), flush=True)
    if os.environ.get("INSIGNIA_DEMO_NO_SERVE"):
        return
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "insignia.web.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--threads",
        "4",
        "--access-logfile",
        "-",
        "--forwarded-allow-ips",
        "127.0.0.1",
    ]
    os.execv(sys.executable, argv)  # noqa: S606


if __name__ == "__main__":
    main()

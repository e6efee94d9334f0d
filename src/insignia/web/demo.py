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
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

if TYPE_CHECKING:  # the models load only once Django is set up
    from insignia.web.accounts.models import User
    from insignia.web.achievements.models import Achievement
    from insignia.web.earning.models import Application

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
#: Learners who earn "Data Analysis with Python" with evidence: one approved, one waiting.
APPLICANTS = [
    ("alex.chen@example.com", "Alex Chen"),
    ("noor.haddad@example.com", "Noor Haddad"),
]
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


#: Evidence and rubric of the first badge (earned by application, judged by an assessor).
DATA_EVIDENCE = [
    ("Your analysis notebook, exported as PDF or as a plain-text summary", "file", 0),
    ("Link to the public repository or notebook", "url", 0),
    ("Reflect on the hardest cleaning problem and how you solved it", "text", 200),
    ("This is my own work, and the data I used may be shared", "attestation", 0),
]
DATA_RUBRIC = [
    ("Data cleaning", "Missing, malformed and duplicate values are found and handled.", True),
    ("Analysis", "The five questions are answered correctly with appropriate methods.", False),
    ("Communication", "Charts and the briefing are clear to a non-specialist.", False),
]
DATA_LEVELS = [
    ("Not yet", 0, "The work does not show this yet."),
    ("Developing", 1, "Partly shown; important gaps remain."),
    ("Proficient", 2, "Shown reliably, as the module expects."),
    ("Exemplary", 3, "Shown with insight beyond the module."),
]
SUSTAINABILITY_EVIDENCE = [
    ("Your carbon baseline (PDF or plain text)", "file", 0),
    ("Describe your three reduction measures and their costed impact", "text", 300),
]
SUSTAINABILITY_CHECKLIST = [
    "The baseline covers scope 1, 2 and 3 categories",
    "Each measure has a cost and an estimated reduction",
    "The measures are realistic for the team or site",
]

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
    {
        "name": "Sustainability Data Analyst",
        "description": "Combines data analysis with sustainable operations: measures an "
        "organisation's footprint from its own data and makes the case for reductions.",
        "criteria": "Awarded on completing the Sustainability Data Analyst pathway: hold both "
        "“Data Analysis with Python” and “Sustainable Operations Fundamentals”, each valid.",
        "achievement_type": "Certificate",
        "tags": ("sustainability", "data analysis", "pathway"),
        "expiry_months": None,
        "design": {"colour": "#0f766e", "icon": "star", "shape": "circle"},
        "skills": [
            ("Analyse data with Python and pandas", "DA-2.1"),
            ("Measure an organisation's carbon baseline", "SU-1.1"),
        ],
    },
]

#: The pathway of the demo: two badges that add up to the fourth.
PATHWAY = "Sustainability Data Analyst"


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
    from insignia.web.earning.selectors import version_result_descriptions
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
        people: dict[str, User] = {}
        for email, name, role in [*STAFF, (*LEARNER, "learner"), *_applicant_roles()]:
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
        achievements: list[Achievement] = []
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
            _seed_assessment(people["designer"], achievement.pk, len(achievements))
            badges.achievement_publish(actor=people["designer"], achievement_id=achievement.pk)
            achievements.append(achievement)
        _seed_access(people["designer"], achievements)
        version = achievements[0].versions.get()
        credential = credential_issue(
            actor=people["issuer"],
            achievement_id=achievements[0].pk,
            recipient_email=LEARNER[0],
            recipient_name=LEARNER[1],
            evidence_narrative="Analysed ten years of regional bus ridership data and presented "
            "the findings to the transport committee.",
            result="Distinction",
            result_descriptions=version_result_descriptions(version=version),
        )
        credential_accept(user=people["learner"], credential_id=credential.pk)
        wallet_set_visibility(user=people["learner"], credential_id=credential.pk, public=True)
        _seed_applications(people, achievements[0].pk)
        _seed_sharing(people, org.pk, achievements, credential)
        _seed_talent(people, credential.pk)
        _seed_pathway(people["issuer"], org.pk, achievements)
        _seed_api_token(people["owner"], org.pk)
    return True


def _api_token_file() -> Path:
    from django.conf import settings

    return Path(settings.VAR_DIR) / "demo-api-token.txt"


def _seed_api_token(owner: User, organisation_id: uuid.UUID) -> None:
    """An API token with every scope, kept in var/ so that the banner can show it each time
    (a real token's secret is shown once, at creation, and only its hash is stored)."""
    from insignia.web.api.scopes import Scope
    from insignia.web.api.services import api_token_create

    _, secret = api_token_create(
        actor=owner, organisation_id=organisation_id, name="Demo", scopes=[s.value for s in Scope]
    )
    path = _api_token_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(secret + "\n", encoding="utf-8")


def _seed_pathway(
    issuer: User, organisation_id: uuid.UUID, achievements: list[Achievement]
) -> None:
    """A public, active pathway: “Data Analysis with Python” and “Sustainable Operations
    Fundamentals” lead to “Sustainability Data Analyst”.  The learner holds the first, so their
    wallet shows 1 of 2 and what comes next."""
    from insignia.web.pathways import services as pathways

    pathway = pathways.pathway_create(
        actor=issuer,
        organisation_id=organisation_id,
        goal_id=achievements[3].pk,
        name=PATHWAY,
        description="Two short programmes that together prove you can measure and reduce an "
        "organisation's footprint from its own data.",
        is_public=True,
    )
    root = pathway.requirements.get(parent__isnull=True)
    for achievement in achievements[:2]:
        pathways.requirement_add(
            actor=issuer,
            pathway_id=pathway.pk,
            parent_id=root.pk,
            kind="achievement",
            achievement_id=achievement.pk,
        )
    pathways.pathway_activate(actor=issuer, pathway_id=pathway.pk)


#: An employer with a recruiter, who can search the learners who opted in to be found.
RECRUITER = ("rita.recruiter@harbour.example", "Rita Recruiter")


def _seed_talent(people: dict[str, User], credential_id: uuid.UUID) -> None:
    """An employer organisation with a recruiter; the demo learner opted in with their badge."""
    from allauth.account.models import EmailAddress

    from insignia.web.accounts.models import User
    from insignia.web.issuers.models import Role
    from insignia.web.issuers.services import membership_grant, organisation_create
    from insignia.web.talent.services import talent_profile_update
    from insignia.web.wallet.models import WalletItem

    recruiter = User.objects.create_user(RECRUITER[0], PASSWORD, name=RECRUITER[1])
    EmailAddress.objects.create(user=recruiter, email=RECRUITER[0], primary=True, verified=True)
    employer = organisation_create(
        actor=people["owner"],
        name="Harbour Analytics",
        url="https://www.harbour.example",
        email="talent@harbour.example",
        description="A data consultancy hiring analysts.",
    )
    membership_grant(
        actor=people["owner"],
        organisation_id=employer.pk,
        email=recruiter.email,
        roles=[Role.RECRUITER],
    )
    talent_profile_update(
        user=people["learner"],
        is_discoverable=True,
        show_name=True,
        show_contact=False,
        show_location=True,
        location="Leeds, UK",
        headline="Transport analyst",
        wallet_item_ids=[WalletItem.objects.get(credential_id=credential_id).pk],
    )


#: The demo issuer's LinkedIn page id (made up) and where its badges' "Learn more" links lead.
LINKEDIN_ID = "90061234"
COURSES_URL = "https://www.northbridge.example/short-courses/"
#: A fortnight of counts for the public badge: (kind, channel, per day).
DEMO_COUNTS = [
    ("view", "linkedin", 4),
    ("view", "direct", 2),
    ("view", "embed", 1),
    ("share", "linkedin", 1),
    ("linkedin_add", "linkedin", 1),
    ("verify", "api", 1),
    ("download", "pdf", 1),
    ("click", "linkedin", 1),
]


def _seed_sharing(
    people: dict[str, User], org_id: uuid.UUID, achievements: list[Achievement], credential: Any
) -> None:
    """Marketing settings, the learner's public profile, and counts for the analytics pages."""
    from datetime import timedelta

    from django.utils import timezone
    from django.utils.text import slugify

    from insignia.web.analytics.models import Channel, Kind
    from insignia.web.analytics.services import event_record
    from insignia.web.issuers.models import Organisation
    from insignia.web.issuers.services import organisation_update
    from insignia.web.sharing.services import achievement_marketing_update, learner_profile_update

    org = Organisation.objects.get(pk=org_id)
    organisation_update(
        actor=people["owner"],
        organisation_id=org.pk,
        name=org.name,
        url=org.url,
        email=org.email,
        description=org.description,
        linkedin_organization_id=LINKEDIN_ID,
    )
    for achievement, spec in zip(achievements, BADGES, strict=True):
        achievement_marketing_update(
            actor=people["designer"],
            achievement_id=achievement.pk,
            learn_more_url=f"{COURSES_URL}{slugify(spec['name'])}/",
        )
    learner_profile_update(user=people["learner"], is_public=True, headline="Transport analyst")
    today = timezone.localdate()
    for days_ago in range(14):
        for offset, (kind, channel, per_day) in enumerate(DEMO_COUNTS):
            for _ in range(per_day * (1 + (days_ago + offset) % 3) // 2):
                event_record(
                    kind=Kind(kind),
                    credential=credential,
                    channel=Channel(channel),
                    day=today - timedelta(days=days_ago),
                )


def _applicant_roles() -> list[tuple[str, str, str]]:
    return [(email, name, f"applicant{i}") for i, (email, name) in enumerate(APPLICANTS)]


def _seed_assessment(designer: User, achievement_id: uuid.UUID, index: int) -> None:
    """Evidence and a rubric for the first badge, a checklist for the second."""
    from insignia.web.earning import services as earning
    from insignia.web.earning.models import Rubric

    def items(spec: list[tuple[str, str, int]]) -> list[earning.RequirementData]:
        return [
            earning.RequirementData(
                prompt=prompt,
                kind=kind,
                min_length=length or None,
                file_types=("pdf", "text") if kind == "file" else (),
                max_bytes=5 * 1024 * 1024 if kind == "file" else None,
            )
            for prompt, kind, length in spec
        ]

    if index == 0:
        levels = tuple(earning.LevelData(n, p, d) for n, p, d in DATA_LEVELS)
        rubric = earning.RubricData(
            name="Practical assessment",
            description="Each criterion is scored from 0 to 3. The assessor reads the notebook "
            "and the reflection; data cleaning must be at least Developing.",
            pass_mark=6,
            criteria=tuple(
                earning.CriterionData(name, text, levels, must_reach=1 if must else None)
                for name, text, must in DATA_RUBRIC
            ),
        )
        earning.assessment_save(
            actor=designer,
            achievement_id=achievement_id,
            requirements=items(DATA_EVIDENCE),
            rubric=rubric,
        )
    elif index == 1:
        earning.assessment_save(
            actor=designer,
            achievement_id=achievement_id,
            requirements=items(SUSTAINABILITY_EVIDENCE),
            rubric=earning.RubricData(
                name="Reduction plan checklist",
                kind=Rubric.Kind.CHECKLIST,
                criteria=tuple(earning.CriterionData(c) for c in SUSTAINABILITY_CHECKLIST),
            ),
        )


def _seed_access(designer: User, achievements: list[Achievement]) -> None:
    """The first badge is open to anyone; the second to holders of an invite code."""
    from insignia.web.earning import services as earning
    from insignia.web.earning.models import AccessPolicy

    first, second = (a.pk for a in achievements[:2])
    earning.access_policy_set(
        actor=designer,
        achievement_id=first,
        mode=AccessPolicy.Mode.OPEN,
    )
    earning.access_policy_set(
        actor=designer,
        achievement_id=second,
        mode=AccessPolicy.Mode.CODE,
    )
    earning.invite_code_create(
        actor=designer,
        achievement_id=second,
        label="Spring 2026 workshop",
    )


def _seed_applications(people: dict[str, User], achievement_id: uuid.UUID) -> None:
    """One application approved with a result, one waiting in the assessor's queue."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from insignia.web.earning import selectors
    from insignia.web.earning import services as earning

    summaries = [
        "Cleaned 38,000 rows of the city's cycle-hire data: removed 412 duplicate journeys, "
        "imputed missing dock ids from coordinates, and flagged 97 implausible durations.",
        "Analysed ten years of library loans: seasonality, the effect of the 2023 opening-hours "
        "change, and which branches would gain most from longer weekend hours.",
    ]
    reflections = [
        "The hardest problem was journeys with a start time after their end time. Rather than "
        "dropping them, I found they clustered around the clock change in October, so I "
        "converted every timestamp to UTC first; 96% of the problem rows became valid.",
        "Loan records used three different branch codes after a 2021 merger. I built a mapping "
        "table from the council's archive and tested it against the yearly totals the library "
        "publishes, which now match to within one loan.",
    ]
    for i, (email, _) in enumerate(APPLICANTS):
        learner = people[f"applicant{i}"]
        application = earning.application_start(
            learner=learner,
            achievement_id=achievement_id,
        )
        prompts = {
            r.prompt: r.pk for r in selectors.version_requirements(version=application.version)
        }
        answers = {
            prompts[DATA_EVIDENCE[0][0]]: earning.AnswerData(
                file=SimpleUploadedFile(
                    "analysis-summary.txt", summaries[i].encode(), content_type="text/plain"
                )
            ),
            prompts[DATA_EVIDENCE[1][0]]: earning.AnswerData(
                url=f"https://github.com/{email.split('@')[0].replace('.', '-')}/analysis"
            ),
            prompts[DATA_EVIDENCE[2][0]]: earning.AnswerData(text=reflections[i]),
            prompts[DATA_EVIDENCE[3][0]]: earning.AnswerData(attested=True),
        }
        saved = earning.application_save(
            learner=learner,
            application_id=application.pk,
            expected_row_version=application.row_version,
            answers=answers,
        )
        submitted = earning.application_submit(
            learner=learner,
            application_id=application.pk,
            expected_row_version=saved.row_version,
        )
        if i == 0:
            _seed_approval(people["assessor"], submitted)


def _seed_approval(assessor: User, application: Application) -> None:
    from insignia.web.earning import selectors
    from insignia.web.earning import services as earning

    started = earning.review_start(
        actor=assessor,
        application_id=application.pk,
        expected_row_version=application.row_version,
    )
    rubric = selectors.version_rubric(version=started.version)
    assert rubric is not None
    chosen = [3, 2, 2]
    feedback = [
        "Excellent: the clock-change insight is exactly the kind of care we look for.",
        "Correct answers; the seasonal model could be justified more fully.",
        "Clear charts; the briefing runs slightly long.",
    ]
    scores = tuple(
        earning.ScoreData(c.pk, next(lv.pk for lv in c.levels.all() if lv.points == p), feedback[n])
        for n, (c, p) in enumerate(zip(rubric.criteria.all(), chosen, strict=True))
    )
    earning.review_decide(
        actor=assessor,
        application_id=started.pk,
        expected_revision=started.revision,
        expected_row_version=started.row_version,
        data=earning.DecisionData(
            "approve", "A careful, well-documented analysis. Congratulations!", scores
        ),
    )


def _banner() -> str:
    from django.conf import settings
    from django.urls import reverse

    from insignia.web.awards.models import Credential
    from insignia.web.earning.models import Application, InviteCode
    from insignia.web.issuers.models import Organisation

    base = settings.INSIGNIA_BASE_URL
    org = Organisation.objects.get(email=ORG_EMAIL)
    public = Credential.objects.filter(organisation=org, wallet_item__visibility="public").first()
    approved = Application.objects.filter(state="approved").select_related("version").first()
    code = InviteCode.objects.filter(achievement__organisation=org).first()
    width = max(len(e) for e, _, _ in STAFF) + 2
    sustainability = BADGES[1]["name"]
    lines = [
        "",
        "Insignia demo",
        "=============",
        f"Site:            {base}/",
        f"Issuer page:     {base}{reverse('public:issuer', args=[org.pk])}",
    ]
    if public is not None:
        lines.append(f"Public badge:    {base}{reverse('public:credential', args=[public.pk])}")
    lines.append(f"DID document:    {base}{reverse('issuer_did', args=[org.pk])}")
    if approved is not None:
        lines += [
            f"Apply (open):    {base}{reverse('earning:apply', args=[approved.achievement_id])}",
            f"Review queue:    {base}{reverse('earning:queue', args=[org.pk])}  (assessor)",
        ]
    if code is not None:
        lines.append(
            f"Invite code:     {code.code}  for “{sustainability}” "
            f"({base}{reverse('earning:apply', args=[code.achievement_id])})"
        )
    lines += ["", f"Demo logins (password for all: {PASSWORD})"]
    applicants = [(email, name, "applicant") for email, name in APPLICANTS]
    for email, name, role in [*STAFF, (*LEARNER, "learner"), *applicants]:
        lines.append(f"  {role:<9} {email:<{width}} {name}")
    lines.append(f"  {'recruiter':<9} {RECRUITER[0]:<{width}} {RECRUITER[1]}")
    employer = Organisation.objects.filter(email="talent@harbour.example").first()
    if employer is not None:
        lines.append(f"Find candidates: {base}{reverse('talent:search', args=[employer.pk])}")
    lines.append(f"Verify any badge: {base}{reverse('verification:verify')}")
    from insignia.web.pathways.models import Pathway

    pathway = Pathway.objects.filter(organisation=org, name=PATHWAY).first()
    if pathway is not None:
        lines.append(f"Pathway:         {base}{reverse('pathways:public', args=[pathway.pk])}")
    lines.append(f"API docs:        {base}/api/docs")
    token = _api_token_file()
    if token.is_file():
        lines.append(f"API token:       {token.read_text(encoding='utf-8').strip()}  (every scope)")
    lines += [
        "",
        f"{APPLICANTS[0][1]} earned “{BADGES[0]['name']}” through an application (approved with "
        f"a rubric result); {APPLICANTS[1][1]}'s application waits in the assessor's queue.",
    ]
    lines += ["", "Emails (claim links, sign-up confirmations) are printed below.", ""]
    return "\n".join(lines)


def _start_task_worker() -> None:
    """Run the background-task worker (bulk issuance, queued emails, webhooks) and the periodic
    jobs (``run_periodic``) beside the web server.

    It stays in this terminal's process group, so the Ctrl-C that stops gunicorn stops it too.
    """
    import subprocess

    for command in ("db_worker", "run_periodic"):
        subprocess.Popen(  # noqa: S603  (our own module, fixed arguments)
            [sys.executable, "-m", "insignia.web.manage", command], env=os.environ.copy()
        )
    print(
        "Task worker started (bulk issuance, emails, webhooks), and the periodic jobs "
        "(retries, sweeps, reminders).",
        flush=True,
    )


def main() -> None:
    port = _configure_environment()
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    created = seed()
    call_command("collectstatic", interactive=False, verbosity=0)
    print("Seeded the demo data." if created else "Demo data already present.", flush=True)
    print(_banner(), flush=True)
    if os.environ.get("INSIGNIA_DEMO_NO_SERVE"):
        return
    _start_task_worker()
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

"""Reads for the privacy pages: everything Insignia holds about one person, as plain data.

:func:`export_data` is the single list of what a learner's data *is*; the export writes it out
and the deletion (``services.account_delete``) removes or anonymises the same things.  Each
query starts from the person (their user row or their verified addresses), so nothing about
anyone else can slip in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import Q, QuerySet

from insignia.web.accounts.models import User, normalise_email
from insignia.web.analytics.models import Event
from insignia.web.awards.models import Credential
from insignia.web.earning.models import Application, EvidenceItem, Review
from insignia.web.issuers.models import AuditEvent, Membership
from insignia.web.obapi.selectors import connected_clients
from insignia.web.pathways.models import PathwayCompletion, PathwayProgress
from insignia.web.sharing.models import LearnerProfile
from insignia.web.talent.models import ContactRequest, DiscoverableBadge, TalentProfile
from insignia.web.wallet.models import ImportedCredential, WalletItem

FORMAT = "insignia-export/1"


def verified_emails(*, user: User) -> list[str]:
    """The addresses this person proved they control (credentials sent to them are theirs)."""
    rows = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return sorted({normalise_email(e) for e in rows})


def credentials_of(*, user: User) -> QuerySet[Credential]:
    """Credentials in their wallet, or addressed to one of their verified addresses."""
    emails = verified_emails(user=user)
    return Credential.objects.filter(Q(recipient_user=user) | Q(recipient_email__in=emails))


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@dataclass
class ExportData:
    """The JSON part of an export and the files that go beside it (archive path → bytes or a
    stored evidence file's relative path)."""

    data: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    evidence_files: dict[str, str] = field(default_factory=dict)


def _credential(c: Credential) -> dict[str, Any]:
    return {
        "credential_id": c.credential_id,
        "badge": c.version.name,
        "issuer": c.organisation.name,
        "issuer_did": c.organisation.did,
        "issued_at": _iso(c.issued_at),
        "valid_until": _iso(c.valid_until),
        "revoked_at": _iso(c.revoked_at),
        "revocation_reason": c.revocation_reason,
        "suspended_at": _iso(c.suspended_at),
        "recipient_email": c.recipient_email,
        "recipient_name": c.recipient_name,
        "document": f"credentials/{c.pk}.json",
    }


def export_data(*, user: User, now: datetime) -> ExportData:
    """Everything about ``user``: account, addresses, badges (with their signed documents),
    imported badges (original bytes), applications with evidence (files), talent and public
    profiles, messages from recruiters, counts of views and shares of their badges, pathway
    completions and progress, connected applications, and what they did as staff."""
    out = ExportData(data={"format": FORMAT, "exported_at": now.isoformat()})
    data = out.data
    data["account"] = {
        "email": user.email,
        "name": user.name,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
        "site_administrator": user.is_staff,
    }
    data["email_addresses"] = [
        {"email": e.email, "verified": e.verified, "primary": e.primary}
        for e in EmailAddress.objects.filter(user=user).order_by("email")
    ]
    data["memberships"] = [
        {"organisation": m.organisation.name, "role": m.role, "since": _iso(m.created_at)}
        for m in Membership.objects.filter(user=user).select_related("organisation")
    ]

    credentials = list(
        credentials_of(user=user).select_related("organisation", "version").order_by("issued_at")
    )
    items = {
        w.credential_id: w for w in WalletItem.objects.filter(user=user, credential__in=credentials)
    }
    data["credentials"] = []
    for c in credentials:
        entry = _credential(c)
        wallet_item = items.get(c.pk)
        entry["in_wallet"] = wallet_item is not None
        entry["visibility"] = wallet_item.visibility if wallet_item else None
        entry["added_at"] = _iso(wallet_item.added_at) if wallet_item else None
        data["credentials"].append(entry)
        out.files[f"credentials/{c.pk}.json"] = c.document.encode("utf-8")

    data["imported_badges"] = []
    for imp in ImportedCredential.objects.filter(user=user).order_by("imported_at"):
        name = f"imported/{imp.pk}.{imp.media or 'bin'}"
        data["imported_badges"].append(
            {
                "id": str(imp.pk),
                "name": imp.name,
                "issuer": imp.issuer_name,
                "source": imp.source,
                "source_url": imp.source_url,
                "filename": imp.filename,
                "format": imp.format,
                "credential_id": imp.credential_id,
                "valid_when_imported": imp.valid,
                "report": imp.report,
                "imported_at": _iso(imp.imported_at),
                "original": name,
            }
        )
        out.files[name] = bytes(imp.original)

    data["applications"] = []
    applications = (
        Application.objects.filter(learner=user)
        .select_related("version", "achievement__organisation")
        .order_by("created_at")
    )
    for app in applications:
        evidence = []
        for item in EvidenceItem.objects.filter(application=app).select_related("requirement"):
            row: dict[str, Any] = {
                "id": str(item.pk),
                "revision": item.revision,
                "prompt": item.requirement.prompt,
                "text": item.text,
                "url": item.url,
                "confirmed": item.attested,
                "visibility": item.visibility,
            }
            if item.file_path:
                name = f"evidence/{item.pk}/{item.file_name or 'file'}"
                row.update(
                    file=name,
                    file_name=item.file_name,
                    content_type=item.content_type,
                    size=item.file_size,
                    sha256=item.sha256,
                )
                out.evidence_files[name] = item.file_path
            evidence.append(row)
        data["applications"].append(
            {
                "id": str(app.pk),
                "badge": app.version.name,
                "issuer": app.achievement.organisation.name,
                "state": app.state,
                "revision": app.revision,
                "created_at": _iso(app.created_at),
                "submitted_at": _iso(app.submitted_at),
                "decided_at": _iso(app.decided_at),
                "credential_id": f"urn:uuid:{app.credential_id}" if app.credential_id else None,
                "history": [
                    {"step": e.kind, "revision": e.revision, "at": _iso(e.created_at)}
                    for e in app.events.all()
                ],
                # The assessors' decisions and feedback to the learner (not who they are).
                "reviews": [
                    {
                        "revision": r.revision,
                        "decision": r.decision,
                        "feedback": r.feedback,
                        "at": _iso(r.created_at),
                    }
                    for r in Review.objects.filter(application=app)
                ],
                "evidence": evidence,
            }
        )

    profile = TalentProfile.objects.filter(user=user).first()
    data["talent_profile"] = (
        {
            "discoverable": profile.is_discoverable,
            "show_name": profile.show_name,
            "show_contact": profile.show_contact,
            "show_location": profile.show_location,
            "location": profile.location,
            "headline": profile.headline,
            "badges": [
                f"urn:uuid:{b.credential_id}"
                for b in DiscoverableBadge.objects.filter(profile=profile)
            ],
            "messages_from_recruiters": [
                {
                    "organisation": m.organisation.name,
                    "subject": m.subject,
                    "message": m.message,
                    "at": _iso(m.created_at),
                }
                for m in ContactRequest.objects.filter(profile=profile).select_related(
                    "organisation"
                )
            ],
        }
        if profile
        else None
    )
    learner_profile = LearnerProfile.objects.filter(user=user).first()
    data["public_profile"] = (
        {"public": learner_profile.is_public, "headline": learner_profile.headline}
        if learner_profile
        else None
    )
    # Views, shares and verifications of their badges (no visitor is recorded, only counts).
    data["badge_activity"] = [
        {
            "credential_id": f"urn:uuid:{e['credential_id']}",
            "kind": e["kind"],
            "channel": e["channel"],
            "day": e["day"].isoformat(),
        }
        for e in Event.objects.filter(credential__in=credentials)
        .order_by("day", "pk")
        .values("credential_id", "kind", "channel", "day")
    ]
    data["pathways"] = {
        "completed": [
            {
                "pathway": c.pathway.name,
                "state": c.state,
                "completed_at": _iso(c.completed_at),
                "credential_id": f"urn:uuid:{c.credential_id}" if c.credential_id else None,
                "met_by": c.satisfied_by,
            }
            for c in PathwayCompletion.objects.filter(learner=user).select_related("pathway")
        ],
        "progress": [
            {
                "pathway": p.pathway.name,
                "met": p.met,
                "total": p.total,
                "updated_at": _iso(p.updated_at),
            }
            for p in PathwayProgress.objects.filter(learner=user).select_related("pathway")
        ],
    }
    # Applications that may still act for them through the Open Badges API (OAuth tokens).
    data["connected_apps"] = [
        {
            "name": c.name,
            "client_id": c.client_id,
            "website": c.client_uri,
            "may": c.scope_words,
            "since": _iso(c.since),
        }
        for c in connected_clients(user=user, now=now)
    ]
    data["staff_actions"] = [
        {
            "action": a.action,
            "organisation": a.organisation.name if a.organisation else None,
            "object_type": a.object_type,
            "object_id": a.object_id,
            "at": _iso(a.created_at),
        }
        for a in AuditEvent.objects.filter(actor=user).select_related("organisation")
    ]
    return out

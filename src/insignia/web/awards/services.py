"""Writes about credentials: issue (sign + status slot + claim email), revoke, claim, accept."""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from insignia.web.accounts.models import User, normalise_email
from insignia.web.accounts.selectors import user_by_email, user_verified_emails
from insignia.web.accounts.services import user_add_verified_email, user_create
from insignia.web.achievements.models import Achievement, AchievementVersion
from insignia.web.achievements.selectors import access_achievement, version_url
from insignia.web.awards import engine
from insignia.web.awards.models import ClaimToken, Credential, StatusList
from insignia.web.awards.selectors import (
    access_credential,
    claim_token_get,
    status_list_url,
)
from insignia.web.common import events
from insignia.web.common.dates import add_months
from insignia.web.common.errors import ApplicationError, NotFound
from insignia.web.images.selectors import image_url
from insignia.web.issuers.models import AuditEvent, Organisation, Role, SigningKey
from insignia.web.issuers.selectors import active_signing_key, organisation_profile_url
from insignia.web.issuers.services import audit_record, signing_key_open
from insignia.web.wallet.models import WalletItem
from insignia.web.wallet.services import wallet_add

STATUS_LIST_SIZE = engine.MIN_STATUS_ENTRIES
logger = logging.getLogger(__name__)


def _signing_key(organisation: Organisation) -> SigningKey:
    key = active_signing_key(organisation=organisation)
    if key is None:
        raise ApplicationError(
            "The organisation has no active signing key; an owner must create one."
        )
    return key


def issuer_profile(organisation: Organisation) -> engine.IssuerData:
    """The organisation as the OB 3.0 ``Profile`` embedded in its credentials."""
    return engine.IssuerData(
        id=organisation.did,
        name=organisation.name,
        url=organisation.url,
        email=organisation.email,
        description=organisation.description,
        image_url=image_url(organisation.logo) if organisation.logo else None,
        profile_url=organisation_profile_url(organisation),
    )


def status_list_publish(*, status_list: StatusList, now: datetime | None = None) -> StatusList:
    """Sign the current bits as a BitstringStatusListCredential and store it for serving."""
    now = now or timezone.now()
    key = _signing_key(status_list.organisation)
    document = engine.sign_status_list(
        list_url=status_list_url(status_list),
        issuer=status_list.organisation.did,
        purpose=status_list.purpose,
        bits=bytes(status_list.bits),
        signer=signing_key_open(key=key),
        verification_method=key.verification_method,
        now=now,
    )
    status_list.document = engine.dumps(document)
    status_list.published_version += 1
    status_list.published_at = now
    status_list.save(update_fields=["document", "published_version", "published_at"])
    audit_record(
        organisation=status_list.organisation,
        actor=None,
        action="status_list.signed",
        obj=status_list,
        now=now,
        key=key.key_id,
        version=status_list.published_version,
    )
    return status_list


def status_lists_republish(*, organisation: Organisation, now: datetime | None = None) -> int:
    """Re-sign every status list of an organisation with its active key (after a key was
    marked compromised); return how many."""
    count = 0
    for status_list in StatusList.objects.select_for_update().filter(
        organisation=organisation, published_version__gt=0
    ):
        status_list_publish(status_list=status_list, now=now)
        count += 1
    return count


def _status_list_with_room(organisation: Organisation, purpose: str, now: datetime) -> StatusList:
    row = (
        StatusList.objects.select_for_update()
        .filter(organisation=organisation, purpose=purpose, is_full=False)
        .order_by("created_at")
        .first()
    )
    if row is None:
        row = StatusList.objects.create(
            organisation=organisation,
            purpose=purpose,
            size=STATUS_LIST_SIZE,
            bits=engine.empty_status_bits(STATUS_LIST_SIZE),
        )
        status_list_publish(status_list=row, now=now)
    return row


def _allocate_index(status_list: StatusList) -> int:
    taken = set(
        Credential.objects.filter(status_list=status_list).values_list("status_index", flat=True)
    )
    if len(taken) >= status_list.size - 1:
        status_list.is_full = True
        status_list.save(update_fields=["is_full"])
    return engine.allocate_status_index(taken, status_list.size)


def claim_url(token: str) -> str:
    return settings.INSIGNIA_BASE_URL + reverse("awards:claim", args=[token])


def claim_token_create(*, credential: Credential, now: datetime | None = None) -> str:
    """Make a one-time claim link for the credential; only its hash is stored."""
    now = now or timezone.now()
    token = secrets.token_urlsafe(32)
    ClaimToken.objects.create(
        credential=credential,
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        created_at=now,
        expires_at=now + timedelta(days=settings.INSIGNIA_CLAIM_DAYS),
    )
    return token


def _claim_email_after_commit(credential: Credential, token: str) -> None:
    """Send the claim email once the award is committed; a mail outage must not undo or hide
    the award (the issuer can resend the email from the award's page)."""

    def send() -> None:
        try:
            claim_email_send(credential=credential, token=token)
        except Exception:
            logger.exception("Could not email the claim link of %s", credential.credential_id)

    transaction.on_commit(send)


def claim_email_send(*, credential: Credential, token: str) -> None:
    """Email the recipient their claim link (console backend in the demo, SMTP in production)."""
    context = {
        "credential": credential,
        "organisation": credential.organisation,
        "version": credential.version,
        "claim_url": claim_url(token),
        "days": settings.INSIGNIA_CLAIM_DAYS,
        "image_url": image_url(credential.version.image, extension="png")
        if credential.version.image.has_png
        else image_url(credential.version.image),
    }
    subject = f"{credential.organisation.name} awarded you “{credential.version.name}”"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("awards/email/claim.txt", context),
        to=[credential.recipient_email],
        reply_to=[credential.organisation.email],
    )
    message.attach_alternative(render_to_string("awards/email/claim.html", context), "text/html")
    message.send()
    ClaimToken.objects.filter(token_hash=hashlib.sha256(token.encode()).hexdigest()).update(
        emailed_at=timezone.now()
    )


@transaction.atomic
def credential_issue(
    *,
    actor: User,
    achievement_id: uuid.UUID,
    recipient_email: str,
    recipient_name: str = "",
    evidence_url: str = "",
    evidence_narrative: str = "",
    result: str = "",
    result_descriptions: Sequence[engine.ResultDescriptionData] = (),
    now: datetime | None = None,
) -> Credential:
    """Award a published badge (issuers): build the credential, sign it, store it, email a
    claim link.

    :param result_descriptions: the version's rubric, so that the achievement embedded here is
        the same as in credentials earned through an application.
    :raises ApplicationError: when the badge is not published or the issuer has no key.
    """
    achievement = access_achievement(user=actor, achievement_id=achievement_id, role=Role.ISSUER)
    version = achievement.current_version
    if achievement.state != Achievement.State.PUBLISHED or version is None:
        raise ApplicationError("Only published badges can be awarded.")
    evidence = []
    if evidence_url.strip() or evidence_narrative.strip():
        evidence.append(
            engine.EvidenceData(
                id=evidence_url.strip() or None,
                name="Evidence",
                narrative=evidence_narrative.strip() or None,
            )
        )
    return credential_create(
        achievement=achievement,
        version=version,
        issued_by=actor,
        recipient_email=recipient_email,
        recipient_name=recipient_name,
        evidence=evidence,
        results=[engine.ResultData(value=result.strip())] if result.strip() else [],
        result_descriptions=result_descriptions,
        now=now,
    )


def _renewable(achievement: Achievement, email: str) -> Credential | None:
    """The holder's latest award of this badge that expires, is not revoked and was not
    renewed yet (what a new award to them renews)."""
    return (
        Credential.objects.filter(
            achievement=achievement,
            recipient_email=email,
            valid_until__isnull=False,
            revoked_at__isnull=True,
            superseded_by__isnull=True,
        )
        .order_by("-issued_at")
        .first()
    )


@transaction.atomic
def credential_create(
    *,
    achievement: Achievement,
    version: AchievementVersion,
    issued_by: User,
    recipient_email: str,
    recipient_name: str = "",
    recipient_user: User | None = None,
    evidence: Sequence[engine.EvidenceData] = (),
    results: Sequence[engine.ResultData] = (),
    result_descriptions: Sequence[engine.ResultDescriptionData] = (),
    now: datetime | None = None,
    audit: dict[str, str] | None = None,
    supersedes: Credential | None = None,
    supersede_kind: str = "",
) -> Credential:
    """Sign and store a credential for ``version``, and deliver it.

    Checks no roles: callers decide who may award (``credential_issue`` for issuers, the
    earning app's approval for assessors).  With ``recipient_user`` (a signed-in learner whose
    address it is), the credential goes straight into their wallet; otherwise a claim link is
    emailed once the transaction commits.

    :raises ApplicationError: when the issuer has no active key, or a concurrent award took
        the same status slot.
    """
    now = (now or timezone.now()).replace(microsecond=0)
    if supersedes is None:  # an expiring or expired badge earned again: a renewal of it
        supersedes = _renewable(achievement, normalise_email(recipient_email))
        supersede_kind = "renewal" if supersedes is not None else ""
    organisation = achievement.organisation
    key = _signing_key(organisation)
    status_list = _status_list_with_room(organisation, StatusList.Purpose.REVOCATION, now)
    index = _allocate_index(status_list)
    pk, salt = uuid.uuid4(), secrets.token_hex(16)
    email = normalise_email(recipient_email)
    valid_until = add_months(now, version.expiry_months) if version.expiry_months else None
    data = engine.CredentialData(
        id=f"urn:uuid:{pk}",
        issuer=issuer_profile(organisation),
        achievement=engine.achievement_data(version, version_url(version), result_descriptions),
        recipient_email=email,
        recipient_salt=salt,
        recipient_name=recipient_name.strip(),
        evidence=tuple(evidence),
        results=tuple(results),
        valid_from=now,
        valid_until=valid_until,
        status=engine.revocation_entry(status_list_url(status_list), index),
    )
    document = engine.sign_credential(
        data,
        signer=signing_key_open(key=key),
        verification_method=key.verification_method,
        created=now,
    )
    try:
        with transaction.atomic():
            credential = Credential.objects.create(
                id=pk,
                organisation=organisation,
                achievement=achievement,
                version=version,
                recipient_email=email,
                recipient_name=recipient_name.strip(),
                recipient_salt=salt,
                recipient_hash=engine.email_identity_hash(email, salt),
                document=engine.dumps(document),
                status_list=status_list,
                status_index=index,
                issued_at=now,
                valid_until=valid_until,
                issued_by=issued_by,
                supersedes=supersedes,
                supersede_kind=supersede_kind,
            )
    except IntegrityError as exc:  # a concurrent award took the same status slot
        raise ApplicationError(
            "Another award was being made at the same moment; try again."
        ) from exc
    audit_record(
        organisation=organisation,
        actor=issued_by,
        action="credential.issued",
        obj=credential,
        now=now,
        achievement=str(achievement.pk),
        version=version.number,
        key=key.key_id,
        status_index=index,
        **(audit or {}),
    )
    events.credentials_issued.send(sender=None, credentials=[credential])
    if recipient_user is not None:
        _attach(credential, recipient_user, now)
    else:
        token = claim_token_create(credential=credential, now=now)
        _claim_email_after_commit(credential, token)
    return credential


@dataclass(frozen=True, slots=True)
class RecipientData:
    """One recipient of a batch award (``credentials_create_many``)."""

    email: str
    name: str = ""
    evidence: Sequence[engine.EvidenceData] = ()
    results: Sequence[engine.ResultData] = ()
    #: ``validFrom`` (the day the badge was earned); the signing time when None.
    valid_from: datetime | None = None


def _status_slots(
    organisation: Organisation, purpose: str, count: int, now: datetime
) -> list[tuple[StatusList, int]]:
    """Allocate ``count`` random free indexes (locking the lists), moving on to a new list when
    one fills up.  The taken indexes are read once per list, not once per credential."""
    slots: list[tuple[StatusList, int]] = []
    while len(slots) < count:
        status_list = _status_list_with_room(organisation, purpose, now)
        taken = set(
            Credential.objects.filter(status_list=status_list).values_list(
                "status_index", flat=True
            )
        )
        while len(slots) < count:
            if len(taken) >= status_list.size - 1:
                status_list.is_full = True
                status_list.save(update_fields=["is_full"])
                if len(taken) >= status_list.size:
                    break
            index = engine.allocate_status_index(taken, status_list.size)
            taken.add(index)
            slots.append((status_list, index))
            if status_list.is_full:
                break
    return slots


@transaction.atomic
def credentials_create_many(
    *,
    achievement: Achievement,
    version: AchievementVersion,
    issued_by: User | None,
    recipients: Sequence[RecipientData],
    result_descriptions: Sequence[engine.ResultDescriptionData] = (),
    now: datetime | None = None,
    audit: Sequence[dict[str, str]] | None = None,
) -> list[Credential]:
    """Sign and store one credential per recipient in a single transaction (bulk issuance).

    The same as :func:`credential_create` for each, but the key, the issuer profile and the
    achievement are prepared once, the status slots are allocated together and the rows are
    inserted in bulk.  Nothing is delivered: callers queue the claim emails
    (:func:`claim_emails_send`) once the transaction commits.  Checks no roles.

    :param audit: extra audit detail per recipient (same order).
    :raises ApplicationError: when the issuer has no active key.
    """
    now = (now or timezone.now()).replace(microsecond=0)
    organisation = achievement.organisation
    key = _signing_key(organisation)
    signer = signing_key_open(key=key)
    issuer = issuer_profile(organisation)
    payload = engine.achievement_data(version, version_url(version), result_descriptions)
    slots = _status_slots(organisation, StatusList.Purpose.REVOCATION, len(recipients), now)
    renewable: dict[str, Credential] = {}
    for old in Credential.objects.filter(
        achievement=achievement,
        recipient_email__in=[normalise_email(r.email) for r in recipients],
        valid_until__isnull=False,
        revoked_at__isnull=True,
        superseded_by__isnull=True,
    ).order_by("issued_at"):
        renewable[old.recipient_email] = old  # the latest wins
    prepared: list[tuple[uuid.UUID, str, str, datetime, datetime | None, RecipientData]] = []
    datas: list[engine.CredentialData] = []
    for recipient, (status_list, index) in zip(recipients, slots, strict=True):
        pk, salt = uuid.uuid4(), secrets.token_hex(16)
        email = normalise_email(recipient.email)
        valid_from = (recipient.valid_from or now).replace(microsecond=0)
        valid_until = (
            add_months(valid_from, version.expiry_months) if version.expiry_months else None
        )
        prepared.append((pk, salt, email, valid_from, valid_until, recipient))
        datas.append(
            engine.CredentialData(
                id=f"urn:uuid:{pk}",
                issuer=issuer,
                achievement=payload,
                recipient_email=email,
                recipient_salt=salt,
                recipient_name=recipient.name.strip(),
                evidence=tuple(recipient.evidence),
                results=tuple(recipient.results),
                valid_from=valid_from,
                valid_until=valid_until,
                status=engine.revocation_entry(status_list_url(status_list), index),
            )
        )
    documents = engine.sign_credentials(
        datas,
        signer=signer,
        verification_method=key.verification_method,
        created=now,
        processes=settings.INSIGNIA_SIGNING_PROCESSES,
    )
    credentials: list[Credential] = []
    audit_events: list[AuditEvent] = []
    for position, ((pk, salt, email, valid_from, valid_until, recipient), document) in enumerate(
        zip(prepared, documents, strict=True)
    ):
        status_list, index = slots[position]
        credentials.append(
            Credential(
                id=pk,
                organisation=organisation,
                achievement=achievement,
                version=version,
                recipient_email=email,
                recipient_name=recipient.name.strip(),
                recipient_salt=salt,
                recipient_hash=engine.email_identity_hash(email, salt),
                document=engine.dumps(document, compact=True),
                status_list=status_list,
                status_index=index,
                issued_at=valid_from,
                valid_until=valid_until,
                issued_by=issued_by,
                supersedes=renewable.get(email),
                supersede_kind="renewal" if email in renewable else "",
            )
        )
        audit_events.append(
            AuditEvent(
                organisation=organisation,
                actor=issued_by,
                action="credential.issued",
                object_type="Credential",
                object_id=str(pk),
                detail={
                    "achievement": str(achievement.pk),
                    "version": version.number,
                    "key": key.key_id,
                    "status_index": index,
                    **(audit[position] if audit else {}),
                },
                created_at=now,
            )
        )
    audit_events.append(  # one signature batch: which key signed how many, at once
        AuditEvent(
            organisation=organisation,
            actor=issued_by,
            action="signature.batch",
            object_type="SigningKey",
            object_id=str(key.pk),
            detail={
                "key": key.key_id,
                "count": len(credentials),
                "achievement": str(achievement.pk),
            },
            created_at=now,
        )
    )
    Credential.objects.bulk_create(credentials)
    AuditEvent.objects.bulk_create(audit_events)
    events.credentials_issued.send(sender=None, credentials=credentials)
    return credentials


def _awaiting_email() -> QuerySet[Credential]:
    """Awards nobody accepted whose claim link never reached the mail server."""
    return (
        Credential.objects.filter(recipient_user__isnull=True, revoked_at__isnull=True)
        .exclude(claim_tokens__emailed_at__isnull=False)
        .select_related("organisation", "version", "version__image")
    )


def claim_emails_send(*, credential_ids: Sequence[uuid.UUID | str]) -> int:
    """Email a claim link for each credential not accepted and never emailed one; return how
    many were sent.

    Idempotent per credential (one whose link reached the mail server is skipped), so a queued
    batch that runs twice sends nothing twice, and a batch cut short (a worker killed, the
    mail server refusing) sends the rest when run again.  A failed send is logged and does not
    stop the others; :func:`claim_emails_retry` picks it up later.
    """
    sent = 0
    rows = _awaiting_email().filter(pk__in=list(credential_ids))
    for credential in rows:
        token = claim_token_create(credential=credential)
        try:
            claim_email_send(credential=credential, token=token)
        except Exception:
            logger.exception("Could not email the claim link of %s", credential.credential_id)
        else:
            sent += 1
    return sent


def claim_emails_retry(
    *, older_than: timedelta = timedelta(minutes=15), now: datetime | None = None
) -> int:
    """Send the claim emails that never went out: the mail server refused them, or the worker
    sending a batch was killed.  Only awards older than ``older_than`` (so that the normal
    path has had its chance) and still claimable (``INSIGNIA_CLAIM_DAYS``) are retried.
    Run it from cron (``send_pending_claim_emails``); returns how many were sent."""
    now = now or timezone.now()
    ids = list(
        _awaiting_email()
        .filter(
            issued_at__lte=now - older_than,
            issued_at__gt=now - timedelta(days=settings.INSIGNIA_CLAIM_DAYS),
        )
        .values_list("pk", flat=True)[:5000]
    )
    return claim_emails_send(credential_ids=ids) if ids else 0


def _revoke_many(
    credentials: Sequence[Credential], *, actor: User | None, reason: str, now: datetime
) -> int:
    """Set the revocation bits of ``credentials`` and re-publish each list once (the caller
    holds the transaction and checked access).  Already revoked ones are left alone."""
    by_list: dict[uuid.UUID, list[Credential]] = {}
    for credential in credentials:
        by_list.setdefault(credential.status_list_id, []).append(credential)
    done = 0
    for list_id, members in sorted(by_list.items(), key=lambda kv: str(kv[0])):
        status_list = StatusList.objects.select_for_update().get(pk=list_id)
        bits = bytes(status_list.bits)
        changed = []
        for credential in members:
            if engine.status_bit(bits, credential.status_index):
                continue
            bits = engine.set_status_bit(bits, credential.status_index)
            changed.append(credential)
        if not changed:
            continue
        status_list.bits = bits
        status_list.save(update_fields=["bits"])
        status_list_publish(status_list=status_list, now=now)
        Credential.objects.filter(pk__in=[c.pk for c in changed]).update(
            revoked_at=now, revocation_reason=reason
        )
        AuditEvent.objects.bulk_create(
            AuditEvent(
                organisation_id=c.organisation_id,
                actor=actor,
                action="credential.revoked",
                object_type="Credential",
                object_id=str(c.pk),
                detail={"reason": reason},
                created_at=now,
            )
            for c in changed
        )
        for credential in changed:
            credential.revoked_at, credential.revocation_reason = now, reason
        events.credentials_revoked.send(sender=None, credentials=changed, reason=reason)
        done += len(changed)
    return done


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ApplicationError("Give a reason: verifiers are shown it.", field="reason")
    return reason[:500]


@transaction.atomic
def credential_revoke(
    *, actor: User, credential_id: uuid.UUID, reason: str, now: datetime | None = None
) -> Credential:
    """Revoke an award: set its bit in the revocation list and re-publish the signed list.
    The reason is shown to verifiers.  A revoked badge can be awarded again to the same person.

    :raises ApplicationError: when it is already revoked or no reason is given.
    """
    credential = access_credential(user=actor, credential_id=credential_id, role=Role.ISSUER)
    if not _revoke_many(
        [credential], actor=actor, reason=_reason(reason), now=now or timezone.now()
    ):
        raise ApplicationError("This badge has already been revoked.")
    return credential


@transaction.atomic
def credentials_revoke(
    *,
    actor: User,
    credential_ids: Sequence[uuid.UUID | str],
    reason: str,
    now: datetime | None = None,
) -> int:
    """Revoke a selection of awards (issuers of their organisations); each status list is
    re-signed once.  Returns how many were revoked (already revoked ones are skipped).

    :raises NotFound: when any of them is unknown or not the actor's to revoke (none is).
    """
    reason = _reason(reason)
    credentials = [
        access_credential(user=actor, credential_id=pk, role=Role.ISSUER)
        for pk in dict.fromkeys(str(i) for i in credential_ids)
    ]
    return _revoke_many(credentials, actor=actor, reason=reason, now=now or timezone.now())


def credentials_revoke_batch(
    *, actor: User, credentials: Sequence[Credential], reason: str, now: datetime | None = None
) -> int:
    """Revoke every credential of an award batch (the caller checked access to the batch)."""
    with transaction.atomic():
        return _revoke_many(
            list(credentials), actor=actor, reason=_reason(reason), now=now or timezone.now()
        )


@transaction.atomic
def credential_suspend(
    *, actor: User, credential_id: uuid.UUID, reason: str, now: datetime | None = None
) -> Credential:
    """Suspend an award until it is reinstated; the platform's live check (public page, API,
    wallet) fails with the reason meanwhile.

    OB 3.0 allows one ``credentialStatus`` per credential, which is the revocation list, so a
    suspension is not in the signed document: it is this platform's policy, like key
    compromise.  :raises ApplicationError: when it is revoked or already suspended.
    """
    credential = access_credential(user=actor, credential_id=credential_id, role=Role.ISSUER)
    credential = Credential.objects.select_for_update().get(pk=credential.pk)
    if credential.revoked_at is not None:
        raise ApplicationError("A revoked badge cannot be suspended.")
    if credential.suspended_at is not None:
        raise ApplicationError("This badge is already suspended.")
    now = now or timezone.now()
    credential.suspended_at, credential.suspension_reason = now, _reason(reason)
    credential.save(update_fields=["suspended_at", "suspension_reason"])
    audit_record(
        organisation=credential.organisation,
        actor=actor,
        action="credential.suspended",
        obj=credential,
        now=now,
        reason=credential.suspension_reason,
    )
    events.credential_suspended.send(sender=None, credential=credential)
    return credential


@transaction.atomic
def credential_reinstate(
    *, actor: User, credential_id: uuid.UUID, now: datetime | None = None
) -> Credential:
    """Lift a suspension.  :raises ApplicationError: when it is not suspended."""
    credential = access_credential(user=actor, credential_id=credential_id, role=Role.ISSUER)
    credential = Credential.objects.select_for_update().get(pk=credential.pk)
    if credential.suspended_at is None:
        raise ApplicationError("This badge is not suspended.")
    credential.suspended_at, credential.suspension_reason = None, ""
    credential.save(update_fields=["suspended_at", "suspension_reason"])
    audit_record(
        organisation=credential.organisation,
        actor=actor,
        action="credential.reinstated",
        obj=credential,
        now=now,
    )
    events.credential_reinstated.send(sender=None, credential=credential)
    return credential


def _signed_details(
    credential: Credential,
) -> tuple[list[engine.EvidenceData], list[engine.ResultData]]:
    doc = json.loads(credential.document)
    evidence = [
        engine.EvidenceData(
            id=e.get("id"),
            name=e.get("name"),
            description=e.get("description"),
            narrative=e.get("narrative"),
            genre=e.get("genre"),
        )
        for e in doc.get("evidence") or []
        if isinstance(e, dict)
    ]
    results = [
        engine.ResultData(
            value=r.get("value"),
            result_description=r.get("resultDescription"),
            achieved_level=r.get("achievedLevel"),
            status=r.get("status"),
        )
        for r in (doc.get("credentialSubject") or {}).get("result") or []
        if isinstance(r, dict)
    ]
    return evidence, results


@transaction.atomic
def credential_correct(
    *,
    actor: User,
    credential_id: uuid.UUID,
    recipient_name: str,
    evidence_url: str = "",
    evidence_narrative: str = "",
    result: str = "",
    reason: str = "",
    now: datetime | None = None,
) -> Credential:
    """Re-issue an award with corrected data and revoke the old one, in one step.

    The new credential is for the same recipient and badge version, links to the old one
    (``supersedes``, kind ``correction``) and goes straight to the wallet it was accepted
    into; the old one is revoked with the reason "Replaced by a corrected credential".

    :raises ApplicationError: when the old one is already revoked.
    """
    old = access_credential(user=actor, credential_id=credential_id, role=Role.ISSUER)
    old = (
        Credential.objects.select_for_update(of=("self",))
        .select_related("organisation", "achievement", "version", "recipient_user")
        .get(pk=old.pk)
    )
    if old.revoked_at is not None:
        raise ApplicationError("This badge has been revoked; award it again instead.")
    evidence = []
    if evidence_url.strip() or evidence_narrative.strip():
        evidence.append(
            engine.EvidenceData(
                id=evidence_url.strip() or None,
                name="Evidence",
                narrative=evidence_narrative.strip() or None,
            )
        )
    now = (now or timezone.now()).replace(microsecond=0)
    new = credential_create(
        achievement=old.achievement,
        version=old.version,
        issued_by=actor,
        recipient_email=old.recipient_email,
        recipient_name=recipient_name,
        recipient_user=old.recipient_user,
        evidence=evidence,
        results=[engine.ResultData(value=result.strip())] if result.strip() else [],
        now=now,
        audit={"corrects": str(old.pk), "reason": reason.strip()},
        supersedes=old,
        supersede_kind="correction",
    )
    _revoke_many([old], actor=actor, reason="Replaced by a corrected credential.", now=now)
    return new


@transaction.atomic
def credential_renew(
    *, actor: User, credential_id: uuid.UUID, now: datetime | None = None
) -> Credential:
    """Issue a new credential for the badge's current version to the holder of an expiring or
    expired one (after re-assessment), linked to it (kind ``renewal``).  The old one is not
    revoked: it simply expires.

    :raises ApplicationError: when the old one is revoked or the badge is no longer published.
    """
    old = access_credential(user=actor, credential_id=credential_id, role=Role.ISSUER)
    old = Credential.objects.select_related(
        "achievement", "achievement__current_version", "recipient_user"
    ).get(pk=old.pk)
    if old.revoked_at is not None:
        raise ApplicationError("This badge has been revoked; award it again instead.")
    version = old.achievement.current_version
    if old.achievement.state != Achievement.State.PUBLISHED or version is None:
        raise ApplicationError("Only published badges can be renewed.")
    evidence, results = _signed_details(old)
    return credential_create(
        achievement=old.achievement,
        version=version,
        issued_by=actor,
        recipient_email=old.recipient_email,
        recipient_name=old.recipient_name,
        recipient_user=old.recipient_user,
        evidence=evidence if version.pk == old.version_id else (),
        results=results if version.pk == old.version_id else (),
        now=now,
        audit={"renews": str(old.pk)},
        supersedes=old,
        supersede_kind="renewal",
    )


def expiry_reminders_send(*, days: int = 30, now: datetime | None = None) -> int:
    """Email every holder whose badge expires within ``days`` and was not reminded yet (once
    per credential, so the command can run daily); return how many were sent."""
    now = now or timezone.now()
    due = Credential.objects.filter(
        valid_until__gt=now,
        valid_until__lte=now + timedelta(days=days),
        revoked_at__isnull=True,
        expiry_reminded_at__isnull=True,
        superseded_by__isnull=True,
    ).select_related("organisation", "version", "achievement", "recipient_user")
    sent = 0
    for credential in due.iterator(chunk_size=500):
        claimed = Credential.objects.filter(
            pk=credential.pk, expiry_reminded_at__isnull=True
        ).update(expiry_reminded_at=now)
        if not claimed:
            continue  # another run took it
        try:
            _expiry_email_send(credential)
        except Exception:
            logger.exception("Could not send the expiry reminder of %s", credential.credential_id)
            Credential.objects.filter(pk=credential.pk).update(expiry_reminded_at=None)
        else:
            audit_record(
                organisation=credential.organisation,
                actor=None,
                action="credential.expiry_reminded",
                obj=credential,
                now=now,
            )
            sent += 1
    return sent


def _expiry_email_send(credential: Credential) -> None:
    to = (
        credential.recipient_user.email if credential.recipient_user else credential.recipient_email
    )
    context = {
        "credential": credential,
        "organisation": credential.organisation,
        "version": credential.version,
        "apply_url": settings.INSIGNIA_BASE_URL
        + reverse("earning:apply", args=[credential.achievement_id]),
        "wallet_url": settings.INSIGNIA_BASE_URL + reverse("wallet:detail", args=[credential.pk]),
    }
    EmailMultiAlternatives(
        subject=f"Your badge “{credential.version.name}” expires on "
        f"{credential.valid_until:%d %B %Y}",
        body=render_to_string("awards/email/expiry.txt", context),
        to=[to],
        reply_to=[credential.organisation.email],
    ).send()


def _attach(credential: Credential, user: User, now: datetime) -> WalletItem:
    if credential.recipient_user_id not in (None, user.pk):
        raise ApplicationError("This badge has already been accepted by another account.")
    if credential.recipient_user_id is None:
        credential.recipient_user = user
        credential.save(update_fields=["recipient_user"])
        audit_record(
            organisation=credential.organisation,
            actor=user,
            action="credential.claimed",
            obj=credential,
            now=now,
        )
        events.credential_claimed.send(sender=None, credential=credential, user=user)
    return wallet_add(user=user, credential=credential, now=now)


@transaction.atomic
def credential_claim(*, user: User, token: str, now: datetime | None = None) -> WalletItem:
    """Accept a badge through its emailed link into ``user``'s wallet.

    The link proves control of the address it was sent to, so that address is recorded as
    one of the user's verified addresses.

    :raises NotFound: for unknown or expired links.
    :raises ApplicationError: when another account owns the address or took the badge.
    """
    now = now or timezone.now()
    row = claim_token_get(token=token, now=now)
    credential = Credential.objects.select_for_update().get(pk=row.credential_id)
    if credential.recipient_user_id not in (None, user.pk):
        raise ApplicationError("This badge has already been accepted by another account.")
    user_add_verified_email(user=user, email=credential.recipient_email)
    if row.used_at is None:
        row.used_at, row.used_by = now, user
        row.save(update_fields=["used_at", "used_by"])
    return _attach(credential, user, now)


@transaction.atomic
def credential_claim_with_new_account(
    *, token: str, name: str, password: str, now: datetime | None = None
) -> tuple[User, WalletItem]:
    """Create an account for the address the link was sent to, and accept the badge.

    :raises ApplicationError: when an account already uses the address (sign in instead).
    """
    row = claim_token_get(token=token, now=now)
    if user_by_email(email=row.credential.recipient_email) is not None:
        raise ApplicationError("An account already uses this address: sign in to accept the badge.")
    user = user_create(
        email=row.credential.recipient_email, name=name, password=password, email_verified=True
    )
    return user, credential_claim(user=user, token=token, now=now)


@transaction.atomic
def credential_accept(
    *, user: User, credential_id: uuid.UUID, now: datetime | None = None
) -> WalletItem:
    """Accept a badge sent to one of the user's verified addresses (no link needed).

    :raises NotFound: when no such badge was sent to the user's verified addresses.
    """
    credential = (
        Credential.objects.select_for_update()
        .filter(pk=credential_id, recipient_email__in=user_verified_emails(user=user))
        .select_related("organisation")
        .first()
    )
    if credential is None:
        raise NotFound()
    return _attach(credential, user, now or timezone.now())


def claim_email_resend(*, actor: User, credential_id: uuid.UUID) -> str:
    """Send a fresh claim link for an award nobody has accepted yet (issuers only).

    :raises ApplicationError: when the badge was already accepted.
    """
    credential = access_credential(user=actor, credential_id=credential_id, role=Role.ISSUER)
    if credential.recipient_user_id is not None:
        raise ApplicationError("The recipient has already accepted this badge.")
    token = claim_token_create(credential=credential)
    _claim_email_after_commit(credential, token)
    audit_record(
        organisation=credential.organisation,
        actor=actor,
        action="credential.claim_resent",
        obj=credential,
    )
    return token

"""A learner's data export and account deletion.

Deletion keeps every credential verifiable and removes the person from Insignia:

* **Kept, untouched**: each credential's signed document (it names the recipient only by a
  salted hash of their address, never by name), its status-list entry, the issuer's keys and
  DID document.  A copy the learner downloaded or shared goes on verifying anywhere.
* **Kept, anonymised**: the issuer's ``Credential`` row loses the plain recipient address and
  name (salt and hash stay, so someone who knows the address can still check it against the
  document); its claim links are deleted and no expiry reminder is sent; bulk-upload rows that
  produced it lose their cells.  Nobody can accept it again: the learner takes it elsewhere
  from their export (any Open Badges 3.0 wallet, or an import into a new account here).
* **Deleted**: the user row, addresses, wallet entries, imported badges, applications with
  their evidence (files included, removed once the transaction commits), reviews of those
  applications, talent and public profiles with recruiters' messages, preview cards showing
  their name, sign-in attempt records and their sessions.

Refused while the person is the last owner of an organisation (someone must hold its keys) or
has written reviews as an assessor (part of other learners' records).
"""

from __future__ import annotations

import json
import logging
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import IO

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.models import Session
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone

from insignia.web.accounts.models import User
from insignia.web.awards.models import ClaimToken, Credential
from insignia.web.bulk.models import BulkRow
from insignia.web.common.errors import ApplicationError
from insignia.web.earning import files as evidence_files
from insignia.web.earning.models import Application, EvidenceItem, Review
from insignia.web.issuers.models import Membership, Organisation, Role
from insignia.web.issuers.services import audit_record
from insignia.web.privacy.selectors import credentials_of, export_data, verified_emails
from insignia.web.sharing.models import PreviewCard

logger = logging.getLogger(__name__)

README = """This archive holds everything Insignia kept about you on {date}.

data.json            your account, addresses, badges, applications, profiles and activity
credentials/         each badge issued to you, exactly as the issuer signed it (JSON): any
                     Open Badges 3.0 verifier or wallet accepts these files
imported/            badges you imported, byte for byte as you handed them over
evidence/            the files you gave as evidence
"""


def _open_evidence(relative: str) -> IO[bytes]:
    # Object storage when configured (earning.files.open_evidence_file), else the directory.
    opener = getattr(evidence_files, "open_evidence_file", None)
    if opener is not None:
        handle: IO[bytes] = opener(relative)
        return handle
    return evidence_files.evidence_file_path(relative).open("rb")


def account_export(*, user: User, now: datetime | None = None) -> IO[bytes]:
    """Write the person's data as a ZIP (``data.json``, signed credentials, imported badges'
    original bytes, evidence files) to a temporary file and return it, rewound.

    Evidence files that cannot be read are listed in ``data.json`` under ``missing_files``
    rather than failing the whole export.
    """
    now = now or timezone.now()
    export = export_data(user=user, now=now)
    out = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    missing: list[str] = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README.format(date=f"{now:%d %B %Y}"))
        for name, data in export.files.items():
            archive.writestr(name, data)
        for name, relative in export.evidence_files.items():
            try:
                with _open_evidence(relative) as source, archive.open(name, "w") as target:
                    while chunk := source.read(1 << 20):
                        target.write(chunk)
            except OSError:
                logger.warning("Evidence file %s is missing from the export", relative)
                missing.append(name)
        export.data["missing_files"] = missing
        archive.writestr(
            "data.json", json.dumps(export.data, ensure_ascii=False, indent=2, default=str)
        )
    out.seek(0)
    return out


@dataclass(frozen=True, slots=True)
class Deletion:
    """What a deletion did."""

    credentials_anonymised: int
    applications_deleted: int
    files_deleted: int


def _check_may_delete(user: User) -> None:
    sole = [
        m.organisation.name
        for m in Membership.objects.filter(user=user, role=Role.OWNER).select_related(
            "organisation"
        )
        if not Membership.objects.filter(organisation=m.organisation, role=Role.OWNER)
        .exclude(user=user)
        .exists()
    ]
    if sole:
        raise ApplicationError(
            "You are the only owner of "
            + ", ".join(sorted(sole))
            + ". Make someone else an owner first: an organisation needs someone to look "
            "after its signing keys."
        )
    if Review.objects.filter(assessor=user).exists():
        raise ApplicationError(
            "You have reviewed applications as an assessor, and those reviews are part of "
            "other learners' records. Ask the organisation's owners to close your account."
        )


def _session_keys(user: User, now: datetime) -> list[str]:
    wanted = str(user.pk)
    return [
        s.session_key
        for s in Session.objects.filter(expire_date__gt=now).iterator()
        if s.get_decoded().get("_auth_user_id") == wanted
    ]


def _notify(addresses: Iterable[str], now: datetime) -> None:
    body = render_to_string("privacy/email/deleted.txt", {"date": f"{now:%d %B %Y, %H:%M} UTC"})
    for address in addresses:
        try:
            send_mail("Your Insignia account was deleted", body, None, [address])
        except Exception:
            logger.exception("Could not send the account-deletion notice")


def _remove_files(paths: Iterable[str]) -> None:
    for relative in paths:
        try:
            evidence_files.delete_evidence_file(relative)
        except Exception:
            logger.exception("Could not delete an evidence file of a deleted account")


@transaction.atomic
def account_delete(*, user: User, password: str, now: datetime | None = None) -> Deletion:
    """Delete ``user``'s account and personal data; their credentials stay verifiable.

    :raises ApplicationError: when the password is wrong (field ``password``), or the person
        is the last owner of an organisation or has written reviews.
    """
    now = now or timezone.now()
    if not user.has_usable_password() or not user.check_password(password):
        raise ApplicationError("That is not your password.", field="password")
    user = User.objects.select_for_update().get(pk=user.pk)
    _check_may_delete(user)
    addresses = verified_emails(user=user)
    every_address = sorted({*addresses, user.email.lower()})

    credentials = credentials_of(user=user)
    ids = list(credentials.values_list("pk", flat=True))
    per_org = list(  # read now: the rows stop matching the person once anonymised
        Credential.objects.filter(pk__in=ids)
        .values("organisation")
        .annotate(n=Count("pk"))
        .values_list("organisation", "n")
    )
    ClaimToken.objects.filter(credential_id__in=ids).delete()
    PreviewCard.objects.filter(credential_id__in=ids).delete()
    for row in BulkRow.objects.filter(credential_id__in=ids):
        row.cells = ["" for _ in row.cells] if isinstance(row.cells, list) else []
        row.data = dict.fromkeys(row.data, "") if isinstance(row.data, dict) else {}
        row.save(update_fields=["cells", "data"])
    Credential.objects.filter(pk__in=ids, expiry_reminded_at__isnull=True).update(
        expiry_reminded_at=now
    )
    anonymised = Credential.objects.filter(pk__in=ids).update(
        recipient_email="", recipient_name="", recipient_user=None
    )
    for organisation_id, count in per_org:
        audit_record(
            organisation=Organisation.objects.get(pk=organisation_id),
            actor=None,
            action="credential.recipient_erased",
            now=now,
            count=count,
        )

    items = EvidenceItem.objects.filter(application__learner=user).exclude(file_path="")
    paths = sorted(set(items.values_list("file_path", flat=True)))
    applications = Application.objects.filter(learner=user)
    application_count = applications.count()
    applications.delete()

    AccessAttempt.objects.filter(username__in=every_address).delete()
    AccessLog.objects.filter(username__in=every_address).delete()
    AccessFailureLog.objects.filter(username__in=every_address).delete()
    Session.objects.filter(session_key__in=_session_keys(user, now)).delete()

    user_id = user.pk
    user.delete()
    audit_record(
        organisation=None,
        actor=None,
        action="account.deleted",
        now=now,
        user_id=user_id,
        credentials_anonymised=anonymised,
        applications_deleted=application_count,
        files_deleted=len(paths),
    )
    # Files go only once the rows are gone for good; the notice goes to the addresses the
    # person proved were theirs (there is no account left to write to afterwards).
    transaction.on_commit(lambda: _remove_files(paths))
    transaction.on_commit(lambda: _notify(addresses or [user.email], now))
    return Deletion(anonymised, application_count, len(paths))

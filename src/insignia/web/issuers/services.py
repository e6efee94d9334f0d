"""Writes about organisations, staff roles and signing keys.  Every write checks roles first."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from insignia.web.accounts.models import User, normalise_email
from insignia.web.accounts.selectors import user_by_email
from insignia.web.common.errors import ApplicationError
from insignia.web.images.models import Image
from insignia.web.images.services import image_create_from_file
from insignia.web.issuers import engine
from insignia.web.issuers.keystore import decrypt_private_key, encrypt_private_key
from insignia.web.issuers.models import AuditEvent, Membership, Organisation, Role, SigningKey
from insignia.web.issuers.selectors import access_organisation, active_signing_key


def audit_record(
    *,
    organisation: Organisation | None,
    actor: User | None,
    action: str,
    obj: Any = None,
    now: datetime | None = None,
    **detail: Any,
) -> AuditEvent:
    """Append an audit event (keys, badges, credentials and status changes leave one)."""
    return AuditEvent.objects.create(
        organisation=organisation,
        actor=actor,
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(getattr(obj, "pk", "")) if obj is not None else "",
        detail=detail,
        created_at=now or timezone.now(),
    )


def _key_aad(organisation_id: uuid.UUID, key_id: uuid.UUID) -> bytes:
    return f"insignia-signing-key:{organisation_id}:{key_id}".encode()


def signing_key_create(
    *, organisation: Organisation, actor: User | None, now: datetime | None = None
) -> SigningKey:
    """Generate a new Ed25519 key for ``organisation``; its seed is stored encrypted."""
    now = now or timezone.now()
    signer = engine.new_signer()
    pk = uuid.uuid4()
    number = SigningKey.objects.filter(organisation=organisation).count() + 1
    kek, blob = encrypt_private_key(signer.seed, associated_data=_key_aad(organisation.pk, pk))
    key = SigningKey.objects.create(
        id=pk,
        organisation=organisation,
        key_id=f"key-{number}",
        public_key_multibase=signer.public_key.multibase,
        encrypted_private_key=blob,
        kek_id=kek,
        created_at=now,
    )
    audit_record(
        organisation=organisation,
        actor=actor,
        action="signing_key.created",
        obj=key,
        now=now,
        key_id=key.key_id,
        public_key=key.public_key_multibase,
    )
    return key


@sensitive_variables("seed")
def signing_key_open(*, key: SigningKey) -> engine.Signer:
    """Decrypt a key for signing.  Callers must not keep the result beyond one operation.

    The only place a private key is decrypted for use (``tests/web/security`` checks that no
    other module calls the keystore's decryption); ``seed`` is hidden from error reports.
    """
    seed = decrypt_private_key(
        bytes(key.encrypted_private_key),
        kek=key.kek_id,
        associated_data=_key_aad(key.organisation_id, key.pk),
    )
    return engine.signer_from_seed(seed)


@transaction.atomic
def signing_key_rotate(
    *, actor: User, organisation_id: uuid.UUID, now: datetime | None = None
) -> SigningKey:
    """Retire the active key and create a new one (owners only).

    The retired key stays in the DID document, so badges it signed still verify.
    """
    organisation = access_organisation(user=actor, organisation_id=organisation_id, role=Role.OWNER)
    now = now or timezone.now()
    current = active_signing_key(organisation=organisation)
    if current is not None:
        current.retired_at = now
        current.save(update_fields=["retired_at"])
        audit_record(
            organisation=organisation,
            actor=actor,
            action="signing_key.retired",
            obj=current,
            now=now,
            key_id=current.key_id,
        )
    key = signing_key_create(organisation=organisation, actor=actor, now=now)
    audit_record(
        organisation=organisation,
        actor=actor,
        action="signing_key.rotated",
        obj=key,
        now=now,
        key_id=key.key_id,
        replaces=current.key_id if current is not None else "",
    )
    return key


@transaction.atomic
def signing_key_mark_compromised(
    *,
    actor: User,
    organisation_id: uuid.UUID,
    key_id: uuid.UUID,
    compromised_after: datetime,
    now: datetime | None = None,
) -> SigningKey:
    """Mark a key compromised from ``compromised_after`` on (owners only).

    The platform's live check then fails every credential whose proof that key made at or
    after that time (``issuer.key_compromised``); earlier ones still verify, so the key stays
    in the DID document.  An active key is retired and replaced, and the status lists are
    re-signed with the new key.

    :raises ApplicationError: when it is already marked, or the time is in the future.
    """
    organisation = access_organisation(user=actor, organisation_id=organisation_id, role=Role.OWNER)
    now = now or timezone.now()
    key = (
        SigningKey.objects.select_for_update().filter(organisation=organisation, pk=key_id).first()
    )
    if key is None:
        raise ApplicationError("No such key.")
    if key.compromised_after is not None:
        raise ApplicationError("This key is already marked compromised.")
    if compromised_after > now:
        raise ApplicationError("The time cannot be in the future.", field="compromised_after")
    was_active = key.retired_at is None
    key.compromised_after = compromised_after
    key.retired_at = key.retired_at or now
    key.save(update_fields=["compromised_after", "retired_at"])
    audit_record(
        organisation=organisation,
        actor=actor,
        action="signing_key.compromised",
        obj=key,
        now=now,
        key_id=key.key_id,
        compromised_after=compromised_after.isoformat(),
    )
    if was_active:
        signing_key_create(organisation=organisation, actor=actor, now=now)
    from insignia.web.awards.services import status_lists_republish

    status_lists_republish(organisation=organisation, now=now)
    return key


@sensitive_variables("seed")
def signing_keys_rewrap(*, now: datetime | None = None) -> int:
    """Re-encrypt every private key with the current key-encryption key; return how many.

    Each key is rewrapped and audited in its own transaction (``signing_key.rewrapped``, with
    the old and new KEK ids), so an interrupted run can simply be started again.
    """
    now = now or timezone.now()
    count = 0
    for key in SigningKey.objects.select_related("organisation").iterator():
        aad = _key_aad(key.organisation_id, key.pk)
        old_kek = key.kek_id
        seed = decrypt_private_key(
            bytes(key.encrypted_private_key), kek=old_kek, associated_data=aad
        )
        with transaction.atomic():
            key.kek_id, key.encrypted_private_key = encrypt_private_key(seed, associated_data=aad)
            key.save(update_fields=["kek_id", "encrypted_private_key"])
            audit_record(
                organisation=key.organisation,
                actor=None,
                action="signing_key.rewrapped",
                obj=key,
                now=now,
                key_id=key.key_id,
                from_kek=old_kek,
                to_kek=key.kek_id,
            )
        count += 1
    return count


@transaction.atomic
def organisation_create(
    *,
    actor: User,
    name: str,
    url: str,
    email: str,
    description: str = "",
    logo: Image | None = None,
    logo_file: UploadedFile[bytes] | None = None,
    now: datetime | None = None,
) -> Organisation:
    """Create an issuer with ``actor`` as its owner, and its first signing key.

    :raises ImageRejected: when ``logo_file`` is refused (field ``image``).
    """
    if logo_file is not None:
        logo = image_create_from_file(file=logo_file)
    pk = uuid.uuid4()
    did = engine.did_for(
        settings.INSIGNIA_DID_HOST, reverse("public:issuer", args=[pk]).rstrip("/")
    )
    organisation = Organisation.objects.create(
        id=pk,
        name=name.strip(),
        url=url.strip(),
        email=normalise_email(email),
        description=description.strip(),
        logo=logo,
        did=did,
    )
    Membership.objects.create(organisation=organisation, user=actor, role=Role.OWNER)
    audit_record(
        organisation=organisation,
        actor=actor,
        action="organisation.created",
        obj=organisation,
        now=now,
    )
    signing_key_create(organisation=organisation, actor=actor, now=now)
    return organisation


@transaction.atomic
def organisation_update(
    *,
    actor: User,
    organisation_id: uuid.UUID,
    name: str,
    url: str,
    email: str,
    description: str,
    logo_file: UploadedFile[bytes] | None = None,
    remove_logo: bool = False,
    linkedin_organization_id: str | None = None,
) -> Organisation:
    """Change the public profile (owners only).  Credentials already issued keep theirs.

    :param linkedin_organization_id: the numeric id of the organisation's LinkedIn page ("" to
        remove it; None leaves it as it is).  Not part of the signed profile.

    :raises ImageRejected: when ``logo_file`` is refused (field ``image``).
    """
    organisation = access_organisation(user=actor, organisation_id=organisation_id, role=Role.OWNER)
    logo = image_create_from_file(file=logo_file) if logo_file is not None else None
    organisation.name = name.strip()
    organisation.url = url.strip()
    organisation.email = normalise_email(email)
    organisation.description = description.strip()
    if linkedin_organization_id is not None:
        organisation.linkedin_organization_id = linkedin_organization_id.strip()
    if logo is not None:
        organisation.logo = logo
    elif remove_logo:
        organisation.logo = None
    organisation.save()
    audit_record(
        organisation=organisation, actor=actor, action="organisation.updated", obj=organisation
    )
    return organisation


def _set_roles(organisation: Organisation, user: User, roles: Iterable[Role]) -> None:
    wanted = {Role(r) for r in roles}
    Membership.objects.filter(organisation=organisation, user=user).exclude(
        role__in=wanted
    ).delete()
    for role in wanted:
        Membership.objects.get_or_create(organisation=organisation, user=user, role=role)


def _check_owner_remains(organisation: Organisation, user: User, roles: set[Role]) -> None:
    others = Membership.objects.filter(organisation=organisation, role=Role.OWNER).exclude(
        user=user
    )
    if Role.OWNER not in roles and not others.exists():
        raise ApplicationError("An organisation needs at least one owner.", field="roles")


@transaction.atomic
def membership_grant(
    *, actor: User, organisation_id: uuid.UUID, email: str, roles: Iterable[Role]
) -> User:
    """Give the person with ``email`` the ``roles`` (owners only).

    :raises ApplicationError: when no account uses that address or no role is chosen.
    """
    organisation = access_organisation(user=actor, organisation_id=organisation_id, role=Role.OWNER)
    roles = {Role(r) for r in roles}
    if not roles:
        raise ApplicationError("Choose at least one role.", field="roles")
    member = user_by_email(email=email)
    if member is None:
        raise ApplicationError(
            "No account uses this email address yet. Ask them to create an account first.",
            field="email",
        )
    existing = set(
        Membership.objects.filter(organisation=organisation, user=member).values_list(
            "role", flat=True
        )
    )
    _set_roles(organisation, member, roles | {Role(r) for r in existing})
    audit_record(
        organisation=organisation,
        actor=actor,
        action="membership.granted",
        obj=member,
        roles=sorted(roles),
    )
    return member


@transaction.atomic
def membership_set_roles(
    *, actor: User, organisation_id: uuid.UUID, user_id: int, roles: Iterable[Role]
) -> None:
    """Replace a member's roles; no roles removes them from the team (owners only).

    :raises ApplicationError: when the change would leave the organisation without an owner.
    """
    organisation = access_organisation(user=actor, organisation_id=organisation_id, role=Role.OWNER)
    member = (
        User.objects.filter(pk=user_id, memberships__organisation=organisation).distinct().first()
    )
    if member is None:
        raise ApplicationError("That person is not on the team.")
    wanted = {Role(r) for r in roles}
    _check_owner_remains(organisation, member, wanted)
    _set_roles(organisation, member, wanted)
    audit_record(
        organisation=organisation,
        actor=actor,
        action="membership.changed",
        obj=member,
        roles=sorted(wanted),
    )

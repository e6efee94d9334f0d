"""Organisations, roles and signing keys."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import override_settings

from insignia.web.common.errors import ApplicationError, NotFound
from insignia.web.issuers import keystore, services
from insignia.web.issuers.models import AuditEvent, Membership, Organisation, Role, SigningKey
from insignia.web.issuers.selectors import (
    access_organisation,
    active_signing_key,
    organisation_did_document,
)


def test_create_makes_owner_did_and_encrypted_key(org: Organisation, owner) -> None:
    assert org.did.startswith("did:web:testserver:issuers:")
    assert org.did.endswith(str(org.pk))
    assert Membership.objects.filter(organisation=org, user=owner, role=Role.OWNER).exists()
    key = active_signing_key(organisation=org)
    assert key is not None
    assert key.key_id == "key-1"
    assert key.public_key_multibase.startswith("z6Mk")
    signer = services.signing_key_open(key=key)
    assert signer.public_key.multibase == key.public_key_multibase
    assert signer.seed not in bytes(key.encrypted_private_key)
    assert AuditEvent.objects.filter(organisation=org, action="signing_key.created").exists()


def test_encrypted_key_is_bound_to_its_row(org: Organisation) -> None:
    key = active_signing_key(organisation=org)
    assert key is not None
    other = services.signing_key_create(organisation=org, actor=None)
    other.encrypted_private_key = key.encrypted_private_key
    with pytest.raises(keystore.KeyDecryptionError):
        services.signing_key_open(key=other)


def test_key_encryption_key_rotation_rewraps(org: Organisation) -> None:
    key = active_signing_key(organisation=org)
    assert key is not None
    before = services.signing_key_open(key=key).public_key.multibase
    new_kek = b"n" * 32
    with override_settings(
        INSIGNIA_KEY_ENCRYPTION_KEYS=[new_kek, *settings.INSIGNIA_KEY_ENCRYPTION_KEYS]
    ):
        assert services.signing_keys_rewrap() == 1
        key.refresh_from_db()
        assert key.kek_id == keystore.kek_id(new_kek)
    with override_settings(INSIGNIA_KEY_ENCRYPTION_KEYS=[new_kek]):
        assert services.signing_key_open(key=key).public_key.multibase == before


def test_rotation_retires_but_keeps_publishing_old_key(org: Organisation, owner) -> None:
    old = active_signing_key(organisation=org)
    new = services.signing_key_rotate(actor=owner, organisation_id=org.pk)
    assert new.key_id == "key-2"
    assert active_signing_key(organisation=org) == new
    doc = organisation_did_document(organisation=org)
    ids = [m["id"] for m in doc["verificationMethod"]]
    assert ids == [f"{org.did}#key-1", f"{org.did}#key-2"]
    assert doc["assertionMethod"] == ids
    assert old is not None
    old.refresh_from_db()
    assert old.retired_at is not None


def test_only_owner_may_rotate(org: Organisation, staff) -> None:
    for name in ("designer", "assessor", "issuer", "outsider"):
        with pytest.raises(NotFound):
            services.signing_key_rotate(actor=staff[name], organisation_id=org.pk)
    assert SigningKey.objects.filter(organisation=org).count() == 1


def test_access_organisation_roles(org: Organisation, staff) -> None:
    assert access_organisation(user=staff["designer"], organisation_id=org.pk) == org
    assert access_organisation(user=staff["owner"], organisation_id=org.pk, role=Role.ISSUER) == org
    with pytest.raises(NotFound):
        access_organisation(user=staff["designer"], organisation_id=org.pk, role=Role.ISSUER)
    with pytest.raises(NotFound):
        access_organisation(user=staff["outsider"], organisation_id=org.pk)


def test_membership_grant_unknown_email(org: Organisation, owner) -> None:
    with pytest.raises(ApplicationError) as exc:
        services.membership_grant(
            actor=owner, organisation_id=org.pk, email="nobody@example.com", roles=[Role.ISSUER]
        )
    assert exc.value.field == "email"


def test_last_owner_cannot_leave(org: Organisation, owner) -> None:
    with pytest.raises(ApplicationError, match="at least one owner"):
        services.membership_set_roles(
            actor=owner, organisation_id=org.pk, user_id=owner.pk, roles=[Role.DESIGNER]
        )


def test_set_roles_replaces_and_removes(org: Organisation, staff) -> None:
    designer = staff["designer"]
    services.membership_set_roles(
        actor=staff["owner"],
        organisation_id=org.pk,
        user_id=designer.pk,
        roles=[Role.ISSUER, Role.ASSESSOR],
    )
    roles = set(
        Membership.objects.filter(organisation=org, user=designer).values_list("role", flat=True)
    )
    assert roles == {"issuer", "assessor"}
    services.membership_set_roles(
        actor=staff["owner"], organisation_id=org.pk, user_id=designer.pk, roles=[]
    )
    assert not Membership.objects.filter(organisation=org, user=designer).exists()


def test_rewrap_command(org, capsys) -> None:
    from django.core.management import call_command

    call_command("rewrap_signing_keys")
    assert f"Re-encrypted 1 signing key(s) with KEK {keystore.current_kek_id()}." in (
        capsys.readouterr().out
    )


def test_system_check_reports_a_missing_kek() -> None:
    from insignia.web.common.checks import check_secrets

    with override_settings(DEBUG=False, INSIGNIA_KEY_ENCRYPTION_KEYS=[]):
        [error] = check_secrets()
    assert error.id == "insignia.E001"
    with (
        override_settings(INSIGNIA_KEY_ENCRYPTION_KEYS=[]),
        pytest.raises(Exception, match="not set"),
    ):
        keystore.current_kek_id()

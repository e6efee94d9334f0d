"""Issuer private keys: encrypted at rest, never shown anywhere, decrypted in one place only,
and every key operation and signature batch audited (issue #10)."""

from __future__ import annotations

import ast
import base64
import io
import json
import logging
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.views.debug import ExceptionReporter

from insignia.web import settings as settings_module
from insignia.web.awards import services as award_services
from insignia.web.awards.models import Credential
from insignia.web.issuers import engine as issuer_engine
from insignia.web.issuers import keystore, services
from insignia.web.issuers.models import AuditEvent, SigningKey
from insignia.web.issuers.selectors import active_signing_key
from insignia.web.wallet.services import wallet_set_visibility

SRC = Path(__file__).resolve().parents[3] / "src" / "insignia"


def secret_forms(seed: bytes) -> list[str]:
    """Every way a 32-byte seed could plausibly be written out."""
    return [
        seed.hex(),
        seed.hex().upper(),
        base64.b64encode(seed).decode(),
        base64.urlsafe_b64encode(seed).decode().rstrip("="),
        repr(seed)[2:-1],
    ]


def assert_no_secret(text: str | bytes, seeds: list[bytes]) -> None:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    for seed in seeds:
        for form in secret_forms(seed):
            assert form not in text


def all_seeds() -> list[bytes]:
    return [services.signing_key_open(key=k).seed for k in SigningKey.objects.all()]


@pytest.fixture
def public_badge(org, published, staff, make_user):
    learner = make_user("jamie.rivera@example.com", "Jamie Rivera")
    credential = award_services.credential_issue(
        actor=staff["issuer"], achievement_id=published.pk, recipient_email=learner.email
    )
    award_services.credential_accept(user=learner, credential_id=credential.pk)
    wallet_set_visibility(user=learner, credential_id=credential.pk, public=True)
    return credential


@pytest.fixture
def sql_logged():
    """Log every SQL statement with its parameters (what DEBUG does), to see what is written."""
    connection.force_debug_cursor = True
    yield
    connection.force_debug_cursor = False


def test_private_key_never_logged(org, owner, published, staff, caplog, sql_logged) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django")
    award_services.credential_issue(
        actor=staff["issuer"], achievement_id=published.pk, recipient_email="a@example.com"
    )
    services.signing_key_rotate(actor=owner, organisation_id=org.pk)
    award_services.credentials_create_many(
        achievement=published,
        version=published.current_version,
        issued_by=staff["issuer"],
        recipients=[award_services.RecipientData(email=f"r{i}@example.com") for i in range(3)],
    )
    with override_settings(
        INSIGNIA_KEY_ENCRYPTION_KEYS=[b"n" * 32, *settings.INSIGNIA_KEY_ENCRYPTION_KEYS]
    ):
        services.signing_keys_rewrap()
        call_command("rewrap_signing_keys", stdout=io.StringIO())
        seeds = all_seeds()
    assert len(seeds) == 2
    # The capture works: every INSERT/UPDATE of the keys was logged with its parameters.
    assert any("issuers_signingkey" in r.getMessage() for r in caplog.records)
    logged = "\n".join(f"{r.getMessage()} {r.args!r} {r.__dict__!r}" for r in caplog.records)
    assert_no_secret(logged, seeds)


def test_private_key_never_in_public_output(org, public_badge, client_for, owner) -> None:
    seeds = all_seeds()
    client = Client()
    urls = [
        reverse("issuer_did", args=[org.pk]),
        reverse("issuer_jwks", args=[org.pk]),
        reverse("platform_jwks"),
        f"/api/v1/credentials/{public_badge.pk}/verification",
        f"/api/v1/issuers/{org.pk}/achievements",
        "/api/v1/openapi.json",
        reverse("public:credential", args=[public_badge.pk]),
        reverse("public:issuer", args=[org.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_secret(response.content, seeds)
    jwks = client.get(reverse("issuer_jwks", args=[org.pk])).json()
    assert jwks["keys"] and all("d" not in k for k in jwks["keys"])
    did = client.get(reverse("issuer_did", args=[org.pk])).json()
    assert "privateKeyMultibase" not in json.dumps(did)
    assert "secretKeyMultibase" not in json.dumps(did)
    # The owner's own key page shows public keys only.
    page = client_for(owner).get(reverse("issuers:keys", args=[org.pk]))
    assert page.status_code == 200
    assert_no_secret(page.content, seeds)
    assert active_signing_key(organisation=org).public_key_multibase in page.content.decode()


def test_error_page_and_error_report_hide_the_key(org, published, staff, monkeypatch) -> None:
    seeds = all_seeds()

    def broken(seed: bytes) -> None:
        raise RuntimeError("signing backend failed")

    monkeypatch.setattr(issuer_engine, "signer_from_seed", broken)
    client = Client(raise_request_exception=False)
    client.force_login(staff["issuer"])
    with override_settings(DEBUG=False):
        response = client.post(
            reverse("awards:award", args=[published.pk]),
            {"recipient_email": "someone@example.com", "confirm": "on"},
        )
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert_no_secret(response.content, seeds)
    assert not Credential.objects.exists()
    # What an administrator's error email (or the DEBUG page) would show: the frame that held
    # the decrypted seed lists it as hidden.
    key = active_signing_key(organisation=org)
    try:
        services.signing_key_open(key=key)
    except RuntimeError:
        reporter = ExceptionReporter(None, *sys.exc_info())
        text = reporter.get_traceback_text()
        html = reporter.get_traceback_html()
    assert "signing_key_open" in text and "seed" in text
    assert "********" in text
    assert_no_secret(text, seeds)
    assert_no_secret(html, seeds)


def test_fixtures_hold_ciphertext_only(org, public_badge) -> None:
    seeds = all_seeds()
    out = io.StringIO()
    call_command("dumpdata", "issuers", "awards", "wallet", stdout=out)
    assert_no_secret(out.getvalue(), seeds)
    rows = [r for r in json.loads(out.getvalue()) if r["model"] == "issuers.signingkey"]
    assert len(rows) == 1
    stored = bytes(SigningKey.objects.get().encrypted_private_key)
    dumped = base64.b64decode(rows[0]["fields"]["encrypted_private_key"])
    assert dumped == stored  # the ciphertext itself, nothing more
    assert seeds[0] not in dumped


def test_model_repr_and_str_show_no_key_material(org) -> None:
    key = active_signing_key(organisation=org)
    signer = services.signing_key_open(key=key)
    blob = bytes(key.encrypted_private_key)
    for text in (repr(key), str(key), repr(signer), str(signer)):
        assert_no_secret(text, [signer.seed])
        assert blob.hex() not in text and repr(blob)[2:20] not in text
    assert str(key) == "Northbridge University key-1"


def _calls(path: Path, name: str) -> bool:
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called == name:
                return True
    return False


def test_only_the_signing_service_decrypts() -> None:
    modules = sorted(SRC.rglob("*.py"))
    assert len(modules) > 50
    # Only the signing service reads the signing keys' ciphertext (other modules may use the
    # keystore for keys of their own, e.g. the LTI tool's key, but never this column).
    readers = {
        str(p.relative_to(SRC))
        for p in modules
        if "encrypted_private_key" in p.read_text() and "migrations" not in p.parts
    }
    assert readers == {"web/issuers/services.py", "web/issuers/models.py"}
    assert _calls(SRC / "web/issuers/services.py", "decrypt_private_key")
    rebuilding = {str(p.relative_to(SRC)) for p in modules if _calls(p, "signer_from_seed")}
    assert rebuilding == {"web/issuers/services.py"}
    aes = {str(p.relative_to(SRC)) for p in modules if _calls(p, "AESGCM")}
    assert aes == {"web/issuers/keystore.py"}
    # Within the service, only signing_key_open and the KEK rewrap decrypt.
    tree = ast.parse((SRC / "web/issuers/services.py").read_text())
    functions = {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any(
            isinstance(c, ast.Call) and getattr(c.func, "id", "") == "decrypt_private_key"
            for c in ast.walk(node)
        )
    }
    assert functions == {"signing_key_open", "signing_keys_rewrap"}


def test_every_key_operation_is_audited(org, owner) -> None:
    first = active_signing_key(organisation=org)
    new = services.signing_key_rotate(actor=owner, organisation_id=org.pk)
    rotated = AuditEvent.objects.get(action="signing_key.rotated")
    assert rotated.detail == {"key_id": "key-2", "replaces": "key-1"}
    assert rotated.actor == owner
    assert AuditEvent.objects.filter(action="signing_key.retired", object_id=str(first.pk)).exists()
    assert AuditEvent.objects.filter(action="signing_key.created", object_id=str(new.pk)).exists()
    from django.utils import timezone

    services.signing_key_mark_compromised(
        actor=owner, organisation_id=org.pk, key_id=new.pk, compromised_after=timezone.now()
    )
    assert AuditEvent.objects.filter(action="signing_key.compromised", object_id=str(new.pk))
    new_kek = b"n" * 32
    with override_settings(
        INSIGNIA_KEY_ENCRYPTION_KEYS=[new_kek, *settings.INSIGNIA_KEY_ENCRYPTION_KEYS]
    ):
        count = services.signing_keys_rewrap()
    rewrapped = AuditEvent.objects.filter(action="signing_key.rewrapped")
    assert count == SigningKey.objects.count() == rewrapped.count() == 3
    assert {e.detail["to_kek"] for e in rewrapped} == {keystore.kek_id(new_kek)}
    assert {e.detail["from_kek"] for e in rewrapped} == {
        keystore.kek_id(settings.INSIGNIA_KEY_ENCRYPTION_KEYS[0])
    }


def test_every_signature_batch_is_audited(org, published, staff) -> None:
    single = award_services.credential_issue(
        actor=staff["issuer"], achievement_id=published.pk, recipient_email="a@example.com"
    )
    issued = AuditEvent.objects.get(action="credential.issued", object_id=str(single.pk))
    assert issued.detail["key"] == "key-1"
    many = award_services.credentials_create_many(
        achievement=published,
        version=published.current_version,
        issued_by=staff["issuer"],
        recipients=[award_services.RecipientData(email=f"r{i}@example.com") for i in range(4)],
    )
    batch = AuditEvent.objects.get(action="signature.batch")
    assert batch.detail["count"] == len(many) == 4
    assert batch.detail["key"] == "key-1"
    assert batch.object_id == str(active_signing_key(organisation=org).pk)
    before = AuditEvent.objects.filter(action="status_list.signed").count()
    assert before >= 1  # the list made for the first award was signed
    award_services.credential_revoke(
        actor=staff["issuer"], credential_id=single.pk, reason="Issued in error"
    )
    signed = AuditEvent.objects.filter(action="status_list.signed")
    assert signed.count() == before + 1
    assert signed.first().detail["key"] == "key-1"


def test_key_encryption_keys_from_a_file(tmp_path) -> None:
    a, b = b"a" * 32, b"b" * 32
    path = tmp_path / "kek"
    path.write_text(
        "# new key first\n"
        + base64.urlsafe_b64encode(a).decode().rstrip("=")
        + "\n"
        + base64.urlsafe_b64encode(b).decode()
        + "  # the old one\n"
    )
    assert settings_module.read_key_encryption_keys(path) == [a, b]
    path.write_text(base64.urlsafe_b64encode(b"short").decode())
    with pytest.raises(ImproperlyConfigured, match="32-byte"):
        settings_module.read_key_encryption_keys(path)
    path.write_text("# nothing\n")
    with pytest.raises(ImproperlyConfigured):
        settings_module.read_key_encryption_keys(path)
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        settings_module.read_key_encryption_keys(tmp_path / "missing")


def test_keys_from_a_file_encrypt_and_decrypt(org, tmp_path) -> None:
    path = tmp_path / "kek"
    path.write_text(base64.urlsafe_b64encode(b"f" * 32).decode())
    keys = settings_module.read_key_encryption_keys(path)
    with override_settings(INSIGNIA_KEY_ENCRYPTION_KEYS=keys):
        key = services.signing_key_create(organisation=org, actor=None)
        assert key.kek_id == keystore.kek_id(b"f" * 32)
        assert services.signing_key_open(key=key).public_key.multibase == key.public_key_multibase
    with pytest.raises(keystore.KeyDecryptionError):
        services.signing_key_open(key=key)  # the file's key is no longer configured

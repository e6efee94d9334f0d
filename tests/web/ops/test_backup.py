"""Backup and restore: a restored instance (a fresh database in another process) verifies every
credential it issued, keeps revocations, evidence files and binary columns; damaged archives,
missing key-encryption keys and non-empty databases are refused."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from insignia.web.awards import services
from insignia.web.awards.models import Credential, StatusList
from insignia.web.earning import services as earning_services
from insignia.web.earning.models import EvidenceItem
from insignia.web.ops.backup import BackupError, backup_create, backup_restore
from tests.web.earning.conftest import fill

ROOT = Path(__file__).parents[3]


@pytest.fixture
def issued(staff: Any, published: Any, assessed: Any, learner: Any) -> dict[str, Any]:
    """Four credentials (one revoked with a reason) and a learner's evidence file."""
    credentials = [
        services.credential_issue(
            actor=staff["issuer"], achievement_id=published.pk, recipient_email=f"p{i}@example.org"
        )
        for i in range(4)
    ]
    services.credential_revoke(
        actor=staff["issuer"], credential_id=credentials[1].pk, reason="Exam misconduct"
    )
    application = earning_services.application_start(learner=learner, achievement_id=assessed.pk)
    fill(application, learner)
    return {"credentials": credentials, "revoked": credentials[1]}


@contextmanager
def postgres_database(server: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on ``server``, dropped afterwards."""
    name = f"ops_restore_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _on_sqlite() -> bool:
    return str(django_settings.DATABASES["default"]["ENGINE"]).endswith("sqlite3")


def _server() -> str:
    default = django_settings.DATABASES["default"]
    return f"postgresql://{default['USER']}@{default['HOST']}:{default['PORT'] or 5432}"


@pytest.fixture
def fresh_database(tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database of the same kind as the test database."""
    if _on_sqlite():
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    with postgres_database(_server()) as url:
        yield url


@pytest.fixture
def other_database(tmp_path: Path) -> Iterator[str]:
    """An empty database of the other kind: SQLite when testing on PostgreSQL, PostgreSQL
    (when a server answers) when testing on SQLite."""
    if not _on_sqlite():
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    server = os.environ.get("INSIGNIA_TEST_PG_SERVER", "postgresql://postgres@127.0.0.1:5432")
    try:
        psycopg.connect(f"{server}/postgres", connect_timeout=3).close()
    except psycopg.Error:
        pytest.skip("no PostgreSQL server to restore into")
    with postgres_database(server) as url:
        yield url


def run(args: list[str], database: str, evidence: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "insignia.web.settings_test",
        "DATABASE_URL": database,
        "INSIGNIA_EVIDENCE_DIR": str(evidence),
        "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}",
    }
    return subprocess.run(
        [sys.executable, *args],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )


def test_a_restored_instance_verifies_every_credential_it_issued(
    issued: dict[str, Any], tmp_path: Path, fresh_database: str
) -> None:
    archive = tmp_path / "insignia.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    restored_evidence = tmp_path / "restored-evidence"
    done = run(
        ["-m", "insignia.web.manage", "restore", str(archive)], fresh_database, restored_evidence
    )
    assert done.returncode == 0, done.stderr
    assert "Restored" in done.stdout
    checked = run(
        [str(ROOT / "tests/web/ops/verify_restored.py")], fresh_database, restored_evidence
    )
    assert checked.returncode == 0, checked.stderr
    report = json.loads(checked.stdout)
    assert set(report["credentials"]) == {str(c.pk) for c in Credential.objects.all()}
    revoked = str(issued["revoked"].pk)
    for credential_id, result in report["credentials"].items():
        if credential_id == revoked:
            assert not result["valid"] and result["checks"]["status.revocation"] == "fail"
        else:
            assert result["valid"], result["checks"]
            assert result["checks"]["status.revocation"] == "pass"
    item = EvidenceItem.objects.get(requirement__kind="file")
    assert report["evidence"] == {item.file_path: item.sha256}
    # A second restore into the now-filled database is refused; --force replaces it.
    again = run(
        ["-m", "insignia.web.manage", "restore", str(archive)], fresh_database, restored_evidence
    )
    assert again.returncode != 0 and "already holds data" in again.stderr
    forced = run(
        ["-m", "insignia.web.manage", "restore", "--force", str(archive)],
        fresh_database,
        restored_evidence,
    )
    assert forced.returncode == 0, forced.stderr


def test_a_backup_restores_into_the_other_kind_of_database(
    issued: dict[str, Any], tmp_path: Path, other_database: str
) -> None:
    """The dump is Django's JSON, not a vendor dump: SQLite to PostgreSQL and back works."""
    archive = tmp_path / "insignia.tar.gz"
    backup_create(output=archive)
    evidence = tmp_path / "other-evidence"
    done = run(["-m", "insignia.web.manage", "restore", str(archive)], other_database, evidence)
    assert done.returncode == 0, done.stderr
    checked = run([str(ROOT / "tests/web/ops/verify_restored.py")], other_database, evidence)
    assert checked.returncode == 0, checked.stderr
    report = json.loads(checked.stdout)["credentials"]
    revoked = str(issued["revoked"].pk)
    assert {k: v["valid"] for k, v in report.items()} == {
        str(c.pk): str(c.pk) != revoked for c in issued["credentials"]
    }


def test_the_archive_holds_a_manifest_with_checksums_and_no_key_material(
    issued: dict[str, Any], tmp_path: Path
) -> None:
    archive = tmp_path / "b.tar.gz"
    manifest = backup_create(output=archive)
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        assert names[0] == "manifest.json"
        data = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
        dump = tar.extractfile("database.json").read()  # type: ignore[union-attr]
    assert data["format"] == "insignia-backup" and data["members"] == manifest.members
    assert set(names[1:]) == set(data["members"])
    assert any(n.startswith("evidence/") for n in names)
    assert data["counts"]["awards.credential"] == 4
    assert "contenttypes.contenttype" not in data["counts"]
    for kek in django_settings.INSIGNIA_KEY_ENCRYPTION_KEYS:
        assert kek not in dump and kek.hex().encode() not in dump
    rows = json.loads(dump)
    bits = next(r for r in rows if r["model"] == "awards.statuslist")["fields"]["bits"]
    assert bits  # binary columns travel as base64
    assert oct(archive.stat().st_mode & 0o777) == "0o600"


def _tamper(archive: Path, target: Path, member: str, data: bytes) -> None:
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as out:
        for info in source:
            body = source.extractfile(info).read()  # type: ignore[union-attr]
            if info.name == member:
                body = data
            info.size = len(body)
            out.addfile(info, io.BytesIO(body))


def test_a_damaged_archive_is_refused_before_the_database_is_touched(
    issued: dict[str, Any], tmp_path: Path
) -> None:
    archive = tmp_path / "b.tar.gz"
    backup_create(output=archive)
    bad = tmp_path / "bad.tar.gz"
    _tamper(archive, bad, "database.json", b"[]")
    before = Credential.objects.count()
    with pytest.raises(BackupError, match="does not match its checksum"):
        backup_restore(archive=bad, force=True)
    assert Credential.objects.count() == before
    (tmp_path / "junk.tar.gz").write_bytes(b"not a tarball")
    with pytest.raises(BackupError, match="cannot be read"):
        backup_restore(archive=tmp_path / "junk.tar.gz")


def test_a_restore_without_the_key_encryption_key_is_refused(
    issued: dict[str, Any], tmp_path: Path, settings: Any
) -> None:
    archive = tmp_path / "b.tar.gz"
    backup_create(output=archive)
    settings.INSIGNIA_KEY_ENCRYPTION_KEYS = [b"\x01" * 32]
    with pytest.raises(BackupError, match="key-encryption key"):
        backup_restore(archive=archive, force=True)
    assert StatusList.objects.exists()


def test_a_restore_into_a_non_empty_database_needs_force(
    issued: dict[str, Any], tmp_path: Path
) -> None:
    archive = tmp_path / "b.tar.gz"
    backup_create(output=archive)
    with pytest.raises(BackupError, match="already holds data"):
        backup_restore(archive=archive)
    assert Credential.objects.count() == 4

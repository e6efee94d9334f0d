"""Backup and restore: the whole platform in one ``.tar.gz`` (database, evidence files, manifest).

What is in an archive:

* ``manifest.json`` (first member): format version, creation time, the database vendor, the
  applied migrations, the ids of the key-encryption keys the signing keys need, row counts,
  and the size and SHA-256 of every other member;
* ``database.json``: every row, written by Django's ``dumpdata`` with natural foreign keys
  (so content types and permissions are matched by name, not by id, on the restoring side),
  read inside one transaction (repeatable read on PostgreSQL) so it is a consistent snapshot;
  binary columns (status-list bits, encrypted private keys, images) are base64 in the JSON;
* ``evidence/<path>``: every learner's evidence file a row refers to, read through the same
  storage the site uses (a directory or an S3 bucket).

Signing keys are in the database **encrypted** (envelope encryption); the key-encryption key
(``INSIGNIA_KEY_ENCRYPTION_KEY``) is never written to a backup.  Operators keep it separately;
a restore refuses to proceed when this instance lacks a KEK the archive's keys were made with.

A restore runs the migrations, refuses a database that already holds data unless forced (then
it is flushed first), checks every checksum before touching the database, loads the rows in
one transaction and writes the evidence files back.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tarfile
import tempfile
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model
from django.utils import timezone

from insignia.web.common.errors import ApplicationError
from insignia.web.earning import files as evidence_files
from insignia.web.earning.models import EvidenceItem
from insignia.web.issuers.keystore import kek_id

FORMAT = "insignia-backup"
VERSION = 1
DATABASE_MEMBER = "database.json"
MANIFEST_MEMBER = "manifest.json"

#: Not backed up: rebuilt by ``migrate`` on the restoring side (matched by natural keys), or
#: short-lived (sessions: everybody signs in again after a restore).
EXCLUDED = ["contenttypes", "auth.permission", "sessions"]

#: Models whose rows a fresh database already has (written by migrations and post-migrate
#: hooks); a database holding only these counts as empty.
SEEDED = {"contenttypes.contenttype", "auth.permission", "talent.skill", "talent.skillsynonym"}


class BackupError(ApplicationError):
    """A backup cannot be made or restored; the message says why."""


@dataclass(slots=True)
class Manifest:
    """What an archive holds (see the module docstring)."""

    created_at: str
    vendor: str
    migrations: dict[str, list[str]]
    kek_ids: list[str]
    counts: dict[str, int]
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    missing_files: list[str] = field(default_factory=list)

    def to_json(self) -> bytes:
        data = {"format": FORMAT, "version": VERSION}
        data.update(
            {
                "created_at": self.created_at,
                "database": {"vendor": self.vendor, "member": DATABASE_MEMBER},
                "migrations": self.migrations,
                "key_encryption_key_ids": self.kek_ids,
                "key_material": "Signing keys are stored encrypted; the key-encryption key is "
                "not in this backup and must be kept separately.",
                "counts": self.counts,
                "members": self.members,
                "missing_files": self.missing_files,
            }
        )
        return json.dumps(data, indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        try:
            data = json.loads(raw)
            if data.get("format") != FORMAT:
                raise BackupError("This file is not an Insignia backup.")
            if data.get("version") != VERSION:
                raise BackupError(f"Backup format version {data.get('version')} is not supported.")
            return cls(
                created_at=str(data["created_at"]),
                vendor=str(data["database"]["vendor"]),
                migrations={k: list(v) for k, v in data["migrations"].items()},
                kek_ids=list(data["key_encryption_key_ids"]),
                counts=dict(data["counts"]),
                members=dict(data["members"]),
                missing_files=list(data.get("missing_files", [])),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise BackupError(f"The backup's manifest is damaged ({exc}).") from None


def applied_migrations() -> dict[str, list[str]]:
    """Applied migrations per app, as recorded in the database."""
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _safe_member(name: str) -> PurePosixPath:
    """A member name as a relative path that stays inside the archive's directory."""
    path = PurePosixPath(name)
    if path.is_absolute() or not path.parts or any(p in {"..", ""} for p in path.parts):
        raise BackupError(f"The backup holds an unsafe file name: {name!r}.")
    return path


def _evidence_paths() -> list[str]:
    return sorted(
        set(EvidenceItem.objects.exclude(file_path="").values_list("file_path", flat=True))
    )


def _stored_models() -> list[type[Model]]:
    """Models with a table in this database (a model whose migration has not run holds
    nothing), managed by Django, and not proxies."""
    tables = set(connection.introspection.table_names())
    return [
        model
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model._meta.db_table in tables
    ]


def _dump(target: Path) -> tuple[dict[str, int], list[str]]:
    """Write every row to ``target``; return row counts and the KEK ids its keys need."""
    labels = [
        model._meta.label
        for model in _stored_models()
        if model._meta.app_label not in EXCLUDED and model._meta.label_lower not in EXCLUDED
    ]
    call_command(
        "dumpdata",
        *labels,
        natural_foreign=True,
        output=str(target),
        format="json",
        verbosity=0,
    )
    with target.open("rb") as handle:
        rows = json.load(handle)
    counts = Counter(str(row["model"]) for row in rows)
    # Every encrypted key (issuers' signing keys, LTI tool keys…) records its KEK's public id.
    keks = {str(row["fields"]["kek_id"]) for row in rows if row["fields"].get("kek_id")}
    return dict(sorted(counts.items())), sorted(keks)


def backup_create(*, output: Path, now: datetime | None = None) -> Manifest:
    """Write a backup archive to ``output`` (replaced atomically when complete).

    :raises BackupError: when a file cannot be written.
    """
    now = now or timezone.now()
    with tempfile.TemporaryDirectory(prefix="insignia-backup-") as tmp:
        work = Path(tmp)
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if connection.vendor == "postgresql" and outermost:
                with connection.cursor() as cursor:
                    # One snapshot for every table (the default would see each at a new time).
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            counts, keks = _dump(work / DATABASE_MEMBER)
            evidence = _evidence_paths()
            migrations = applied_migrations()
        manifest = Manifest(
            created_at=now.isoformat(),
            vendor=connection.vendor,
            migrations=migrations,
            kek_ids=keks,
            counts=counts,
        )
        for relative in evidence:
            member = f"evidence/{relative}"
            _safe_member(member)
            try:
                source = evidence_files.open_evidence_file(relative)
            except OSError:
                manifest.missing_files.append(relative)
                continue
            target = work / member
            target.parent.mkdir(parents=True, exist_ok=True)
            with source, target.open("wb") as out:
                shutil.copyfileobj(source, out)
        for path in sorted(p for p in work.rglob("*") if p.is_file()):
            name = path.relative_to(work).as_posix()
            manifest.members[name] = {"size": path.stat().st_size, "sha256": _sha256(path)}
        partial = output.with_name(output.name + ".partial")
        try:
            with tarfile.open(partial, "w:gz") as archive:
                raw = manifest.to_json()
                info = tarfile.TarInfo(MANIFEST_MEMBER)
                info.size, info.mtime, info.mode = len(raw), int(now.timestamp()), 0o600
                archive.addfile(info, io.BytesIO(raw))
                for name in manifest.members:
                    archive.add(work / name, arcname=name, recursive=False)
            partial.chmod(0o600)
            partial.replace(output)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise BackupError(f"The backup could not be written: {exc}") from exc
    return manifest


def _copy_out(handle: IO[bytes], target: Path) -> str:
    """Copy a member to ``target``; return its SHA-256."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with target.open("wb") as out:
        while block := handle.read(1 << 20):
            digest.update(block)
            out.write(block)
    return digest.hexdigest()


def _extract(archive_path: Path, work: Path) -> Manifest:
    """Unpack ``archive_path`` into ``work`` and check every member against the manifest."""
    seen: set[str] = set()
    manifest: Manifest | None = None
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            for info in archive:
                member = _safe_member(info.name)
                handle = archive.extractfile(info) if info.isfile() else None
                if handle is None:
                    raise BackupError(f"The backup holds something other than a file: {info.name}")
                if info.name == MANIFEST_MEMBER:
                    manifest = Manifest.from_json(handle.read())
                    continue
                if manifest is None:
                    raise BackupError("The backup's manifest is missing.")
                expected = manifest.members.get(info.name)
                if expected is None:
                    raise BackupError(f"The backup holds a file its manifest omits: {info.name}")
                if _copy_out(handle, work.joinpath(*member.parts)) != expected["sha256"]:
                    raise BackupError(f"{info.name} does not match its checksum: damaged backup.")
                seen.add(info.name)
    except (OSError, tarfile.TarError, EOFError, zlib.error) as exc:
        raise BackupError(f"The backup cannot be read: {exc}") from None
    if manifest is None:
        raise BackupError("The backup's manifest is missing.")
    lost = sorted(set(manifest.members) - seen)
    if lost:
        raise BackupError(f"The backup is incomplete: {', '.join(lost[:5])} missing.")
    return manifest


def database_is_empty() -> list[str]:
    """Models (other than migration-seeded ones) that hold rows; empty list when none do."""
    return [
        model._meta.label_lower
        for model in _stored_models()
        if model._meta.label_lower not in SEEDED and model._default_manager.exists()
    ]


def _check_keys(manifest: Manifest) -> None:
    have = {kek_id(k) for k in settings.INSIGNIA_KEY_ENCRYPTION_KEYS}
    lacking = sorted(set(manifest.kek_ids) - have)
    if lacking:
        raise BackupError(
            "The signing keys in this backup were encrypted with key-encryption key(s) "
            f"{', '.join(lacking)}, which this instance does not have. Set "
            "INSIGNIA_KEY_ENCRYPTION_KEY (or _FILE) to the key kept with your backups first."
        )


def _check_migrations(manifest: Manifest) -> None:
    here = applied_migrations()
    if here != manifest.migrations:
        unknown = sorted(
            f"{app}.{name}"
            for app, names in manifest.migrations.items()
            for name in names
            if name not in here.get(app, [])
        )
        newer = sorted(
            f"{app}.{name}"
            for app, names in here.items()
            for name in names
            if name not in manifest.migrations.get(app, [])
        )
        raise BackupError(
            "The backup was made by a different version of Insignia "
            f"(only in the backup: {', '.join(unknown[:5]) or 'none'}; "
            f"only here: {', '.join(newer[:5]) or 'none'}). Restore with the version that made "
            "it, then upgrade."
        )


def _iter_evidence(work: Path) -> Iterator[tuple[str, Path]]:
    root = work / "evidence"
    if root.is_dir():
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            yield path.relative_to(root).as_posix(), path


def _write_evidence(relative: str, source: Path) -> None:
    storage = evidence_files.evidence_storage()
    if storage is not None:
        if storage.exists(relative):
            storage.delete(relative)
        saved = storage.save(relative, ContentFile(source.read_bytes()))
        if saved != relative:
            raise BackupError(f"The storage renamed {relative} to {saved}.")
        return
    target = evidence_files.evidence_root() / relative
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    target.chmod(0o600)


def backup_restore(*, archive: Path, force: bool = False) -> Manifest:
    """Restore an archive made by :func:`backup_create` into this instance's database.

    The schema is migrated first; a database that already holds data is refused unless
    ``force`` (then every table is emptied first).

    :raises BackupError: a damaged or foreign archive, a missing key-encryption key, another
        version's migrations, or a non-empty database without ``force``.
    """
    with tempfile.TemporaryDirectory(prefix="insignia-restore-") as tmp:
        work = Path(tmp)
        manifest = _extract(archive, work)
        _check_keys(manifest)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)  # the shared cache (not a model)
        _check_migrations(manifest)
        busy = database_is_empty()
        if busy and not force:
            raise BackupError(
                "The database already holds data (" + ", ".join(busy[:5]) + "). Restore into an "
                "empty database, or pass --force to replace everything in it."
            )
        # Emptied whether or not it held data: migrations seed some rows the backup also has.
        call_command("flush", interactive=False, verbosity=0)
        with transaction.atomic():
            call_command("loaddata", str(work / DATABASE_MEMBER), verbosity=0)
        for relative, path in _iter_evidence(work):
            _write_evidence(relative, path)
    return manifest

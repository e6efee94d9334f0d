"""Write a backup archive: ``python -m insignia.web.manage backup /backups/insignia.tar.gz``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from insignia.web.ops.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database and learners' evidence files into one .tar.gz with a manifest of "
        "checksums. The key-encryption key is NOT included: keep it separately."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("output", type=Path, help="the archive to write (.tar.gz)")

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path = options["output"]
        try:
            manifest = backup_create(output=output)
        except BackupError as exc:
            raise CommandError(exc.message) from exc
        rows = sum(manifest.counts.values())
        files = sum(1 for name in manifest.members if name.startswith("evidence/"))
        self.stdout.write(f"Backed up {rows} rows and {files} evidence file(s) to {output}.")
        if manifest.missing_files:
            self.stderr.write(
                f"{len(manifest.missing_files)} evidence file(s) referenced by the database were "
                "missing from storage (listed in the manifest)."
            )
        if manifest.kek_ids:
            self.stdout.write(
                "Signing keys are encrypted with key-encryption key id(s) "
                f"{', '.join(manifest.kek_ids)}; a restore needs that key."
            )

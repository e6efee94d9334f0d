"""Restore a backup archive into an empty database (``--force`` replaces a non-empty one)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from insignia.web.ops.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore an archive written by `backup`: checks every checksum, migrates, refuses a "
        "database holding data unless --force, then loads the rows and evidence files."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="erase everything in the database before restoring",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup_restore(archive=options["archive"], force=options["force"])
        except BackupError as exc:
            raise CommandError(exc.message) from exc
        rows = sum(manifest.counts.values())
        self.stdout.write(f"Restored {rows} rows from the backup of {manifest.created_at}.")

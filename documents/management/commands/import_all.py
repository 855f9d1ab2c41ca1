"""`manage.py import_all DIR`: restore a backup made by export_all into an instance without
documents (see documents.backup)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from documents.backup import BackupError, import_all


class Command(BaseCommand):
    help = (
        "Restore a backup made by export_all into this instance, which must have no documents. "
        "The files are checked against the manifest before anything is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir", type=Path, help="A folder written by export_all.")

    def handle(self, *args, dir: Path, **options) -> None:
        try:
            written = import_all(dir, log=self.stdout.write)
        except BackupError as e:
            raise CommandError(str(e)) from e
        self.stdout.write(self.style.SUCCESS(f"Restored {sum(written.values())} rows from {dir}"))

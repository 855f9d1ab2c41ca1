"""`manage.py export_all DIR`: back up the whole instance into a new folder (documents.backup)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from documents.backup import BackupError, export_all


class Command(BaseCommand):
    help = (
        "Back up every document (originals, page images, results, corrections), the users, "
        "tokens and runtime settings into DIR, with a manifest. For a snapshot in which no "
        "page changes, stop the queue workers first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir", type=Path, help="A new or empty folder.")

    def handle(self, *args, dir: Path, **options) -> None:
        try:
            manifest = export_all(dir, log=self.stdout.write)
        except BackupError as e:
            raise CommandError(str(e)) from e
        if manifest["missing_files"]:
            self.stderr.write(
                f"{len(manifest['missing_files'])} files named in the database were not in "
                "storage; they are listed under missing_files in the manifest"
            )
        if manifest["active_documents"]:
            self.stderr.write(
                f"{manifest['active_documents']} documents were being read: a restore reads "
                "them again"
            )
        self.stdout.write(self.style.SUCCESS(f"Backup written to {dir}"))

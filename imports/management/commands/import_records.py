import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.audit import system_user
from imports.services import ImportRejected, records_import


class Command(BaseCommand):
    help = (
        "Import records from the council's previous system (one JSON document: staff, children, contacts, "
        "cases, allocations, statutory episodes, missing episodes, NRM referrals). All or nothing: every bad "
        "record is listed and nothing is written. Records whose key was imported before are updated."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The JSON document to import")
        parser.add_argument("--dry-run", action="store_true", help="Check everything, then write nothing")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"{path} is not a JSON document: {exc}") from None
        try:
            summary = records_import(document=document, actor=system_user(), dry_run=options["dry_run"])
        except ImportRejected as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"Nothing was imported: {exc}.") from None
        for line in summary.lines():
            self.stdout.write(line)
        if summary.dry_run:
            self.stdout.write(self.style.WARNING("Dry run: everything was checked and nothing was written."))
        else:
            self.stdout.write(self.style.SUCCESS("Import complete."))

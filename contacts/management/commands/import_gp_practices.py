import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from contacts.services import gp_practices_import
from core.audit import system_user


class Command(BaseCommand):
    help = (
        "Add and update the register of GP practices from NHS England's ODS file of GP practices "
        "(epraccur.csv: no header row; the columns read are listed in docs/operations.md). "
        "Practices already in the register are updated; lines that cannot be read are listed and skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="epraccur.csv, as downloaded from NHS England (unzipped)")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
                result = gp_practices_import(rows=csv.reader(handle), actor=system_user())
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from None
        except csv.Error as exc:
            raise CommandError(f"{path} is not a CSV file: {exc}") from None
        for problem in result.skipped:
            self.stderr.write(f"Skipped {problem}")
        for line in result.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Register of GP practices updated."))

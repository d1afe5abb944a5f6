import datetime as dt
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from devdata.generator import SCALES, DatabaseNotEmpty, generate


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = (
        "Fill an empty database with generated, internally consistent records over ten years, with history, "
        "for benchmarks (small: 1,000 children; large: 200,000 children, 500,000 contacts, 20,000 CATE cases, "
        "60,000 missing episodes, 500 staff). The same --seed and --as-at give the same records. Refuses a "
        "database that already holds children, contacts, cases or staff unless --force, which adds the generated "
        "records alongside them (a second run with the same seed then fails on the generated usernames)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="small")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--as-at", type=_date, default=None, help="The last day of the ten years (default: today)")
        parser.add_argument("--force", action="store_true", help="Add to a database that already has records")

    def handle(self, *args, **options):
        if settings.SETTINGS_MODULE.endswith(".production"):
            raise CommandError("Generated data is not written under production settings.")
        as_at = options["as_at"] or timezone.localdate()
        self.stdout.write(f"Generating {options['scale']} data, seed {options['seed']}, as at {as_at}")
        try:
            summary = generate(
                scale=options["scale"], seed=options["seed"], as_at=as_at, stdout=self.stdout, force=options["force"]
            )
        except DatabaseNotEmpty:
            raise CommandError(
                "The database already has children, contacts, cases or staff: use an empty database, or --force "
                "to add generated records alongside them."
            ) from None
        if connection.vendor == "postgresql" and not connection.in_atomic_block:  # VACUUM needs autocommit
            # Fresh statistics and visibility maps, as autovacuum would leave them after a while: the
            # planner then sees the tables as they are (timed separately from the generation).
            began = time.monotonic()
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
            self.stdout.write(f"VACUUM ANALYZE in {time.monotonic() - began:.0f} s")
        for line in summary.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Generated in {summary.seconds / 60:.1f} minutes."))

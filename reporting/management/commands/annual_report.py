import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reporting import figures, presentation
from reporting.selectors import annual_report


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date written YYYY-MM-DD") from None


class Command(BaseCommand):
    help = (
        "The annual report rebuilt from the records, for any period (default: the last complete financial "
        "year), with the three-year baseline when the period is a financial year."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", help="First day of the period (YYYY-MM-DD)")
        parser.add_argument("--to", dest="end", help="Last day of the period (YYYY-MM-DD)")
        parser.add_argument("--format", choices=sorted(presentation.RENDERERS), default="json")
        parser.add_argument("--output", help="Write to this file instead of standard output")

    def handle(self, *args, **options):
        if bool(options["start"]) != bool(options["end"]):
            raise CommandError("Give both --from and --to, or neither for the last complete financial year.")
        if options["start"]:
            start, end = _date(options["start"]), _date(options["end"])
            if end < start:
                raise CommandError("--to must be on or after --from.")
            period = figures.Period(start, end)
        else:
            period = figures.last_complete_financial_year(timezone.localdate())
        content = presentation.RENDERERS[options["format"]](annual_report(period))
        if options["output"]:
            mode = "wb" if isinstance(content, bytes) else "w"
            with open(options["output"], mode) as out:
                out.write(content)
            return
        if isinstance(content, bytes):
            binary = getattr(self.stdout._out, "buffer", None)
            if binary is None or self.stdout.isatty():
                raise CommandError("XLSX is a binary file: give --output FILE.xlsx or redirect the output")
            binary.write(content)
            binary.flush()
            return
        self.stdout.write(content, ending="")

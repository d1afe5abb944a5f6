"""The register of GP practices, from NHS England's organisation data (ODS): the `epraccur` file
of GP practices, a CSV file with no header row (columns in docs/operations.md).

A practice already in the register (same ODS code) is updated where the file differs; a new one is
added; one not in the file is left as it is (the file lists closed practices too, with status C).
Every write keeps history (the acting user, normally the system user, and the reason).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from ..choices import PracticeStatus
from ..models import GpPractice
from ..permissions import IMPORT_GP_PRACTICES
from ..rules import normalise_ods_code

REASON = "Imported from the ODS register of GP practices (epraccur)"

# The columns of epraccur used here, counted from 1 as NHS England's documentation counts them.
COLUMNS = {
    "code": 1,
    "name": 2,
    "address_line_1": 5,
    "address_line_2": 6,
    "address_line_3": 7,
    "address_line_4": 8,
    "address_line_5": 9,
    "postcode": 10,
    "opened_on": 11,
    "closed_on": 12,
    "status": 13,
    "telephone": 18,
}
FIELDS = [name for name in COLUMNS if name != "code"]
STATUSES = {
    "A": PracticeStatus.ACTIVE,
    "ACTIVE": PracticeStatus.ACTIVE,
    "C": PracticeStatus.CLOSED,
    "CLOSED": PracticeStatus.CLOSED,
    "INACTIVE": PracticeStatus.CLOSED,
    "D": PracticeStatus.DORMANT,
    "DORMANT": PracticeStatus.DORMANT,
    "P": PracticeStatus.PROPOSED,
    "PROPOSED": PracticeStatus.PROPOSED,
}
LIMITS = {f.name: f.max_length for f in GpPractice._meta.fields if getattr(f, "max_length", None)}


@dataclass
class PracticeImport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)  # "line N: why"

    def lines(self) -> list[str]:
        return [
            f"GP practices added: {self.created}",
            f"GP practices updated: {self.updated}",
            f"GP practices unchanged: {self.unchanged}",
            f"Lines skipped: {len(self.skipped)}",
        ]


def _date(value: str) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    return dt.datetime.strptime(value, "%Y%m%d").date()


def practice_from_row(row: Sequence[str]) -> dict:
    """One line of epraccur as the register's fields. ValueError when it cannot be read."""
    if len(row) < COLUMNS["status"]:
        raise ValueError(f"it has {len(row)} columns, fewer than the {COLUMNS['status']} needed")
    cell = {name: (row[number - 1].strip() if number <= len(row) else "") for name, number in COLUMNS.items()}
    code = normalise_ods_code(cell["code"])
    if not code or not code.isalnum() or len(code) > LIMITS["code"]:
        raise ValueError(f"{cell['code']!r} is not an ODS code")
    if not cell["name"]:
        raise ValueError("it has no name")
    status = STATUSES.get(cell["status"].upper())
    if status is None:
        raise ValueError(f"{cell['status']!r} is not a status code (A, C, D or P)")
    try:
        opened_on, closed_on = _date(cell["opened_on"]), _date(cell["closed_on"])
    except ValueError:
        raise ValueError("its open or close date is not a date like 19740401") from None
    values = {name: cell[name][: LIMITS[name]] for name in FIELDS if name in LIMITS}
    values["name"] = values["name"].title() if values["name"].isupper() else values["name"]
    for line in ("address_line_1", "address_line_2", "address_line_3", "address_line_4", "address_line_5"):
        values[line] = values[line].title() if values[line].isupper() else values[line]
    return values | {"code": code, "status": status, "opened_on": opened_on, "closed_on": closed_on}


def gp_practices_import(*, rows: Iterable[Sequence[str]], actor) -> PracticeImport:
    """Add and update the register's practices from the lines of an epraccur file."""
    if not (getattr(actor, "is_system", False) or actor.has_perm(IMPORT_GP_PRACTICES)):
        raise PermissionDenied("You cannot import the register of GP practices.")
    result = PracticeImport()
    read: dict[str, dict] = {}
    for number, row in enumerate(rows, start=1):
        if not any(cell.strip() for cell in row):
            continue
        try:
            values = practice_from_row(row)
        except ValueError as exc:
            result.skipped.append(f"line {number}: {exc}")
            continue
        read[values["code"]] = values  # a code listed twice: the later line wins
    with transaction.atomic():
        existing = {p.code: p for p in GpPractice.objects.select_for_update().filter(code__in=list(read))}
        new, changed = [], []
        for code, values in read.items():
            practice = existing.get(code)
            if practice is None:
                new.append(GpPractice(**values))
                continue
            differs = [name for name in FIELDS if getattr(practice, name) != values[name]]
            if not differs:
                result.unchanged += 1
                continue
            for name in differs:
                setattr(practice, name, values[name])
            changed.append(practice)
        if new:
            bulk_create_with_history(new, GpPractice, batch_size=500, default_user=actor, default_change_reason=REASON)
        if changed:
            bulk_update_with_history(
                changed, GpPractice, [*FIELDS], batch_size=500, default_user=actor, default_change_reason=REASON
            )
        result.created, result.updated = len(new), len(changed)
    return result

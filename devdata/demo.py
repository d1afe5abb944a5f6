"""Demo records for `manage.py seed_demo`: the synthetic previous-system records of 2023/24,
imported as a council would import its own (idempotent: a second run changes nothing)."""

from core.audit import system_user
from imports.services import records_import

from .demo_records import build


def seed_demo(stdout) -> None:
    summary = records_import(document=build(), actor=system_user())
    created = sum(summary.created.values())
    stdout.write(
        f"Reporting: imported the 2023/24 sample records ({created} created, "
        f"{sum(summary.unchanged.values())} unchanged); staff 'teststaff.*' cannot sign in.\n"
    )

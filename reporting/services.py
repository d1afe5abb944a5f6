"""Writes of reporting: the record of every report downloaded. Reporting reads every app and
writes only its own tables."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied

from .models import ReportExport
from .permissions import VIEW_ANNUAL_REPORT

# --- Report downloads ---------------------------------------------------------------------------


def report_export_record(*, report: str, period_start: date, period_end: date, file_format: str, actor) -> ReportExport:
    """Record that `actor` downloaded a report (the view logs the access against this row)."""
    if not actor.has_perm(VIEW_ANNUAL_REPORT):
        raise PermissionDenied("You cannot download this report.")
    export = ReportExport(
        report=report, period_start=period_start, period_end=period_end, file_format=file_format, exported_by=actor
    )
    export.full_clean()
    export.save()
    return export

"""Reporting's own tables: the record of every report downloaded from the service."""

from django.conf import settings
from django.db import models

from .choices import ExportFormat, ReportKind


class ReportExport(models.Model):
    """One download of a report: what, for which period, in which format, by whom and when.

    The access log entry of each download (action "export") points at this row."""

    report = models.CharField(max_length=20, choices=ReportKind.choices)
    period_start = models.DateField()
    period_end = models.DateField()
    file_format = models.CharField(max_length=5, choices=ExportFormat.choices)
    exported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    exported_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-exported_at", "-id"]
        permissions = [
            ("view_caseload_dashboard", "Can see the caseload dashboard and its lists"),
            ("view_annual_report", "Can see and download the annual report"),
            ("import_records", "Can import records from a previous system"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_report_display()} {self.period_start:%-d %b %Y} to {self.period_end:%-d %b %Y} "
            f"({self.get_file_format_display()})"
        )

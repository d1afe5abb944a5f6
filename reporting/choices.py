from django.db import models


class ReportKind(models.TextChoices):
    ANNUAL_REPORT = "annual_report", "Annual report"


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel (XLSX)"
    JSON = "json", "JSON"
    HTML = "html", "HTML"

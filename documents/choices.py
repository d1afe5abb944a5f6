"""The documents' codes."""

from django.db import models


class Sensitivity(models.TextChoices):
    NORMAL = "normal", "Normal"
    SENSITIVE = "sensitive", "Sensitive: only the roles allowed to read sensitive documents"


class ScanStatus(models.TextChoices):
    CLEAN = "clean", "Scanned: no malware found"
    UNSCANNED = "unscanned", "Not scanned (no virus scanner configured)"

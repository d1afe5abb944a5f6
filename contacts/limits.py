"""Limits of the public anonymous form. Deployment settings (Django settings, from the environment
if a council sets them), not service timescales: they protect the service, not a child's clock."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

# Field lengths of the public form.
MAX_NAME = 100
MAX_AGE = 50
MAX_LOCATIONS = 2000
MAX_SCHOOL = 200
MAX_CONCERN = 5000


def anonymous_form_limit() -> int:
    """How many reports one address may send in the window."""
    return int(getattr(settings, "ANONYMOUS_FORM_LIMIT", 5))


def anonymous_form_window() -> dt.timedelta:
    return dt.timedelta(minutes=int(getattr(settings, "ANONYMOUS_FORM_WINDOW_MINUTES", 60)))


def anonymous_form_min_seconds() -> float:
    """A form sent sooner than this after it was shown was filled in by a machine."""
    return float(getattr(settings, "ANONYMOUS_FORM_MIN_SECONDS", 3))


def anonymous_form_max_age() -> dt.timedelta:
    """A form shown longer ago than this is refused (shown again, keeping what was typed)."""
    return dt.timedelta(hours=int(getattr(settings, "ANONYMOUS_FORM_MAX_AGE_HOURS", 12)))

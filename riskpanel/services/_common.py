"""What the services of the risk panel share."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def refuse(errors: dict) -> None:
    """Raise the errors found, by field, if there are any."""
    if errors:
        raise ValidationError(errors)

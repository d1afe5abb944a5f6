"""What the intelligence services share: references and refusals."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from core import audit, clock


def refuse(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _next_reference(model, prefix: str) -> str:
    last = (
        model.objects.filter(reference__startswith=prefix, reference__regex=rf"^{prefix}\d{{5}}$")
        .aggregate(last=Max("reference"))
        .get("last")
    )
    number = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{number:05d}"


def save_with_reference(record, *, code: str, now: dt.datetime, actor, reason: str):
    """Save a new record under the next free reference of its year ("INT-2026-00012"), trying again
    when another writer took the same number at the same moment."""
    prefix = f"{code}-{clock.local_date(now).year}-"
    for attempt in range(5):
        record.reference = _next_reference(type(record), prefix)
        try:
            with transaction.atomic():
                audit.save(record, actor=actor, reason=reason)
            return record
        except (IntegrityError, ValidationError) as exc:
            taken = isinstance(exc, IntegrityError) or "reference" in getattr(exc, "error_dict", {})
            if not taken or attempt == 4:
                raise
            record.pk = None
    return record

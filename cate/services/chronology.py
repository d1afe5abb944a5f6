"""The case chronology: every service that changes a case writes an event here, and workers add
significant events by hand. `case_change` saves a change to the case together with its event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit

from ..choices import ChronologyKind
from ..models import Case, ChronologyEvent
from ..permissions import ADD_CHRONOLOGY_EVENT, require_work_on_case
from ._common import lock_case, not_in_future


def chronology_record(
    *,
    case: Case,
    kind: str,
    summary: str,
    actor,
    occurred_at: dt.datetime | None = None,
    detail: str = "",
    significant: bool = False,
    note=None,
) -> ChronologyEvent:
    """Add an event to a case's chronology (every service that changes a case calls this)."""
    event = ChronologyEvent(
        case=case,
        kind=kind,
        summary=summary[:300],
        detail=detail,
        significant=significant,
        occurred_at=occurred_at or timezone.now(),
        recorded_by=actor,
        note=note,
    )
    return audit.save(event, actor=actor, reason=summary[:300])


def case_change(
    case: Case,
    *,
    actor,
    reason: str,
    fields: Sequence[str],
    kind: str,
    summary: str | None = None,
    detail: str = "",
    occurred_at: dt.datetime | None = None,
    significant: bool = False,
) -> ChronologyEvent:
    """Save a change to the (locked) case with history (its version moves on; the history row names
    `actor` and `reason`) and write its chronology event (`summary`, by default the reason)."""
    audit.save_change(case, actor=actor, reason=reason, fields=fields)
    return chronology_record(
        case=case,
        kind=kind,
        actor=actor,
        occurred_at=occurred_at,
        summary=reason if summary is None else summary,
        detail=detail,
        significant=significant,
    )


def chronology_add_significant_event(
    *, case: Case, occurred_at: dt.datetime, summary: str, detail: str, actor
) -> ChronologyEvent:
    """A worker adds a significant event to the chronology by hand."""
    require_work_on_case(actor, case, ADD_CHRONOLOGY_EVENT)
    if not summary.strip():
        raise ValidationError({"summary": "Enter what happened"})
    not_in_future(occurred_at, "When it happened", "occurred_at")
    with transaction.atomic():
        case = lock_case(case)
        return chronology_record(
            case=case,
            kind=ChronologyKind.SIGNIFICANT_EVENT,
            actor=actor,
            occurred_at=occurred_at,
            summary=summary.strip(),
            detail=detail,
            significant=True,
        )

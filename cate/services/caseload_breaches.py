"""Caseload breaches (issue 24, scrutiny Rec 28): every time a case holder's weighted caseload is
past the limit is kept as a CaseloadBreach: who, from when to when, and its peak.

`caseload_breaches_refresh` brings the breaches in line with the caseloads as they are now: it
opens a breach for a holder newly past the limit, raises the peak of one still past it, and ends the
breach of a holder back within it. It runs from the scheduled job and inside the services that
change a caseload (allocation, a risk level, closure), as the system user. Idempotent: a second run
changes nothing; two runs at once wait for each other (the holders' rows are locked in one order)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from core import audit
from core.selectors import service_settings

from .. import caseload_weights, selectors
from ..choices import LIVE_CASE_STATUSES
from ..models import Case, CaseloadBreach


@dataclass
class BreachRun:
    opened: list[int] = field(default_factory=list)
    raised: list[int] = field(default_factory=list)
    ended: list[int] = field(default_factory=list)


def _everyone_to_check(worker_ids) -> list[int]:
    if worker_ids is not None:
        return sorted({pk for pk in worker_ids if pk})
    holders = set(selectors.case_holders().values_list("pk", flat=True))
    holding = set(
        Case.objects.filter(status__in=LIVE_CASE_STATUSES, allocated_worker__isnull=False).values_list(
            "allocated_worker_id", flat=True
        )
    )
    breached = set(CaseloadBreach.objects.filter(ended_at__isnull=True).values_list("worker_id", flat=True))
    return sorted(holders | holding | breached)


def caseload_breaches_refresh(*, now: datetime | None = None, worker_ids=None, settings=None) -> BreachRun:
    """Open, raise or end breaches to match each holder's weighted caseload now (every holder, or
    those of `worker_ids`)."""
    now = now or timezone.now()
    settings = settings or service_settings()
    limit = settings["caseload_limit"]
    actor = audit.system_user()
    run = BreachRun()
    with transaction.atomic():
        ids = _everyone_to_check(worker_ids)
        if not ids:
            return run
        list(get_user_model().objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
        loads = caseload_weights.loads_of(ids, settings)
        current = {
            breach.worker_id: breach
            for breach in CaseloadBreach.objects.select_for_update().filter(ended_at__isnull=True, worker_id__in=ids)
        }
        for worker_id in ids:
            load = loads.get(worker_id, caseload_weights.Load())
            breach = current.get(worker_id)
            if load.over(limit):
                if breach is None:
                    breach = CaseloadBreach(
                        worker_id=worker_id,
                        started_at=now,
                        limit=limit,
                        peak=load.weighted,
                        peak_cases=load.cases,
                        peak_at=now,
                    )
                    audit.save(
                        breach,
                        actor=actor,
                        reason=f"Weighted caseload {load.weighted_text} past the limit of {limit}",
                    )
                    run.opened.append(worker_id)
                elif load.weighted > breach.peak:
                    breach.peak, breach.peak_cases, breach.peak_at = load.weighted, load.cases, now
                    audit.save(
                        breach,
                        actor=actor,
                        reason=f"Weighted caseload up to {load.weighted_text}",
                        update_fields=["peak", "peak_cases", "peak_at"],
                    )
                    run.raised.append(worker_id)
            elif breach is not None:
                breach.ended_at = now
                audit.save(
                    breach,
                    actor=actor,
                    reason=f"Weighted caseload {load.weighted_text}, within the limit of {limit}",
                    update_fields=["ended_at"],
                )
                run.ended.append(worker_id)
    return run

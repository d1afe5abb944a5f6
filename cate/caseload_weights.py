"""Caseloads weighted by risk (issue 24, scrutiny Rec 28): each live case counts in high-priority
equivalents by its risk level, against the caseload limit (NWG: 8-10 high-priority cases,
001:L2287). The weights are settings (per cent of a high-priority case); a breach is the weighted
caseload over the limit. Reads only: one query for any number of case holders."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case as When_
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from .choices import LIVE_CASE_STATUSES, RiskLevel
from .models import Case

NOT_ASSESSED = "not_assessed"
HUNDRED = Decimal(100)


def weights(settings) -> dict[str, int]:
    """Each risk level's weight in per cent of a high-priority case ("" for no level yet)."""
    found = {level.value: settings[f"caseload_weight_{level.value}"] for level in RiskLevel}
    found[""] = settings[f"caseload_weight_{NOT_ASSESSED}"]
    return found


def weight_of(level: str, settings) -> Decimal:
    return Decimal(weights(settings)[level or ""]) / HUNDRED


def weight_expression(settings, prefix: str = ""):
    """A case's weight in per cent, as SQL (through `prefix`, e.g. "case__")."""
    table = weights(settings)
    return When_(
        *(When(**{f"{prefix}current_risk_level": level}, then=Value(pct)) for level, pct in table.items() if level),
        default=Value(table[""]),
        output_field=IntegerField(),
    )


@dataclass(frozen=True)
class Load:
    """A caseload: the live cases held, and their weight in hundredths of a high-priority case."""

    cases: int = 0
    hundredths: int = 0

    @property
    def weighted(self) -> Decimal:
        return (Decimal(self.hundredths) / HUNDRED).quantize(Decimal("0.01"))

    @property
    def weighted_text(self) -> str:
        """2, 2.5, 2.35: no trailing zeros."""
        text = f"{self.weighted:.2f}".rstrip("0").rstrip(".")
        return text or "0"

    def over(self, limit: int) -> bool:
        return self.hundredths > limit * 100

    def at(self, limit: int) -> bool:
        return self.hundredths == limit * 100

    def with_case(self, level: str, settings) -> Load:
        return Load(self.cases + 1, self.hundredths + weights(settings)[level or ""])


def live_cases_of(worker_ids) -> Q:
    return Q(allocated_worker_id__in=worker_ids, status__in=LIVE_CASE_STATUSES)


def loads_of(worker_ids, settings) -> dict[int, Load]:
    """Each worker's live cases and weighted caseload (workers holding none are absent). One query."""
    ids = worker_ids if hasattr(worker_ids, "query") else list(worker_ids)
    rows = (
        Case.objects.filter(live_cases_of(ids))
        .order_by()
        .values("allocated_worker_id")
        .annotate(n=Count("id"), w=Sum(weight_expression(settings)))
    )
    return {row["allocated_worker_id"]: Load(row["n"], row["w"] or 0) for row in rows}


def load_of(worker, settings) -> Load:
    return loads_of([worker.pk], settings).get(worker.pk, Load())


def weighted_subquery(settings):
    """For a user (OuterRef "pk"): the weight of their live cases in per cent, 0 when none."""
    rows = (
        Case.objects.filter(allocated_worker=OuterRef("pk"), status__in=LIVE_CASE_STATUSES)
        .order_by()
        .values("allocated_worker")
        .annotate(w=Sum(weight_expression(settings)))
        .values("w")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))

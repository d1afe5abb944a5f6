"""The partnership's figures of intelligence and disruption for a period (issue 20): intelligence by
source type and outcome, the time to feedback, and disruption by tactic and status. Counts only, never
a name. Three aggregate queries, whatever the records."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from core import clock
from intelligence.choices import DisruptionStatus, Outcome, SourceType, Tactic
from intelligence.models import Disruption, IntelligenceReport
from intelligence.permissions import is_reviewer

from . import figures
from .permissions import VIEW_ANNUAL_REPORT

NO_OUTCOME = "none"


def can_view(user) -> bool:
    """Group managers (who read the partnership's figures) and intelligence reviewers."""
    return getattr(user, "is_authenticated", False) and (user.has_perm(VIEW_ANNUAL_REPORT) or is_reviewer(user))


@dataclass(frozen=True)
class Table:
    caption: str
    columns: list[str]
    rows: list[tuple[str, list[int]]]


@dataclass(frozen=True)
class IntelligenceFigures:
    period: figures.Period
    by_source: Table
    submitted: int
    with_feedback: int
    within_timescale: int
    waiting: int
    mean_working_days: float | None
    median_working_days: float | None
    disruptions: Table


def _in_period(field: str, period: figures.Period) -> Q:
    return Q(
        **{f"{field}__gte": clock.start_of_local_day(period.start), f"{field}__lte": clock.end_of_local_day(period.end)}
    )


def intelligence_figures(period: figures.Period) -> IntelligenceFigures:
    reports = IntelligenceReport.objects.filter(_in_period("submitted_at", period))
    counts = {
        (row["source_type"], row["outcome"] or NO_OUTCOME): row["n"]
        for row in reports.values("source_type", "outcome").annotate(n=Count("pk")).order_by()
    }
    outcomes = [*Outcome.values, NO_OUTCOME]
    by_source = Table(
        "Intelligence by source and outcome",
        [*Outcome.labels, "No outcome yet", "Total"],
        [
            (label, [*(counts.get((value, o), 0) for o in outcomes), sum(counts.get((value, o), 0) for o in outcomes)])
            for value, label in SourceType.choices
        ],
    )
    answered = list(
        reports.filter(feedback_at__isnull=False).values_list("submitted_at", "feedback_at", "feedback_due_at")
    )
    days = sorted(
        clock.working_days_between(clock.local_date(submitted), clock.local_date(fed_back))
        for submitted, fed_back, _ in answered
    )
    median = None
    if days:
        middle = len(days) // 2
        median = float(days[middle]) if len(days) % 2 else figures.ratio_1dp(days[middle - 1] + days[middle], 2)
    tactic_counts = {
        (row["tactic"], row["status"]): row["n"]
        for row in Disruption.objects.filter(planned_on__gte=period.start, planned_on__lte=period.end)
        .values("tactic", "status")
        .annotate(n=Count("pk"))
        .order_by()
    }
    statuses = DisruptionStatus.values
    disruptions = Table(
        "Disruption by tactic and status",
        [*DisruptionStatus.labels, "Total"],
        [
            (
                label,
                [
                    *(tactic_counts.get((value, s), 0) for s in statuses),
                    sum(tactic_counts.get((value, s), 0) for s in statuses),
                ],
            )
            for value, label in Tactic.choices
        ],
    )
    submitted = sum(counts.values())
    return IntelligenceFigures(
        period=period,
        by_source=by_source,
        submitted=submitted,
        with_feedback=len(answered),
        within_timescale=sum(1 for _, fed_back, due in answered if fed_back <= due),
        waiting=submitted - len(answered),
        mean_working_days=figures.mean_1dp(days),
        median_working_days=median,
        disruptions=disruptions,
    )

"""The dashboard's and the annual report's parts of issue 24: the caseload breach history (Rec 28),
visit hours per worker per week (001:L2294), and the results of the monthly audits (Rec 23). Each is
a fixed number of queries whatever the records; none names a child."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncWeek

from cate import rules as cate_rules
from cate.choices import AuditJudgement, AuditKind
from cate.models import AuditItem, CaseloadBreach, Visit
from core import clock

from .figures import Period


@dataclass(frozen=True)
class BreachRow:
    worker: Any
    started_at: datetime
    ended_at: datetime | None
    peak: Decimal
    peak_cases: int
    limit: int
    month_ends: int
    consistent: bool


def breach_history(*, since: datetime, now: datetime, settings) -> list[BreachRow]:
    """Every breach going on at any time from `since` to now, newest first. One query."""
    months = settings["caseload_breach_months"]
    rows = CaseloadBreach.objects.filter(Q(ended_at__isnull=True) | Q(ended_at__gte=since)).select_related("worker")
    out = []
    for breach in rows.order_by("-started_at", "-id"):
        ends = cate_rules.month_ends_within(breach.started_at, breach.ended_at, now=now)
        out.append(
            BreachRow(
                breach.worker,
                breach.started_at,
                breach.ended_at,
                breach.peak,
                breach.peak_cases,
                breach.limit,
                len(ends),
                len(ends) >= months,
            )
        )
    return out


def breaches_in_period(period: Period, settings) -> dict[str, Any]:
    """The annual report's caseload breaches: those going on at any time in the period. Numbers only
    (no member of staff is named in the report)."""
    start, end = clock.start_of_local_day(period.start), clock.start_of_local_day(period.end + timedelta(days=1))
    months = settings["caseload_breach_months"]
    rows = list(
        CaseloadBreach.objects.filter(started_at__lt=end)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=start))
        .values_list("worker_id", "started_at", "ended_at", "peak")
    )
    month_ends = 0
    consistent = 0
    for _, started_at, ended_at, _ in rows:
        spanned = [m for m in cate_rules.month_ends_within(started_at, ended_at, now=end) if start <= m <= end]
        month_ends += len(spanned)
        whole = cate_rules.month_ends_within(started_at, ended_at, now=end)
        consistent += len(whole) >= months
    return {
        "breaches": len(rows),
        "staff": len({row[0] for row in rows}),
        "month_ends_past_limit": month_ends,
        "consistently_breached": consistent,
        "highest_peak": float(max((row[3] for row in rows), default=Decimal(0))),
    }


@dataclass(frozen=True)
class VisitHours:
    worker: Any
    minutes: list[int]  # one per week, oldest first

    @property
    def hours(self) -> list[str]:
        return [_hours(m) for m in self.minutes]

    @property
    def total(self) -> str:
        return _hours(sum(self.minutes))


def _hours(minutes: int) -> str:
    text = f"{Decimal(minutes) / 60:.1f}"
    return text[:-2] if text.endswith(".0") else text


def week_starts(today: date, weeks: int) -> list[date]:
    """The Mondays of the last `weeks` weeks, this week last."""
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def visit_hours_by_week(*, today: date, weeks: int = 4) -> tuple[list[date], list[VisitHours]]:
    """Each worker's hours of visits (the durations recorded) in each of the last `weeks` weeks
    (Monday to Sunday, London), by who recorded the visit. One query for the hours, one for the names."""
    mondays = week_starts(today, weeks)
    rows = (
        Visit.objects.filter(
            visited_at__gte=clock.start_of_local_day(mondays[0]),
            visited_at__lt=clock.start_of_local_day(mondays[-1] + timedelta(weeks=1)),
            duration_minutes__isnull=False,
        )
        .annotate(week=TruncWeek("visited_at", tzinfo=clock.LONDON))
        .order_by()
        .values("recorded_by", "week")
        .annotate(minutes=Sum("duration_minutes"))
    )
    found: dict[int, dict[date, int]] = defaultdict(dict)
    for row in rows:
        week = row["week"].date() if isinstance(row["week"], datetime) else row["week"]
        found[row["recorded_by"]][week] = row["minutes"] or 0
    people = get_user_model().objects.in_bulk(list(found))
    result = [VisitHours(people[pk], [found[pk].get(monday, 0) for monday in mondays]) for pk in found]
    result.sort(key=lambda r: (-sum(r.minutes), str(r.worker)))
    return mondays, result


@dataclass(frozen=True)
class AuditResult:
    month: date
    kind: str
    label: str
    sampled: int
    judged: int
    agree: int
    disagree: int
    action_needed: int

    @property
    def waiting(self) -> int:
        return self.sampled - self.judged


def audit_results(*, today: date, months: int = 12) -> list[AuditResult]:
    """Each month's audit samples and their judgements, newest first. One query."""
    first = clock.add_months_to_date(today.replace(day=1), -months)
    rows = (
        AuditItem.objects.filter(sample__month__gte=first)
        .order_by()
        .values("sample__month", "sample__kind")
        .annotate(
            sampled=Count("id"),
            judged=Count("id", filter=~Q(judgement="")),
            agree=Count("id", filter=Q(judgement=AuditJudgement.AGREE)),
            disagree=Count("id", filter=Q(judgement=AuditJudgement.DISAGREE)),
            action=Count("id", filter=Q(judgement=AuditJudgement.ACTION_NEEDED)),
        )
    )
    out = [
        AuditResult(
            row["sample__month"],
            row["sample__kind"],
            AuditKind(row["sample__kind"]).label,
            row["sampled"],
            row["judged"],
            row["agree"],
            row["disagree"],
            row["action"],
        )
        for row in rows
    ]
    return sorted(out, key=lambda r: (r.month, r.kind), reverse=True)

"""Reads of reporting: the annual report rebuilt from the records, and caseloads on any date.

Every figure counts records, restricted children included (aggregates identify no one); lists
that name children (the dashboard's drill-downs) start from what the user may see instead.
"In the period" compares Europe/London dates, both ends included.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, TruncMonth

from cate.choices import RISK_ORDER, ClosureStatus, SupportService
from cate.models import Allocation, Case, CaseClosure, MissingEpisode, NrmReferral, StatutoryEpisode, SupportReferral
from cate.selectors import case_holder_choices, cases_visible_to
from contacts.choices import ContactStatus
from contacts.models import Child, Contact
from core import clock
from core.selectors import ServiceSettings, service_settings
from core.timescales import REGISTRY

from . import caseloads, figures
from .caseloads import CATE_OPEN_TO
from .figures import Period
from .overdue import overdue_counts, twelve_months_from

# A child merged into another counts as the child it was merged into. The merged child is looked up
# in the (few) merged children only (index contacts_child_merged_idx): a join of every row to the
# whole child index cost most of the report's time.
_MERGED_INTO = Child.objects.filter(pk=OuterRef("child_id"), merged_into__isnull=False).order_by()
PERSON = Coalesce(
    Subquery(_MERGED_INTO.values("merged_into_id")[:1]),
    "child_id",
    output_field=BigIntegerField(),
)


def _window(period: Period) -> tuple[datetime, datetime]:
    """The moments a period of London days starts and ends (end exclusive)."""
    return clock.start_of_local_day(period.start), clock.start_of_local_day(period.end + timedelta(days=1))


# --- Caseloads ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Caseload:
    """The caseload at the end of a day (reporting.caseloads says what each word means): cases held by
    staff in post, the staff holding them, and every case open then (held or not)."""

    as_at: date
    open_cases: int  # held by staff in post
    case_holders: int  # staff in post holding at least one open case
    all_open: int = 0  # every open case, held or not

    @property
    def average(self) -> float:
        return figures.ratio_1dp(self.open_cases, self.case_holders)

    @property
    def not_held(self) -> int:
        return self.all_open - self.open_cases

    def as_json(self) -> dict[str, Any]:
        return {
            "as_at": self.as_at.isoformat(),
            "open_cases": self.open_cases,
            "case_holders": self.case_holders,
            "average": self.average,
        }


def caseloads_on(days: Sequence[date]) -> dict[date, Caseload]:
    """Cases held, staff holding them, the average caseload and every open case at the end of each
    day, from the allocation and closure history (so any past date can be reproduced). Three queries
    however many days."""
    days = list(dict.fromkeys(days))
    if not days:
        return {}
    # Only allocations and cases that overlap the days asked about can count on any of them: the
    # others (years of history) are left out before the per-day filters run. A case reopened since
    # is open now, so kept.
    first, last = caseloads.end_of(min(days)), caseloads.end_of(max(days))
    gaps = caseloads.ReopenedGaps(first, last)
    overlapping = Allocation.objects.filter(Q(ended_at__isnull=True) | Q(ended_at__gte=first), started_at__lt=last)
    held_on = [caseloads.held_at_end_of(day, gaps) for day in days]
    held = overlapping.aggregate(
        **{f"c{i}": Count("case_id", filter=q, distinct=True) for i, q in enumerate(held_on)},
        **{f"w{i}": Count("worker_id", filter=q, distinct=True) for i, q in enumerate(held_on)},
    )
    live = Case.objects.filter(Q(closed_at__isnull=True) | Q(closed_at__gte=first), opened_at__lt=last)
    open_ = live.aggregate(
        **{f"o{i}": Count("id", filter=caseloads.open_at_end_of(day, gaps=gaps)) for i, day in enumerate(days)}
    )
    return {day: Caseload(day, held[f"c{i}"], held[f"w{i}"], open_[f"o{i}"]) for i, day in enumerate(days)}


# --- The annual report ---------------------------------------------------------------------------


def _contacts(period: Period) -> dict[str, Any]:
    start, end = _window(period)
    rows = Contact.objects.filter(
        cse_concern=True, enquiry_on_open_case=False, received_at__gte=start, received_at__lt=end
    ).exclude(status=ContactStatus.ENTERED_IN_ERROR)
    counts = rows.aggregate(
        total=Count("id"),
        children=Count(PERSON, distinct=True),
        **{f"source_{s}": Count("id", filter=Q(source=s)) for s in figures.SOURCES},
        **{f"outcome_{o}": Count("id", filter=Q(outcome=o)) for o in figures.OUTCOMES if o != "undecided"},
    )
    total = counts["total"]
    by_outcome = {o: counts[f"outcome_{o}"] for o in figures.OUTCOMES if o != "undecided"}
    by_outcome["undecided"] = total - sum(by_outcome.values())
    by_source = {s: counts[f"source_{s}"] for s in figures.SOURCES}
    by_source["not_known"] += total - sum(by_source.values())  # any source outside the published list
    return {
        "total": total,
        "children": counts["children"],
        "per_child": figures.ratio_1dp(total, counts["children"]),
        "by_source": figures.breakdown(by_source, figures.SOURCES, total),
        "by_outcome": figures.breakdown(by_outcome, figures.OUTCOMES, total),
    }


def _new_cases(period: Period) -> dict[str, Any]:
    """Children with a case with CSE among its types opened in the period; victim or at risk
    as the earliest such case in the period classified them."""
    start, end = _window(period)
    first: dict[int, str] = {}
    rows = (
        Case.objects.filter(cse=True, opened_at__gte=start, opened_at__lt=end)
        .annotate(person=PERSON)
        .order_by("opened_at", "id")
        .values_list("person", "classification")
    )
    for person, classification in rows:
        first.setdefault(person, classification or "not_known")
    children = len(first)
    return {"children": children} | figures.breakdown(Counter(first.values()), figures.CLASSIFICATIONS, children)


def cohort_children(period: Period) -> set[int]:
    """Children with a case with CSE among its types, open to CATE, opened on or before the
    period's end and not closed before its start. A case closed and later reopened was not open
    in between: a closure whose gap (approved → reopened) spans the whole period leaves it out."""
    start, end = _window(period)
    closed_throughout = CaseClosure.objects.filter(
        case=OuterRef("pk"), status=ClosureStatus.REOPENED, decided_at__lt=start, reopened_at__gte=end
    )
    return set(
        Case.objects.filter(cse=True, open_to__in=CATE_OPEN_TO, opened_at__lt=end)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=start))
        .exclude(Exists(closed_throughout))
        .annotate(person=PERSON)
        .values_list("person", flat=True)
        .distinct()
    )


def _cohort(period: Period, people: set[int]) -> dict[str, Any]:
    rows = list(
        Child.objects.filter(pk__in=people).values_list(
            "date_of_birth", "gender", "ethnicity", "send_status", "receiving_education", "attendance_percent"
        )
    )
    children = len(rows)
    ages = [clock.age_on(row[0], period.end) for row in rows if row[0] is not None]
    statutory = (
        StatutoryEpisode.objects.filter(start__lte=period.end)
        .filter(Q(end__isnull=True) | Q(end__gte=period.start))
        .annotate(person=PERSON)
        .filter(person__in=people)
        .values_list("person", flat=True)
        .distinct()
    )
    return {
        "children": children,
        "average_age": figures.mean_1dp(ages),
        "gender": figures.breakdown(Counter(figures.gender_group(r[1]) for r in rows), figures.GENDERS, children),
        "ethnicity": figures.breakdown(
            Counter(figures.ethnic_group(r[2]) for r in rows), figures.ETHNIC_GROUPS, children
        ),
        "send": figures.breakdown(Counter(figures.send_group(r[3]) for r in rows), figures.SEND_GROUPS, children),
        "attendance": figures.breakdown(
            Counter(figures.attendance_band(r[4], r[5]) for r in rows), figures.ATTENDANCE_BANDS, children
        ),
        "open_to_statutory": figures.share(len(set(statutory)), children),
    }


def _support(period: Period) -> dict[str, Any]:
    """R-42 (000:L348-351): referrals to support made in the period, and the sessions offered and
    attended on them, by provider (every provider listed, none left out when it had no referral)."""
    rows = (
        SupportReferral.objects.filter(referred_on__gte=period.start, referred_on__lte=period.end)
        .values("service")
        .annotate(n=Count("pk"), offered=Sum("sessions_offered"), attended=Sum("sessions_attended"))
        .order_by()
    )
    found = {row["service"]: row for row in rows}
    by = {code: found.get(code, {"n": 0, "offered": 0, "attended": 0}) for code in SupportService.values}
    return {
        "referrals": sum(row["n"] for row in by.values()),
        "sessions_offered": sum(row["offered"] or 0 for row in by.values()),
        "sessions_attended": sum(row["attended"] or 0 for row in by.values()),
        "referrals_by_provider": {code: row["n"] for code, row in by.items()},
        "sessions_offered_by_provider": {code: row["offered"] or 0 for code, row in by.items()},
        "sessions_attended_by_provider": {code: row["attended"] or 0 for code, row in by.items()},
    }


def _missing(period: Period, people: set[int], settings: ServiceSettings) -> dict[str, Any]:
    """Missing episodes of cohort children whose return falls in the period, and their return
    home interviews: in time when completed within the setting (72 hours) of the return."""
    start, end = _window(period)
    rows = list(
        MissingEpisode.objects.filter(returned_at__gte=start, returned_at__lt=end)
        .annotate(person=PERSON)
        .filter(person__in=people)
        .values_list("person", "returned_at", "rhi_eligible", "interview__completed_at")
    )
    eligible = [row for row in rows if row[2]]
    completed = [row for row in eligible if row[3] is not None]
    in_time = [row for row in completed if row[3] <= settings.due("return_home_interview", row[1])]
    return {
        "episodes": len(rows),
        "children": len({row[0] for row in rows}),
        "rhi_eligible": len(eligible),
        "rhi_completed": len(completed),
        "rhi_in_timescale": figures.share(len(in_time), len(eligible)),
    }


def default_report_period(today: date) -> Period:
    """The period the annual report opens on: the last complete financial year that has records
    (a contact received or a case opened in it); the last complete financial year when none has."""
    last = figures.last_complete_financial_year(today)
    _, before = _window(last)
    latest = [
        Contact.objects.filter(received_at__lt=before)
        .exclude(status=ContactStatus.ENTERED_IN_ERROR)
        .aggregate(at=Max("received_at"))["at"],
        Case.objects.filter(opened_at__lt=before).aggregate(at=Max("opened_at"))["at"],
    ]
    moments = [moment for moment in latest if moment is not None]
    if not moments:
        return last
    return figures.financial_year_containing(clock.local_date(max(moments)))


def annual_report(
    period: Period, *, with_baseline: bool = True, settings: ServiceSettings | None = None
) -> dict[str, Any]:
    """The annual report's figures for any period; with the three-year baseline when the period
    is a financial year."""
    settings = settings or service_settings()
    people = cohort_children(period)
    report = {
        "period": period.as_json(),
        "contacts": _contacts(period),
        "new_cases": _new_cases(period),
        "cohort": _cohort(period, people),
        "missing": _missing(period, people, settings),
        "nrm_referrals": NrmReferral.objects.filter(referred_on__gte=period.start, referred_on__lte=period.end).count(),
        "support": _support(period),
        "caseload": caseloads_on([period.end])[period.end].as_json(),
    }
    if with_baseline and period.is_financial_year:
        years = [annual_report(year, with_baseline=False, settings=settings) for year in figures.baseline_years(period)]
        report["baseline"] = {"years": years, "mean": figures.mean_report(years)}
    return report


# --- The caseload dashboard ----------------------------------------------------------------------


@dataclass(frozen=True)
class WorkerLoad:
    worker: Any
    open_cases: int
    limit: int

    @property
    def over_limit(self) -> bool:
        return self.open_cases > self.limit

    @property
    def at_limit(self) -> bool:
        return self.open_cases == self.limit


@dataclass(frozen=True)
class RiskRow:
    code: str
    label: str
    colour: str
    count: int
    percent: int


@dataclass(frozen=True)
class DecisionMonth:
    month: date
    decided: int
    late: int

    @property
    def percent_late(self) -> int:
        return figures.percent(self.late, self.decided)


@dataclass(frozen=True)
class FrontDoorQueue:
    waiting: int
    in_screening: int
    overdue: int
    due_soon: int
    oldest_received_at: datetime | None


@dataclass(frozen=True)
class OpenCases:
    """Every case open now, in parts that add up to it (reporting.caseloads defines each part)."""

    total: int
    held: int  # by staff in post: the bars, and the average caseload today
    held_by_staff_not_in_post: int  # allocated to someone who has left (or not yet started)
    awaiting_allocation: int  # open to CATE, allocated to no one
    statutory_only: int  # open to statutory safeguarding only, allocated to no one

    @property
    def parts_total(self) -> int:
        return self.held + self.held_by_staff_not_in_post + self.awaiting_allocation + self.statutory_only


@dataclass(frozen=True)
class CaseloadDashboard:
    today: date
    limit: int
    workers: list[WorkerLoad]  # staff in post holding cases today: one bar each
    not_in_post: list[WorkerLoad]  # staff not in post today who still have cases allocated
    idle: list[Any]  # staff in post who may hold cases and hold none today (no bar)
    caseload_now: Caseload
    caseload_months: list[Caseload]
    open_now: OpenCases
    risk_mix: list[RiskRow]
    open_cases: int
    overdue: list
    queue: FrontDoorQueue
    decisions: list[DecisionMonth]


def worker_loads(*, today: date, limit: int) -> tuple[list[WorkerLoad], list[WorkerLoad], list[Any]]:
    """Open cases allocated to each member of staff at the end of today: those in post (the bars,
    counted in the average caseload), those not in post (whose cases wait to be reallocated), and
    the staff in post who may hold cases (cate's case holders) holding none. One query."""
    held = (
        Allocation.objects.filter(caseloads.allocated_at_end_of(today), worker=OuterRef("pk"))
        .order_by()
        .values("worker")
        .annotate(n=Count("case_id", distinct=True))
        .values("n")
    )
    may_hold = case_holder_choices().filter(caseloads.in_post_on(today)).order_by().values("pk")
    people = (
        get_user_model()
        .objects.annotate(
            open_cases=Coalesce(Subquery(held, output_field=IntegerField()), 0),
            in_post=ExpressionWrapper(caseloads.in_post_on(today), output_field=BooleanField()),
        )
        .filter(Q(open_cases__gt=0) | Q(pk__in=may_hold))
        .order_by("-open_cases", "first_name", "last_name", "pk")
    )
    workers, not_in_post, idle = [], [], []
    for person in people:
        if not person.open_cases:
            idle.append(person)
        else:
            (workers if person.in_post else not_in_post).append(WorkerLoad(person, person.open_cases, limit))
    return workers, not_in_post, idle


def open_cases_now(today: date, settings: ServiceSettings) -> tuple[OpenCases, list[RiskRow]]:
    """Every case open at the end of today, the parts it divides into and its risk levels (the
    panel's decision where there is one). One query."""
    counts = Case.objects.filter(caseloads.open_at_end_of(today)).aggregate(
        total=Count("id"),
        held=Count("id", filter=caseloads.held_q(today)),
        not_in_post=Count("id", filter=caseloads.held_by_staff_not_in_post_q(today)),
        awaiting=Count("id", filter=caseloads.awaiting_allocation_q(today)),
        statutory=Count("id", filter=caseloads.statutory_only_unallocated_q(today)),
        **{f"risk_{level.value}": Count("id", filter=Q(current_risk_level=level.value)) for level in RISK_ORDER},
    )
    total = counts["total"]
    parts = OpenCases(total, counts["held"], counts["not_in_post"], counts["awaiting"], counts["statutory"])
    colours = settings["rag_mapping"]
    rows = [
        RiskRow(
            level.value,
            level.label,
            colours.get(level.value, ""),
            counts[f"risk_{level.value}"],
            figures.percent(counts[f"risk_{level.value}"], total),
        )
        for level in reversed(RISK_ORDER)
    ]
    unassessed = total - sum(row.count for row in rows)
    rows.append(RiskRow("", "Not assessed yet", "", unassessed, figures.percent(unassessed, total)))
    return parts, rows


def front_door_queue(*, now: datetime) -> FrontDoorQueue:
    soon = now + REGISTRY["contact_decision"].soon
    waiting = Contact.objects.filter(
        status__in=(ContactStatus.AWAITING_SCREENING, ContactStatus.IN_SCREENING)
    ).aggregate(
        waiting=Count("id", filter=Q(status=ContactStatus.AWAITING_SCREENING)),
        in_screening=Count("id", filter=Q(status=ContactStatus.IN_SCREENING)),
        overdue=Count("id", filter=Q(decision_due_at__lt=now)),
        due_soon=Count("id", filter=Q(decision_due_at__gte=now, decision_due_at__lte=soon)),
        oldest=Min("received_at"),
    )
    return FrontDoorQueue(
        waiting["waiting"], waiting["in_screening"], waiting["overdue"], waiting["due_soon"], waiting["oldest"]
    )


def decisions_by_month(*, today: date) -> list[DecisionMonth]:
    """Contacts decided in each of the last 12 months (this one included) and how many out of time."""
    first = twelve_months_from(today)
    rows = (
        Contact.objects.filter(status=ContactStatus.DECIDED, decided_at__gte=clock.start_of_local_day(first))
        .annotate(month=TruncMonth("decided_at", tzinfo=clock.LONDON))
        .order_by()
        .values("month")
        .annotate(decided=Count("id"), late=Count("id", filter=Q(decided_at__gt=F("decision_due_at"))))
    )
    found = {row["month"].date() if isinstance(row["month"], datetime) else row["month"]: row for row in rows}
    months = [clock.add_months_to_date(first, n) for n in range(12)]
    return [
        DecisionMonth(month, found.get(month, {}).get("decided", 0), found.get(month, {}).get("late", 0))
        for month in months
    ]


def open_cases_visible_to(user) -> QuerySet[Case]:
    """The open CATE cases `user` may see, with their child and worker (the computed drill-downs)."""
    return cases_visible_to(user).filter(closed_at__isnull=True).select_related("child", "allocated_worker")


def open_case_ids_hidden_from(user) -> list[int]:
    """Open cases the user may not see (of restricted children they are not named on): the
    dashboard counts them, its lists do not show them."""
    return list(
        Case.objects.filter(closed_at__isnull=True)
        .exclude(pk__in=cases_visible_to(user).values("pk"))
        .values_list("pk", flat=True)
    )


def caseload_dashboard(*, now: datetime, settings: ServiceSettings | None = None) -> CaseloadDashboard:
    """Everything the team leader's and group manager's dashboard shows: a fixed number of queries
    however many cases there are."""
    settings = settings or service_settings()
    today = clock.local_date(now)
    limit = settings["caseload_limit"]
    months = figures.month_ends(today, 24)
    loads = caseloads_on([*months, today])
    open_now, mix = open_cases_now(today, settings)
    workers, not_in_post, idle = worker_loads(today=today, limit=limit)
    return CaseloadDashboard(
        today=today,
        limit=limit,
        workers=workers,
        not_in_post=not_in_post,
        idle=idle,
        caseload_now=loads[today],
        caseload_months=[loads[day] for day in months],
        open_now=open_now,
        risk_mix=mix,
        open_cases=open_now.total,
        overdue=overdue_counts(now=now, settings=settings),
        queue=front_door_queue(now=now),
        decisions=decisions_by_month(today=today),
    )

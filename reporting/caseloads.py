"""What a case and an allocation were at the end of a day, read from their history. No queries run here:
these are the filters the dashboard, its lists and the annual report share, so that their figures add up.

- A case is open at the end of a day when it was opened before the day ended and was not closed then:
  not closed at all, closed later, or closed earlier and since reopened after that day (the case's
  closure record keeps the gap a reopening cleared from the case).
- A case is allocated at the end of a day to whoever's allocation had started and not ended by then.
- Staff are in post on a day from their first day (or always, when none is set) to their last.
- A case is held at the end of a day when it is open and allocated then to staff in post that day.
  The average caseload is the cases held divided by the staff holding at least one of them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import Exists, OuterRef, Q

from cate.choices import ClosureStatus, OpenTo
from cate.models import Allocation, CaseClosure
from core import clock

CATE_OPEN_TO = (OpenTo.CATE, OpenTo.BOTH)


def end_of(day: date) -> datetime:
    """The moment a London day ends (the start of the next)."""
    return clock.start_of_local_day(day + timedelta(days=1))


def in_post_on(day: date, prefix: str = "") -> Q:
    """Staff in post on `day`: from on or before it, to empty or on or after it (never the system user)."""
    return (
        Q(**{f"{prefix}is_system": False})
        & (Q(**{f"{prefix}active_from__isnull": True}) | Q(**{f"{prefix}active_from__lte": day}))
        & (Q(**{f"{prefix}active_to__isnull": True}) | Q(**{f"{prefix}active_to__gte": day}))
    )


class ReopenedGaps:
    """Closures undone by a later reopening that span any moment between `first` and `last`: a
    handful, read in one query, so that each day's filter names the cases rather than running a
    subquery of its own."""

    def __init__(self, first: datetime, last: datetime):
        self.gaps = list(
            CaseClosure.objects.filter(status=ClosureStatus.REOPENED, decided_at__lt=last, reopened_at__gte=first)
            .order_by()
            .values_list("case_id", "decided_at", "reopened_at")
        )

    def closed_at(self, moment: datetime) -> list[int]:
        """Cases closed at `moment` that have been reopened since (their closed_at was cleared)."""
        return sorted({case for case, decided, reopened in self.gaps if decided < moment <= reopened})


def _reopened_across(moment: datetime):
    """Cases whose closure before `moment` was undone by a reopening after it: closed at `moment`."""
    return CaseClosure.objects.filter(
        status=ClosureStatus.REOPENED, decided_at__lt=moment, reopened_at__gte=moment
    ).values("case_id")


def open_at_end_of(day: date, prefix: str = "", gaps: ReopenedGaps | None = None) -> Q:
    """Cases (through `prefix`, e.g. "case__") open at the end of `day`; with `gaps` read beforehand
    for the days asked about, the reopened cases are named rather than looked up."""
    moment = end_of(day)
    q = Q(**{f"{prefix}opened_at__lt": moment}) & (
        Q(**{f"{prefix}closed_at__isnull": True}) | Q(**{f"{prefix}closed_at__gte": moment})
    )
    if gaps is None:
        return q & ~Q(**{f"{prefix}pk__in": _reopened_across(moment)})
    reopened = gaps.closed_at(moment)
    return q & ~Q(**{f"{prefix}pk__in": reopened}) if reopened else q


def allocated_at_end_of(day: date, gaps: ReopenedGaps | None = None) -> Q:
    """Allocations current at the end of `day` of cases open then, whoever they were to."""
    moment = end_of(day)
    return (
        Q(started_at__lt=moment)
        & (Q(ended_at__isnull=True) | Q(ended_at__gte=moment))
        & open_at_end_of(day, "case__", gaps)
    )


def held_at_end_of(day: date, gaps: ReopenedGaps | None = None) -> Q:
    """Allocations (of all cases, not only CSE: 000:L340) that count in a caseload at the end of
    `day`: the case open then, the allocation current then, to staff in post that day."""
    return allocated_at_end_of(day, gaps) & in_post_on(day, "worker__")


def _current_allocation(day: date):
    moment = end_of(day)
    return Allocation.objects.filter(case=OuterRef("pk"), started_at__lt=moment).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=moment)
    )


def held_case(day: date) -> Exists:
    """For a case: allocated at the end of `day` to staff in post that day."""
    return Exists(_current_allocation(day).filter(in_post_on(day, "worker__")))


def allocated_case(day: date) -> Exists:
    """For a case: allocated at the end of `day` to anyone."""
    return Exists(_current_allocation(day))


# The parts open cases divide into at the end of a day (each case in exactly one). Each is a filter
# of cases, given the day.
def held_q(day: date) -> Q:
    return Q(held_case(day))


def held_by_staff_not_in_post_q(day: date) -> Q:
    return Q(allocated_case(day)) & ~Q(held_case(day))


def awaiting_allocation_q(day: date) -> Q:
    return ~Q(allocated_case(day)) & Q(open_to__in=CATE_OPEN_TO)


def statutory_only_unallocated_q(day: date) -> Q:
    return ~Q(allocated_case(day)) & ~Q(open_to__in=CATE_OPEN_TO)

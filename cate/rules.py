"""Rules of CATE casework that need no database: due dates derived from the clock and settings,
the consistency of an assessment's outcome, and back-to-back missing episodes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise

from core import clock
from core.timescales import Frequency

from .choices import (
    CHILD_AND_FAMILY_OUTCOMES,
    CSE_NOT_A_FACTOR_OUTCOMES,
    AssessmentType,
    RiskLevel,
)

TRANSITION_AGE = 17


def transition_due_on(*, date_of_birth: date | None, opened_on: date, settings) -> date | None:
    """When the post-17 transition meeting is due: the `post17_transition` timescale after the
    17th birthday, or after the opening of the case for a young person already older (IITCSE Rec 11)."""
    if date_of_birth is None:
        return None
    start = max(clock.birthday(date_of_birth, TRANSITION_AGE), opened_on)
    return clock.local_date(settings.due("post17_transition", clock.start_of_local_day(start)))


def visit_frequency_key(risk_level: str) -> str:
    return f"visit_frequency_{RiskLevel(risk_level).value}" if risk_level else "visit_frequency_not_assessed"


def visit_frequency(risk_level: str, settings) -> Frequency:
    return settings.frequency(visit_frequency_key(risk_level))


def next_visit_due(*, last_seen_at: datetime | None, allocated_at: datetime | None, frequency: Frequency):
    """The next visit is due one interval (per_days / visits) after the child was last seen, or
    after the case was first allocated in its current opening when they have not been seen since.
    Reallocation does not restart the clock; nothing is due on an unallocated case."""
    if allocated_at is None:
        return None
    start = last_seen_at if last_seen_at is not None and last_seen_at > allocated_at else allocated_at
    return clock.add_clock_hours(start, frequency.interval.total_seconds() / 3600)


def assessment_outcome_errors(*, assessment_type: str, cse_is_factor: bool | None, outcome: str) -> dict[str, str]:
    """The ways an outcome contradicts the assessment it closes (000:L96-104), by form field."""
    errors: dict[str, str] = {}
    if cse_is_factor is None:
        errors["cse_is_factor"] = "Select whether CSE is a factor"
    elif outcome in CSE_NOT_A_FACTOR_OUTCOMES and cse_is_factor:
        errors["outcome"] = "This outcome is for a child for whom CSE is not a factor"
    if outcome in CHILD_AND_FAMILY_OUTCOMES and assessment_type != AssessmentType.CHILD_AND_FAMILY:
        errors["outcome"] = "This outcome follows a Child & Family assessment only"
    return errors


@dataclass(frozen=True)
class EpisodeTimes:
    """What back-to-back marking needs of a missing episode."""

    key: object
    missing_from: datetime
    rhi_due_at: datetime | None


def back_to_back_keys(episodes: Sequence[EpisodeTimes]) -> set:
    """Episodes that start before the return home interview of the episode before them is due."""
    ordered = sorted(episodes, key=lambda e: e.missing_from)
    marked = set()
    for previous, current in pairwise(ordered):
        if previous.rhi_due_at is not None and current.missing_from < previous.rhi_due_at:
            marked.add(current.key)
    return marked


def periods_overlap(start_a: date, end_a: date | None, start_b: date, end_b: date | None) -> bool:
    """Whether two date periods share a day (an open end runs on)."""
    return (end_b is None or start_a <= end_b) and (end_a is None or start_b <= end_a)

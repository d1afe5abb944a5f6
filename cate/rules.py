"""Rules of CATE casework that need no database: due dates derived from the clock and settings,
the consistency of an assessment's outcome and of a case's opening, the factors of a risk
assessment, and overlapping and back-to-back missing episodes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise

from contacts.choices import ExploitationFactor, FactorLevel
from core import clock
from core.timescales import Frequency

from .choices import (
    CHILD_AND_FAMILY_OUTCOMES,
    CSE_NOT_A_FACTOR_OUTCOMES,
    OPENING_OUTCOMES,
    AssessmentOutcome,
    AssessmentType,
    Classification,
    NrmDecision,
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


def transition_meeting_from(*, date_of_birth: date, settings) -> date:
    """The first day a post-17 transition meeting can be held: the configured number of months
    before the 17th birthday (IITCSE Rec 11). It is not a meeting for younger children."""
    months = settings["post17_transition_earliest_months"]
    return clock.add_months_to_date(clock.birthday(date_of_birth, TRANSITION_AGE), -months)


def transition_meeting_error(*, date_of_birth: date | None, held_on: date, settings) -> str:
    """Why a transition meeting on `held_on` is not one for this young person, or ''."""
    if date_of_birth is None:
        return (
            "The young person's date of birth is not known. Record it on the child's record: "
            f"a transition meeting is for young people aged {TRANSITION_AGE} or nearly {TRANSITION_AGE}"
        )
    earliest = transition_meeting_from(date_of_birth=date_of_birth, settings=settings)
    if held_on < earliest:
        age = clock.age_on(date_of_birth, held_on)
        months = settings["post17_transition_earliest_months"]
        before = f"{months} month{'s' if months != 1 else ''} before " if months else "on "
        return (
            f"The young person was {age} on that date. A post-17 transition meeting can be held from "
            f"{before}their {TRANSITION_AGE}th birthday, that is from {earliest:%-d %B %Y}"
        )
    return ""


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
        errors["outcome"] = "Select an outcome for a child for whom CSE is a factor, or say that CSE is not a factor"
    if outcome in CHILD_AND_FAMILY_OUTCOMES and assessment_type != AssessmentType.CHILD_AND_FAMILY:
        errors["outcome"] = (
            "Select an outcome that follows this type of assessment: this one follows a Child & Family assessment only"
        )
    return errors


@dataclass(frozen=True)
class CaseOpening:
    """What a case records when an assessment opens it."""

    cse: bool
    cce: bool
    other_exploitation: bool
    classification: str


def opening_errors(opening: CaseOpening | None) -> dict[str, str]:
    """What an opening outcome still needs: the types of exploitation and the classification."""
    if opening is None:
        return {"exploitation_types": "Select the types of exploitation", "classification": "Select a classification"}
    errors = {}
    if not (opening.cse or opening.cce or opening.other_exploitation):
        errors["exploitation_types"] = "Select the types of exploitation"
    if opening.classification not in Classification.values:
        errors["classification"] = "Select whether the child is a victim or at risk"
    return errors


def assessment_completion_errors(
    *,
    assessment_type: str,
    started_at: datetime,
    outcome: str,
    cse_is_factor: bool | None,
    completed_at: datetime | None,
    summary: str,
    opening: CaseOpening | None,
    now: datetime,
) -> dict[str, str]:
    """Everything a completed detailed assessment needs, by form field, all at once: the outcome,
    consistent with the assessment; whether CSE is a factor; the date completed, not before the
    assessment started nor in the future; the summary (written while drafting, or now); and, for
    an outcome that opens the case, the types of exploitation and the classification."""
    errors = {}
    if outcome not in AssessmentOutcome.values:
        errors["outcome"] = "Select the outcome of the assessment"
        if cse_is_factor is None:
            errors["cse_is_factor"] = "Select whether CSE is a factor"
    else:
        errors.update(
            assessment_outcome_errors(assessment_type=assessment_type, cse_is_factor=cse_is_factor, outcome=outcome)
        )
        if outcome in OPENING_OUTCOMES:
            errors.update(opening_errors(opening))
    if completed_at is None:
        errors["completed_on"] = "Enter the date completed"
    elif completed_at > now + timedelta(minutes=5):
        errors["completed_on"] = "The date completed must be today or in the past"
    elif completed_at < started_at - timedelta(days=1):
        errors["completed_on"] = "The date completed must be on or after the date the assessment started"
    if not (summary or "").strip():
        errors["summary"] = "Enter the summary of the assessment"
    return errors


def factor_errors(factors: dict) -> dict[str, str]:
    """Each of the ten factors needs a level, and evidence unless it is not present."""
    errors = {}
    for factor in ExploitationFactor:
        entry = factors.get(factor.value) or {}
        level = entry.get("level", "")
        if level not in FactorLevel.values:
            errors[f"{factor.value}_level"] = f"Select a level for {factor.label.lower()}"
        elif level != FactorLevel.NOT_PRESENT and not str(entry.get("evidence", "")).strip():
            errors[f"{factor.value}_evidence"] = f"Enter the evidence for {factor.label.lower()}"
    unknown = set(factors) - set(ExploitationFactor.values)
    if unknown:
        errors["factors"] = f"Leave out the factors that are not among the ten: {', '.join(sorted(unknown))}"
    return errors


def clean_factors(factors: dict) -> dict:
    """The ten factors as stored: a level and trimmed evidence each (after factor_errors passed)."""
    return {
        code: {"level": factors[code]["level"], "evidence": str(factors[code].get("evidence", "")).strip()}
        for code in ExploitationFactor.values
    }


def episodes_overlap(a_start: datetime, a_end: datetime | None, b_start: datetime, b_end: datetime | None) -> bool:
    """Whether two missing episodes share a moment (one still missing runs on)."""
    return (b_end is None or a_start < b_end) and (a_end is None or b_start < a_end)


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


# --- NRM decisions and closure ---------------------------------------------------------------

# A reasonable- or conclusive-grounds answer that is not yet a decision.
NRM_UNDECIDED = frozenset({"", NrmDecision.PENDING})


def nrm_errors(
    *,
    referred_on: date | None,
    reasonable_grounds: str,
    reasonable_grounds_on: date | None,
    conclusive_grounds: str,
    conclusive_grounds_on: date | None,
) -> dict[str, str]:
    """Everything that does not fit together on an NRM referral, by form field, all at once: a
    decision needs the referral's date and its own date, a date needs its decision, a conclusive
    decision follows a positive reasonable grounds one, and the dates follow one another."""
    errors: dict[str, str] = {}
    decided = {NrmDecision.POSITIVE, NrmDecision.NEGATIVE}
    if (reasonable_grounds or conclusive_grounds) and referred_on is None:
        errors.setdefault("referred_on", "Enter the date the referral was made")
    if reasonable_grounds in decided and reasonable_grounds_on is None:
        errors.setdefault("reasonable_grounds_on", "Enter the date of the reasonable grounds decision")
    if reasonable_grounds_on is not None and reasonable_grounds not in decided:
        errors["reasonable_grounds"] = "Select the reasonable grounds decision, or leave its date empty"
    if conclusive_grounds and reasonable_grounds != NrmDecision.POSITIVE:
        errors["conclusive_grounds"] = (
            "Select Not yet for the conclusive grounds decision: it follows a positive reasonable grounds decision"
        )
    elif conclusive_grounds in decided and conclusive_grounds_on is None:
        errors.setdefault("conclusive_grounds_on", "Enter the date of the conclusive grounds decision")
    elif conclusive_grounds_on is not None and conclusive_grounds not in decided:
        errors["conclusive_grounds"] = "Select the conclusive grounds decision, or leave its date empty"
    for field, label, day in (
        ("reasonable_grounds_on", "reasonable grounds", reasonable_grounds_on),
        ("conclusive_grounds_on", "conclusive grounds", conclusive_grounds_on),
    ):
        if day is not None and referred_on is not None and day < referred_on:
            errors.setdefault(
                field, f"The date of the {label} decision must be on or after the date the referral was made"
            )
    if conclusive_grounds_on and reasonable_grounds_on and conclusive_grounds_on < reasonable_grounds_on:
        errors.setdefault(
            "conclusive_grounds_on",
            "The date of the conclusive grounds decision must be on or after the reasonable grounds decision",
        )
    return errors


def nrm_awaiting(*, referred_on: date | None, reasonable_grounds: str, conclusive_grounds: str) -> str:
    """The NRM decision a referral is waiting for ("reasonable grounds", "conclusive grounds"), or ""
    when none: not referred yet, refused at reasonable grounds, or decided at conclusive grounds."""
    if referred_on is None:
        return ""
    if reasonable_grounds in NRM_UNDECIDED:
        return "reasonable grounds"
    if reasonable_grounds == NrmDecision.POSITIVE and conclusive_grounds in NRM_UNDECIDED:
        return "conclusive grounds"
    return ""


def outstanding_field(code: str) -> str:
    """The form field holding the worker's reason to go ahead with an outstanding item."""
    return "outstanding_" + "".join(c if c.isascii() and c.isalnum() else "_" for c in code)


def closure_item_field(item_id: int) -> str:
    """The form field holding the team leader's decision on one outstanding item."""
    return f"item_{item_id}"


def sexual_health_route(date_of_birth, estimated_age, *, today) -> str:
    """Where a CSE case's sexual health check goes (Rec 9): the SARC under 13, the sexual health
    service from 13 (by the estimated age when the date of birth is not known; the SARC when neither is)."""
    from .choices import SEXUAL_HEALTH_SERVICE_AGE

    if date_of_birth:
        years = today.year - date_of_birth.year - ((today.month, today.day) < (date_of_birth.month, date_of_birth.day))
    else:
        years = estimated_age
    if years is not None and years >= SEXUAL_HEALTH_SERVICE_AGE:
        return "the sexual health service"
    return "the SARC"

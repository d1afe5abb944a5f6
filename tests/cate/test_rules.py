"""Table tests of the casework rules and timescales: weekends, bank holidays, DST, leap days."""

import datetime as dt
from datetime import UTC, date, datetime

import pytest

from cate import rules
from cate.choices import AssessmentOutcome, AssessmentType
from core import clock
from core.selectors import ServiceSettings
from core.timescales import Frequency

SETTINGS = ServiceSettings(overrides={})


@pytest.mark.parametrize(
    ("dob", "opened_on", "due"),
    [
        (date(2010, 5, 20), date(2024, 1, 10), date(2027, 8, 20)),  # 17 years and 3 months
        (date(2008, 2, 29), date(2024, 1, 10), date(2025, 5, 28)),  # 17th birthday is 28 Feb 2025
        (date(2007, 11, 30), date(2024, 1, 10), date(2025, 2, 28)),  # month end clamps
        (date(2006, 1, 1), date(2024, 3, 15), date(2024, 6, 15)),  # already 18: due from opening
        (date(2006, 12, 20), date(2024, 1, 10), date(2024, 4, 10)),  # opened at 17 and 3 weeks
        (None, date(2024, 1, 10), None),
    ],
)
def test_post17_transition_due(dob, opened_on, due):
    assert rules.transition_due_on(date_of_birth=dob, opened_on=opened_on, settings=SETTINGS) == due


def test_the_transition_timescale_is_a_setting():
    settings = ServiceSettings(overrides={"post17_transition": ({"amount": 6, "unit": "weeks"}, 2)})
    assert rules.transition_due_on(
        date_of_birth=date(2010, 5, 20), opened_on=date(2024, 1, 10), settings=settings
    ) == date(2027, 7, 1)


# When each clock of CATE casework falls due, across weekends, bank holidays and DST.
TIMESCALES = [
    # Return home interview: 72 clock hours; Easter does not stop it, and the clocks go forward.
    ("return_home_interview", datetime(2024, 3, 28, 18, 0, tzinfo=UTC), datetime(2024, 3, 31, 18, 0, tzinfo=UTC)),
    ("return_home_interview", datetime(2024, 12, 24, 22, 0, tzinfo=UTC), datetime(2024, 12, 27, 22, 0, tzinfo=UTC)),
    ("return_home_interview", datetime(2024, 10, 25, 12, 0, tzinfo=UTC), datetime(2024, 10, 28, 12, 0, tzinfo=UTC)),
    # Allocation: 1 working day. Thursday before Easter -> Tuesday after; Friday -> Monday.
    ("allocation", datetime(2024, 3, 28, 10, 0, tzinfo=UTC), datetime(2024, 4, 2, 9, 0, tzinfo=UTC)),
    ("allocation", datetime(2024, 6, 7, 15, 0, tzinfo=UTC), datetime(2024, 6, 10, 15, 0, tzinfo=UTC)),
    ("allocation", datetime(2024, 6, 8, 11, 0, tzinfo=UTC), datetime(2024, 6, 10, 11, 0, tzinfo=UTC)),  # Saturday
    # Christmas Day on a Sunday (2022): substitute holiday on Tuesday 27 December.
    ("allocation", datetime(2022, 12, 23, 12, 0, tzinfo=UTC), datetime(2022, 12, 28, 12, 0, tzinfo=UTC)),
    # NRM referral: 5 working days from opening.
    ("nrm_referral", datetime(2024, 3, 28, 10, 0, tzinfo=UTC), datetime(2024, 4, 8, 9, 0, tzinfo=UTC)),
    ("nrm_referral", datetime(2024, 5, 1, 9, 30, tzinfo=UTC), datetime(2024, 5, 9, 9, 30, tzinfo=UTC)),  # May Day
    # GP letter: 5 working days from allocation, skipping Christmas Day and Boxing Day.
    ("gp_letter", datetime(2024, 12, 20, 14, 0, tzinfo=UTC), datetime(2024, 12, 31, 14, 0, tzinfo=UTC)),
    # Detailed assessment: 45 working days from referral.
    ("detailed_assessment", datetime(2024, 3, 1, 10, 0, tzinfo=UTC), datetime(2024, 5, 8, 9, 0, tzinfo=UTC)),
]


@pytest.mark.parametrize(("key", "start", "due"), TIMESCALES)
def test_casework_timescales(key, start, due):
    assert SETTINGS.due(key, start) == due


@pytest.mark.parametrize(
    ("last_seen", "allocated", "frequency", "due"),
    [
        (None, None, Frequency(1, 7), None),  # unallocated: nothing due
        (None, datetime(2024, 3, 1, 9, 0, tzinfo=UTC), Frequency(1, 7), datetime(2024, 3, 8, 9, 0, tzinfo=UTC)),
        (
            datetime(2024, 3, 4, 16, 0, tzinfo=UTC),
            datetime(2024, 3, 1, 9, 0, tzinfo=UTC),
            Frequency(2, 7),
            datetime(2024, 3, 8, 4, 0, tzinfo=UTC),  # every 3.5 days
        ),
        (
            datetime(2024, 2, 1, 9, 0, tzinfo=UTC),  # seen before this opening's allocation
            datetime(2024, 3, 1, 9, 0, tzinfo=UTC),
            Frequency(1, 14),
            datetime(2024, 3, 15, 9, 0, tzinfo=UTC),
        ),
        (  # elapsed time across the clocks going forward
            datetime(2024, 3, 25, 12, 0, tzinfo=UTC),
            datetime(2024, 3, 1, 9, 0, tzinfo=UTC),
            Frequency(1, 7),
            datetime(2024, 4, 1, 12, 0, tzinfo=UTC),
        ),
    ],
)
def test_next_visit_due(last_seen, allocated, frequency, due):
    assert rules.next_visit_due(last_seen_at=last_seen, allocated_at=allocated, frequency=frequency) == due


@pytest.mark.parametrize(
    ("level", "key"),
    [
        ("high", "visit_frequency_high"),
        ("medium_high", "visit_frequency_medium_high"),
        ("low", "visit_frequency_low"),
        ("", "visit_frequency_not_assessed"),
    ],
)
def test_visit_frequency_follows_the_risk_level(level, key):
    assert rules.visit_frequency_key(level) == key
    assert rules.visit_frequency(level, SETTINGS) == SETTINGS.frequency(key)


def test_back_to_back_episodes():
    def ep(key, start_hours, due_hours):
        base = datetime(2024, 3, 28, 0, 0, tzinfo=UTC)
        return rules.EpisodeTimes(
            key=key,
            missing_from=base + dt.timedelta(hours=start_hours),
            rhi_due_at=None if due_hours is None else base + dt.timedelta(hours=due_hours),
        )

    episodes = [ep("c", 100, 170), ep("a", 0, 80), ep("b", 79, 150), ep("d", 171, None), ep("e", 200, None)]
    assert rules.back_to_back_keys(episodes) == {"b", "c"}
    assert rules.back_to_back_keys([ep("a", 0, 80), ep("b", 80, None)]) == set()  # at the due time: not before it


@pytest.mark.parametrize(
    ("kind", "cse", "outcome", "errors"),
    [
        (AssessmentType.CATE, True, AssessmentOutcome.OPENED_CATE, set()),
        (AssessmentType.CATE, None, AssessmentOutcome.OPENED_CATE, {"cse_is_factor"}),
        (AssessmentType.CATE, True, AssessmentOutcome.EARLY_HELP_CSE_NOT_FACTOR, {"outcome"}),
        (AssessmentType.CATE, False, AssessmentOutcome.STATUTORY_CSE_NOT_FACTOR, set()),
        (AssessmentType.CATE, True, AssessmentOutcome.EARLY_HELP_AFTER_CF, {"outcome"}),
        (AssessmentType.CHILD_AND_FAMILY, True, AssessmentOutcome.EARLY_HELP_AFTER_CF, set()),
        (AssessmentType.CATE, True, AssessmentOutcome.SINGLE_AGENCY_EARLY_HELP, set()),
    ],
)
def test_assessment_outcome_consistency(kind, cse, outcome, errors):
    assert set(rules.assessment_outcome_errors(assessment_type=kind, cse_is_factor=cse, outcome=outcome)) == errors


def test_end_of_local_day_in_summer_and_winter():
    assert clock.end_of_local_day(date(2024, 7, 1)) == datetime(2024, 7, 1, 22, 59, 59, tzinfo=UTC)
    assert clock.end_of_local_day(date(2024, 1, 1)) == datetime(2024, 1, 1, 23, 59, 59, tzinfo=UTC)

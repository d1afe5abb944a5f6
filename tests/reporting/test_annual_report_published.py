"""The published 2023/24 figures of the Joint CSE Review Group annual report (000), rebuilt from a
data set imported through the previous-system import (research §4.1: R-01 … R-17, R-25, R-41).

Counts are asserted as published. Percentages are the recomputed ones (round half up): where the
published percentage disagrees with its own count (research §4.4) the test names the discrepancy.
"""

import datetime as dt

import pytest

from contacts.models import Child
from core import audit
from devdata.demo_records import PUBLISHED, build
from imports.services import records_import
from reporting.figures import Period, financial_year
from reporting.selectors import annual_report

pytestmark = pytest.mark.django_db

# Published percentages that do not match their own counts (research §4.4): kept as known discrepancies.
PUBLISHED_DISCREPANCIES = {
    ("contacts", "by_outcome", "information_advice"): 11,  # 14 / 115 = 12.17 %
    ("cohort", "send", "sen_support"): 41,  # 31 / 80 = 38.75 %
    ("cohort", "attendance", "severe_absence"): 17,  # 14 / 80 = 17.5 %
}


def c(count, percent):
    return {"count": count, "percent": percent}


@pytest.fixture
def imported(db):
    records_import(document=build(), actor=audit.system_user(), now=dt.datetime(2024, 5, 1, 9, tzinfo=dt.UTC))
    # A restricted child still counts in every aggregate.
    child = Child.objects.get(legacy_key="P00")
    child.is_restricted = True
    audit.save(child, actor=audit.system_user(), reason="Restricted", update_fields=["is_restricted"])


def test_the_published_2023_24_figures_are_rebuilt(imported):
    report = annual_report(financial_year(2023))
    assert report["period"] == {"start": "2023-04-01", "end": "2024-03-31"}

    # 115 contacts about 94 children, 1.2 per child, by source and outcome.
    assert report["contacts"] == {
        "total": 115,
        "children": 94,
        "per_child": 1.2,
        "by_source": {
            "police": c(42, 37),
            "council": c(31, 27),
            "schools_colleges": c(21, 18),
            "nhs": c(6, 5),
            "anonymous": c(5, 4),
            "individual": c(6, 5),
            "other_agencies": c(4, 3),
            "not_known": c(0, 0),
        },
        "by_outcome": {
            "information_advice": c(14, 12),
            "early_help": c(47, 41),
            "cate_or_statutory": c(54, 47),
            "undecided": c(0, 0),
        },
    }
    # 34 children opened because of CSE, 6 victims and 28 at risk.
    assert report["new_cases"] == {"children": 34, "victim": c(6, 18), "at_risk": c(28, 82), "not_known": c(0, 0)}
    # R-10 …: the cohort of 80.
    assert report["cohort"] == {
        "children": 80,
        "average_age": 15.0,
        "gender": {"female": c(71, 89), "male": c(9, 11), "other": c(0, 0), "not_known": c(0, 0)},
        "ethnicity": {
            "white_british": c(65, 81),
            "other_white": c(5, 6),
            "mixed": c(6, 8),
            "asian": c(0, 0),
            "black": c(3, 4),
            "other": c(1, 1),
            "not_known": c(0, 0),
        },
        "send": {"ehcp": c(11, 14), "sen_support": c(31, 39), "none": c(35, 44), "not_known": c(3, 4)},
        "attendance": {
            "satisfactory": c(25, 31),
            "persistent_absence": c(38, 48),
            "severe_absence": c(14, 18),
            "not_receiving_education": c(0, 0),
            "not_known": c(3, 4),
        },
        "open_to_statutory": c(41, 51),
    }
    # 25 missing episodes of 9 children, all eligible and interviewed, 96 % within 3 days.
    assert report["missing"] == {
        "episodes": 25,
        "children": 9,
        "rhi_eligible": 25,
        "rhi_completed": 25,
        "rhi_in_timescale": c(24, 96),
    }
    assert report["nrm_referrals"] == 41
    # average caseload 7.3 in March 2024 (87 open cases held by 12 case holders = 7.25).
    assert report["caseload"] == {"as_at": "2024-03-31", "open_cases": 87, "case_holders": 12, "average": 7.3}

    # Every breakdown reconciles with its denominator.
    for section, part, denominator in (
        ("contacts", "by_source", 115),
        ("contacts", "by_outcome", 115),
        ("cohort", "gender", 80),
        ("cohort", "ethnicity", 80),
        ("cohort", "send", 80),
        ("cohort", "attendance", 80),
    ):
        assert sum(row["count"] for row in report[section][part].values()) == denominator, part
    for (section, part, row), published in PUBLISHED_DISCREPANCIES.items():
        assert report[section][part][row]["percent"] != published
    assert report["cohort"]["gender"]["female"]["count"] == PUBLISHED["female"]

    # The baseline: the three financial years before, oldest first, and their mean.
    baseline = report["baseline"]
    assert [year["period"] for year in baseline["years"]] == [
        {"start": "2020-04-01", "end": "2021-03-31"},
        {"start": "2021-04-01", "end": "2022-03-31"},
        {"start": "2022-04-01", "end": "2023-03-31"},
    ]
    # 2022/23: the 50 opened before 2023/24, and the case closed on its last day (out of 2023/24).
    assert [year["cohort"]["children"] for year in baseline["years"]] == [0, 24, 51]
    assert baseline["mean"]["cohort"]["children"] == 25.0  # (0 + 24 + 51) / 3
    assert baseline["mean"]["period"] == {"start": "2020-04-01", "end": "2023-03-31"}


def test_nrm_referrals_over_the_published_calendar_period(imported):
    """R-25: 60 NRM referrals in calendar 2023 and January to June 2024 (any period, no baseline)."""
    report = annual_report(Period(dt.date(2023, 1, 1), dt.date(2024, 6, 30)))
    assert report["nrm_referrals"] == 60
    assert "baseline" not in report

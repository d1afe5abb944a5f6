"""The report arithmetic and code lists (reporting.figures): no database."""

import datetime as dt
from decimal import Decimal

import pytest

from contacts.choices import Ethnicity
from reporting import figures
from reporting.figures import Period


@pytest.mark.parametrize(
    ("count", "denominator", "expected"),
    [
        (6, 80, 8),  # 7.5 → 8
        (38, 80, 48),  # 47.5 → 48
        (14, 80, 18),  # 17.5 → 18 (published 17)
        (1, 8, 13),  # 12.5 → 13 (banker's rounding would give 12)
        (1, 40, 3),  # 2.5 → 3
        (14, 115, 12),
        (42, 115, 37),
        (0, 80, 0),
        (80, 80, 100),
        (3, 0, 0),  # no denominator
        (0, 0, 0),
    ],
)
def test_percent_rounds_half_up(count, denominator, expected):
    assert figures.percent(count, denominator) == expected


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (115, 94, 1.2),
        (185, 133, 1.4),
        (87, 12, 7.3),
        (29, 4, 7.3),
        (21, 20, 1.1),
        (1, 40, 0.0),
        (3, 40, 0.1),
        (5, 0, 0.0),
    ],
)
def test_ratio_to_one_decimal_place_rounds_half_up(numerator, denominator, expected):
    assert figures.ratio_1dp(numerator, denominator) == expected


def test_round_half_up_is_exact_where_floating_point_is_not():
    assert round(2.675, 2) == 2.67  # binary floating point
    assert figures.round_half_up(Decimal("2.675"), 2) == Decimal("2.68")
    assert figures.round_half_up("0.05", 1) == Decimal("0.1")
    assert figures.round_half_up(Decimal("-0.5")) == Decimal("-1")


def test_mean_to_one_decimal_place():
    assert figures.mean_1dp([15, 15, 16]) == 15.3
    assert figures.mean_1dp([7.2, 7.3]) == 7.3  # 7.25 → 7.3
    assert figures.mean_1dp([1, 2, 2]) == 1.7
    assert figures.mean_1dp([]) is None


def test_breakdown_keeps_every_row_in_order_and_refuses_values_outside_it():
    rows = figures.breakdown({"male": 1, "female": 3}, figures.GENDERS, 4)
    assert list(rows) == ["female", "male", "other", "not_known"]
    assert rows["female"] == {"count": 3, "percent": 75} and rows["other"] == {"count": 0, "percent": 0}
    with pytest.raises(ValueError, match="outside the breakdown"):
        figures.breakdown({"unknown": 1}, figures.GENDERS, 1)


def test_every_dfe_ethnicity_code_has_a_published_group():
    assert set(figures.ETHNIC_GROUP_OF_CODE) == set(Ethnicity.values)
    assert {figures.ethnic_group(code) for code in Ethnicity.values} == set(figures.ETHNIC_GROUPS)
    assert [figures.ethnic_group(code) for code in ("WBRI", "WROM", "MWBA", "CHNE", "BOTH", "OOTH", "NOBT")] == [
        "white_british",
        "other_white",
        "mixed",
        "asian",
        "black",
        "other",
        "not_known",
    ]
    assert figures.ethnic_group("") == figures.ethnic_group(None) == "not_known"


@pytest.mark.parametrize(
    ("receiving", "attendance", "band"),
    [
        (True, Decimal("100"), "satisfactory"),
        (True, Decimal("90.01"), "satisfactory"),
        (True, Decimal("90.00"), "persistent_absence"),
        (True, 90, "persistent_absence"),
        (True, Decimal("50.01"), "persistent_absence"),
        (True, Decimal("50.00"), "severe_absence"),
        (True, 0, "severe_absence"),
        (None, 91, "satisfactory"),
        (None, None, "not_known"),
        (True, None, "not_known"),
        (False, None, "not_receiving_education"),
        (False, 99, "not_receiving_education"),
    ],
)
def test_attendance_bands(receiving, attendance, band):
    assert figures.attendance_band(receiving, attendance) == band


@pytest.mark.parametrize(
    ("today", "start"),
    [
        (dt.date(2024, 3, 31), 2022),  # 2023/24 ends today: not complete yet
        (dt.date(2024, 4, 1), 2023),
        (dt.date(2024, 12, 31), 2023),
        (dt.date(2025, 1, 1), 2023),
    ],
)
def test_the_default_period_is_the_last_complete_financial_year(today, start):
    period = figures.last_complete_financial_year(today)
    assert (period.start, period.end) == (dt.date(start, 4, 1), dt.date(start + 1, 3, 31))
    assert period.is_financial_year


def test_periods():
    year = figures.financial_year(2023)
    assert year.label == "2023/24" and year.as_json() == {"start": "2023-04-01", "end": "2024-03-31"}
    assert [p.label for p in figures.baseline_years(year)] == ["2020/21", "2021/22", "2022/23"]
    other = Period(dt.date(2023, 4, 1), dt.date(2024, 3, 30))
    assert not other.is_financial_year and other.label == "1 April 2023 to 30 March 2024"
    with pytest.raises(ValueError, match="only for a financial year"):
        figures.baseline_years(other)
    with pytest.raises(ValueError, match="ends on or after"):
        Period(dt.date(2024, 1, 2), dt.date(2024, 1, 1))


def test_month_ends():
    assert figures.month_ends(dt.date(2024, 3, 15), 3) == [
        dt.date(2023, 12, 31),
        dt.date(2024, 1, 31),
        dt.date(2024, 2, 29),
    ]
    assert len(figures.month_ends(dt.date(2024, 3, 1), 24)) == 24


def test_the_mean_report_has_the_same_shape_with_each_number_averaged():
    years = [
        {"period": {"start": "2020-04-01", "end": "2021-03-31"}, "n": 1, "part": {"a": {"count": 1, "percent": 10}},
         "as_at": "2021-03-31", "age": None},
        {"period": {"start": "2021-04-01", "end": "2022-03-31"}, "n": 2, "part": {"a": {"count": 2, "percent": 20}},
         "as_at": "2022-03-31", "age": 15.0},
        {"period": {"start": "2022-04-01", "end": "2023-03-31"}, "n": 4, "part": {"a": {"count": 4, "percent": 25}},
         "as_at": "2023-03-31", "age": 14.5},
    ]  # fmt: skip
    assert figures.mean_report(years) == {
        "period": {"start": "2020-04-01", "end": "2023-03-31"},
        "n": 2.3,
        "part": {"a": {"count": 2.3, "percent": 18.3}},
        "as_at": None,
        "age": 14.8,  # 14.75 over the years that had an age
    }

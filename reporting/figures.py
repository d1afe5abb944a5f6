"""The annual report's arithmetic and code lists. No database access.

One rounding rule everywhere: round half up (6 / 80 = 7.5 % is 8 %; 87 / 12 = 7.25 is 7.3).
Every breakdown is {value: {"count": int, "percent": int}} with a "not known" row, so its counts
add up to its denominator.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

ONE_DP = Decimal("0.1")
WHOLE = Decimal("1")


def round_half_up(value: Decimal | int | str, places: int = 0) -> Decimal:
    """`value` rounded half up to `places` decimal places (exact: no binary floating point)."""
    quantum = WHOLE if places == 0 else Decimal(1).scaleb(-places)
    return Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)


def percent(count: int, denominator: int) -> int:
    """100 * count / denominator, rounded half up to a whole number; 0 when the denominator is 0."""
    if not denominator:
        return 0
    return int(round_half_up(Decimal(100 * count) / Decimal(denominator)))


def ratio_1dp(numerator: int | Decimal, denominator: int | Decimal) -> float:
    """numerator / denominator to 1 decimal place, rounded half up; 0.0 when the denominator is 0."""
    if not denominator:
        return 0.0
    return float(round_half_up(Decimal(numerator) / Decimal(denominator), 1))


def mean_1dp(values: Iterable[int | float | Decimal]) -> float | None:
    """The mean to 1 decimal place, rounded half up; None when there are no values."""
    numbers = [Decimal(str(v)) for v in values]
    if not numbers:
        return None
    return float(round_half_up(sum(numbers, Decimal(0)) / len(numbers), 1))


def share(count: int, denominator: int) -> dict[str, int]:
    return {"count": count, "percent": percent(count, denominator)}


def breakdown(counts: Mapping[str, int], keys: Sequence[str], denominator: int) -> dict[str, dict[str, int]]:
    """{key: {"count", "percent"}} for every key, in order (missing keys count 0)."""
    unknown = set(counts) - set(keys)
    if unknown:
        raise ValueError(f"Counts for values outside the breakdown: {sorted(unknown)}")
    return {key: share(counts.get(key, 0), denominator) for key in keys}


# --- Code lists ---------------------------------------------------------------------------

SOURCES = (
    "police",
    "council",
    "schools_colleges",
    "nhs",
    "anonymous",
    "individual",
    "other_agencies",
    "not_known",
)
OUTCOMES = ("information_advice", "early_help", "cate_or_statutory", "undecided")
CLASSIFICATIONS = ("victim", "at_risk", "not_known")
GENDERS = ("female", "male", "other", "not_known")
ETHNIC_GROUPS = ("white_british", "other_white", "mixed", "asian", "black", "other", "not_known")
SEND_GROUPS = ("ehcp", "sen_support", "none", "not_known")
ATTENDANCE_BANDS = (
    "satisfactory",
    "persistent_absence",
    "severe_absence",
    "not_receiving_education",
    "not_known",
)

# DfE ethnicity codes → the groups the annual report publishes (000:L117).
ETHNIC_GROUP_OF_CODE: dict[str, str] = {
    "WBRI": "white_british",
    "WIRI": "other_white",
    "WIRT": "other_white",
    "WOTH": "other_white",
    "WROM": "other_white",
    "MWBC": "mixed",
    "MWBA": "mixed",
    "MWAS": "mixed",
    "MOTH": "mixed",
    "AIND": "asian",
    "APKN": "asian",
    "ABAN": "asian",
    "AOTH": "asian",
    "CHNE": "asian",
    "BCRB": "black",
    "BAFR": "black",
    "BOTH": "black",
    "OOTH": "other",
    "REFU": "not_known",
    "NOBT": "not_known",
}


def ethnic_group(code: str | None) -> str:
    return ETHNIC_GROUP_OF_CODE.get(code or "", "not_known")


def gender_group(value: str | None) -> str:
    return value if value in GENDERS else "not_known"


def send_group(value: str | None) -> str:
    return value if value in SEND_GROUPS else "not_known"


SATISFACTORY_ABOVE = Decimal(90)
SEVERE_AT_OR_BELOW = Decimal(50)


def attendance_band(receiving_education: bool | None, attendance_percent: Decimal | float | None) -> str:
    """Not receiving education; else by the latest percentage: above 90 satisfactory, above 50 up to
    90 persistent absence, 50 or below severe absence; no percentage recorded: not known."""
    if receiving_education is False:
        return "not_receiving_education"
    if attendance_percent is None:
        return "not_known"
    value = Decimal(str(attendance_percent))
    if value > SATISFACTORY_ABOVE:
        return "satisfactory"
    if value > SEVERE_AT_OR_BELOW:
        return "persistent_absence"
    return "severe_absence"


# --- Periods ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A reporting period of whole Europe/London days, both ends included."""

    start: date
    end: date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("A period ends on or after its start.")

    @property
    def is_financial_year(self) -> bool:
        return (self.start.month, self.start.day) == (4, 1) and self.end == date(self.start.year + 1, 3, 31)

    @property
    def label(self) -> str:
        if self.is_financial_year:
            return f"{self.start.year}/{str(self.start.year + 1)[-2:]}"
        return f"{self.start:%-d %B %Y} to {self.end:%-d %B %Y}"

    def as_json(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


def financial_year(starting: int) -> Period:
    """The financial year from 1 April `starting` to 31 March of the next year."""
    return Period(date(starting, 4, 1), date(starting + 1, 3, 31))


def financial_year_containing(day: date) -> Period:
    return financial_year(day.year if day.month >= 4 else day.year - 1)


def last_complete_financial_year(today: date) -> Period:
    """The latest financial year that ended before `today`."""
    return financial_year(financial_year_containing(today).start.year - 1)


def baseline_years(period: Period) -> list[Period]:
    """The three financial years before a financial year, oldest first."""
    if not period.is_financial_year:
        raise ValueError("A baseline exists only for a financial year.")
    return [financial_year(period.start.year - n) for n in (3, 2, 1)]


def month_ends(before: date, count: int) -> list[date]:
    """The last days of the `count` months before the month of `before`, oldest first."""
    ends = []
    day = before.replace(day=1) - timedelta(days=1)
    for _ in range(count):
        ends.append(day)
        day = day.replace(day=1) - timedelta(days=1)
    return list(reversed(ends))


# --- Baseline -----------------------------------------------------------------------------


def mean_report(reports: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The same shape as each report, every number the mean of the reports' numbers (1 decimal
    place, half up). The period spans the reports; other text (the caseload date) becomes None."""

    def combine(values: list[Any], path: tuple[str, ...]) -> Any:
        first = values[0]
        if path == ("period",):
            return {"start": min(v["start"] for v in values), "end": max(v["end"] for v in values)}
        if isinstance(first, Mapping):
            return {key: combine([v[key] for v in values], (*path, key)) for key in first}
        if isinstance(first, bool | str):
            return None
        if all(v is None or isinstance(v, int | float | Decimal) for v in values):
            return mean_1dp(v for v in values if v is not None)
        return None

    if not reports:
        raise ValueError("No reports to average.")
    return combine(list(reports), ())

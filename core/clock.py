"""The clock: every due date in the service is computed here. No database access.

All datetimes are aware, and every moment the clock returns is in UTC (Python adds a timedelta
to a zoned datetime by wall clock, so arithmetic on elapsed time is done in UTC). Working days
and working hours are counted in Europe/London local time and skip weekends and the bank
holidays of England and Wales; calendar days keep the local wall-clock time across
daylight-saving changes; clock hours are elapsed time.
"""

from __future__ import annotations

import calendar
import enum
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")
UTC = ZoneInfo("UTC")
WORKDAY_START = time(9, 0)
WORKDAY_END = time(17, 0)


class Unit(enum.StrEnum):
    WORKING_DAYS = "working_days"
    WORKING_HOURS = "working_hours"
    CALENDAR_DAYS = "calendar_days"
    CLOCK_HOURS = "clock_hours"
    WEEKS = "weeks"
    MONTHS = "months"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class DueState(enum.StrEnum):
    NOT_YET_DUE = "not_yet_due"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    MET_ON_TIME = "met_on_time"
    MET_LATE = "met_late"

    @property
    def label(self) -> str:
        return DUE_STATE_LABELS[self]

    @property
    def is_met(self) -> bool:
        return self in (DueState.MET_ON_TIME, DueState.MET_LATE)


DUE_STATE_LABELS = {
    DueState.NOT_YET_DUE: "Due",
    DueState.DUE_SOON: "Due soon",
    DueState.OVERDUE: "Overdue",
    DueState.MET_ON_TIME: "Done on time",
    DueState.MET_LATE: "Done late",
}


@dataclass(frozen=True)
class Duration:
    amount: int
    unit: Unit

    def __str__(self) -> str:
        unit = self.unit.label
        if self.amount == 1:
            unit = unit.removesuffix("s").replace("days", "day").replace("hours", "hour")
        return f"{self.amount} {unit}"

    def as_json(self) -> dict:
        return {"amount": self.amount, "unit": str(self.unit)}

    @classmethod
    def from_json(cls, value: dict) -> Duration:
        return cls(amount=int(value["amount"]), unit=Unit(value["unit"]))


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("The clock works only with aware datetimes.")


def local(moment: datetime) -> datetime:
    """The moment in Europe/London local time."""
    _require_aware(moment)
    return moment.astimezone(LONDON)


def local_date(moment: datetime) -> date:
    return local(moment).date()


def at_local(day: date, at: time) -> datetime:
    """An aware datetime for a local wall-clock time on a day (normalised across DST gaps)."""
    return datetime.combine(day, at, tzinfo=LONDON).astimezone(UTC).astimezone(LONDON)


def start_of_local_day(day: date) -> datetime:
    return at_local(day, time(0, 0))


def end_of_local_day(day: date) -> datetime:
    """The last second of a day in Europe/London, in UTC: a thing due "by" a date is overdue the
    day after."""
    return at_local(day, time(23, 59, 59)).astimezone(UTC)


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[date]:
    """Bank holidays of England and Wales in a year, substitute days included."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_bank_holiday(day: date) -> bool:
    return day in bank_holidays(day.year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day)


def next_working_day(day: date) -> date:
    """The first working day after `day`."""
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(start: datetime, days: int) -> datetime:
    """`days` working days after `start`, at the same local time of day.

    A start on a weekend or bank holiday counts from that day: one working day after a Saturday
    is the Monday (or the Tuesday when Monday is a bank holiday).
    """
    if days < 0:
        raise ValueError("Only forward counting is supported.")
    start_local = local(start)
    day = start_local.date()
    for _ in range(days):
        day = next_working_day(day)
    if days == 0:
        return start.astimezone(UTC)
    return at_local(day, start_local.time().replace(tzinfo=None)).astimezone(UTC)


def add_working_hours(start: datetime, hours: float) -> datetime:
    """`hours` of working time (09:00-17:00 on working days) after `start`."""
    if hours < 0:
        raise ValueError("Only forward counting is supported.")
    current = local(start)
    day = current.date()
    if not is_working_day(day) or current.time() >= WORKDAY_END:
        day = next_working_day(day)
        current = at_local(day, WORKDAY_START)
    elif current.time() < WORKDAY_START:
        current = at_local(day, WORKDAY_START)
    remaining = timedelta(hours=hours)
    while True:
        end_of_day = at_local(day, WORKDAY_END)
        available = end_of_day - current
        if remaining <= available:
            return (current.astimezone(UTC) + remaining).astimezone(UTC)
        remaining -= available
        day = next_working_day(day)
        current = at_local(day, WORKDAY_START)


def add_calendar_days(start: datetime, days: int) -> datetime:
    """`days` calendar days after `start`, keeping the local wall-clock time across DST."""
    start_local = local(start)
    moment = at_local(start_local.date() + timedelta(days=days), start_local.time().replace(tzinfo=None))
    return moment.astimezone(UTC)


def add_clock_hours(start: datetime, hours: float) -> datetime:
    """Elapsed time: exactly `hours` hours later, whatever the wall clock says."""
    _require_aware(start)
    return start.astimezone(UTC) + timedelta(hours=hours)


def add_months_to_date(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_months(start: datetime, months: int) -> datetime:
    start_local = local(start)
    moment = at_local(add_months_to_date(start_local.date(), months), start_local.time().replace(tzinfo=None))
    return moment.astimezone(UTC)


def add(start: datetime, duration: Duration) -> datetime:
    """The moment `duration` after `start`."""
    unit, amount = duration.unit, duration.amount
    if unit is Unit.WORKING_DAYS:
        return add_working_days(start, amount)
    if unit is Unit.WORKING_HOURS:
        return add_working_hours(start, amount)
    if unit is Unit.CALENDAR_DAYS:
        return add_calendar_days(start, amount)
    if unit is Unit.CLOCK_HOURS:
        return add_clock_hours(start, amount)
    if unit is Unit.WEEKS:
        return add_calendar_days(start, 7 * amount)
    if unit is Unit.MONTHS:
        return add_months(start, amount)
    raise ValueError(f"Unknown unit {unit!r}")


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end is not after start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def classify(
    due: datetime,
    *,
    now: datetime,
    met_at: datetime | None = None,
    soon: timedelta = timedelta(hours=24),
) -> DueState:
    """Where a due item stands. Met exactly at its due time is on time; so is now == due."""
    _require_aware(due)
    _require_aware(now)
    due, now = due.astimezone(UTC), now.astimezone(UTC)
    if met_at is not None:
        _require_aware(met_at)
        return DueState.MET_ON_TIME if met_at <= due else DueState.MET_LATE
    if now > due:
        return DueState.OVERDUE
    if now >= due - soon:
        return DueState.DUE_SOON
    return DueState.NOT_YET_DUE


def age_on(date_of_birth: date, on: date) -> int:
    """Age in whole years on a date."""
    years = on.year - date_of_birth.year
    if (on.month, on.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def birthday(date_of_birth: date, years: int) -> date:
    """The date someone turns `years` old (29 February birthdays fall on 28 February)."""
    return add_months_to_date(date_of_birth, 12 * years)

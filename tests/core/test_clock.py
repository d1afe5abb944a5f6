"""Table tests of the clock: weekends, bank holidays, substitute days and daylight-saving changes."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone

from core import clock
from core.clock import DueState, Duration, Unit

LONDON = ZoneInfo("Europe/London")


def ldt(*args) -> datetime:
    """A Europe/London wall-clock time."""
    return datetime(*args, tzinfo=LONDON)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "is_working"),
    [
        (date(2024, 3, 28), True),  # Thursday before Easter
        (date(2024, 3, 29), False),  # Good Friday
        (date(2024, 3, 30), False),  # Saturday
        (date(2024, 3, 31), False),  # Easter Sunday
        (date(2024, 4, 1), False),  # Easter Monday
        (date(2024, 4, 2), True),
        (date(2021, 12, 24), True),
        (date(2021, 12, 25), False),  # Christmas on a Saturday
        (date(2021, 12, 27), False),  # substitute for Christmas Day
        (date(2021, 12, 28), False),  # substitute for Boxing Day
        (date(2021, 12, 29), True),
        (date(2022, 12, 26), False),  # Boxing Day, Monday
        (date(2022, 12, 27), False),  # substitute for Christmas Day (a Sunday)
        (date(2022, 12, 28), True),
        (date(2022, 9, 19), False),  # State funeral, a one-off bank holiday
        (date(2023, 5, 8), False),  # Coronation bank holiday
    ],
)
def test_working_days_follow_england_and_wales_bank_holidays(day, is_working):
    assert clock.is_working_day(day) is is_working


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (ldt(2024, 3, 25, 10, 0), 1, ldt(2024, 3, 26, 10, 0)),  # Monday to Tuesday
        (ldt(2024, 3, 22, 15, 0), 1, ldt(2024, 3, 25, 15, 0)),  # Friday to Monday
        (ldt(2024, 3, 23, 10, 0), 1, ldt(2024, 3, 25, 10, 0)),  # Saturday counts to Monday
        (ldt(2024, 3, 24, 23, 30), 1, ldt(2024, 3, 25, 23, 30)),  # Sunday night
        (ldt(2024, 3, 28, 14, 0), 1, ldt(2024, 4, 2, 14, 0)),  # over Good Friday and Easter Monday
        (ldt(2024, 3, 27, 9, 0), 5, ldt(2024, 4, 5, 9, 0)),
        (ldt(2021, 12, 24, 12, 0), 1, ldt(2021, 12, 29, 12, 0)),  # Christmas 2021 substitutes
        (ldt(2022, 12, 23, 12, 0), 1, ldt(2022, 12, 28, 12, 0)),  # Christmas 2022 substitute
        (ldt(2022, 12, 23, 12, 0), 3, ldt(2022, 12, 30, 12, 0)),
        (ldt(2024, 1, 2, 9, 0), 10, ldt(2024, 1, 16, 9, 0)),
        (ldt(2024, 3, 1, 9, 0), 45, ldt(2024, 5, 8, 9, 0)),  # 45 working days over Easter and May Day
        (ldt(2024, 3, 25, 10, 0), 0, ldt(2024, 3, 25, 10, 0)),
    ],
)
def test_add_working_days(start, days, expected):
    assert clock.add_working_days(start, days) == expected


def test_add_working_days_keeps_local_time_over_the_autumn_change():
    friday = utc(2024, 10, 25, 9, 0)  # 10:00 BST
    monday = clock.add_working_days(friday, 1)
    assert monday == utc(2024, 10, 28, 10, 0)  # 10:00 GMT
    assert clock.local(monday).hour == 10


def test_add_working_days_keeps_local_time_over_the_spring_change():
    friday = utc(2025, 3, 28, 10, 0)  # 10:00 GMT
    monday = clock.add_working_days(friday, 1)
    assert monday == utc(2025, 3, 31, 9, 0)  # 10:00 BST
    assert clock.local(monday).hour == 10


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        (ldt(2024, 3, 25, 10, 0), 4, ldt(2024, 3, 25, 14, 0)),
        (ldt(2024, 3, 25, 8, 0), 4, ldt(2024, 3, 25, 13, 0)),  # before the working day starts
        (ldt(2024, 3, 25, 15, 0), 4, ldt(2024, 3, 26, 11, 0)),  # runs into the next day
        (ldt(2024, 3, 25, 13, 0), 4, ldt(2024, 3, 25, 17, 0)),  # ends exactly at close
        (ldt(2024, 3, 25, 18, 0), 4, ldt(2024, 3, 26, 13, 0)),  # after close
        (ldt(2024, 3, 22, 16, 0), 4, ldt(2024, 3, 25, 12, 0)),  # Friday afternoon to Monday
        (ldt(2024, 3, 23, 11, 0), 4, ldt(2024, 3, 25, 13, 0)),  # Saturday
        (ldt(2024, 3, 28, 15, 0), 4, ldt(2024, 4, 2, 11, 0)),  # over Easter 2024
        (ldt(2024, 3, 25, 9, 0), 16, ldt(2024, 3, 26, 17, 0)),  # two whole working days
    ],
)
def test_add_working_hours(start, hours, expected):
    assert clock.add_working_hours(start, hours) == expected


def test_calendar_days_keep_wall_clock_time_over_both_dst_changes():
    assert clock.add_calendar_days(ldt(2024, 3, 30, 12, 0), 1) == utc(2024, 3, 31, 11, 0)
    assert clock.add_calendar_days(ldt(2024, 10, 26, 12, 0), 1) == utc(2024, 10, 27, 12, 0)
    assert clock.add_calendar_days(ldt(2024, 3, 1, 9, 0), 42) == ldt(2024, 4, 12, 9, 0)


def test_clock_hours_are_elapsed_time_over_both_dst_changes():
    assert clock.add_clock_hours(ldt(2024, 3, 30, 12, 0), 72) == utc(2024, 4, 2, 12, 0)
    assert clock.local(clock.add_clock_hours(ldt(2024, 3, 30, 12, 0), 72)).hour == 13
    assert clock.local(clock.add_clock_hours(ldt(2024, 10, 26, 12, 0), 24)).hour == 11


def test_return_home_interview_due_over_easter_is_72_clock_hours():
    returned = ldt(2024, 3, 28, 20, 0)  # Thursday evening before Good Friday (GMT)
    due = clock.add(returned, Duration(72, Unit.CLOCK_HOURS))
    assert due == ldt(2024, 3, 31, 21, 0)  # Easter Sunday, 21:00 BST: bank holidays do not stop it


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [
        (ldt(2024, 1, 31, 9, 0), Duration(1, Unit.MONTHS), ldt(2024, 2, 29, 9, 0)),
        (ldt(2024, 11, 30, 9, 0), Duration(3, Unit.MONTHS), ldt(2025, 2, 28, 9, 0)),
        (ldt(2024, 3, 1, 9, 0), Duration(12, Unit.WEEKS), ldt(2024, 5, 24, 9, 0)),
        (ldt(2024, 3, 28, 15, 0), Duration(4, Unit.WORKING_HOURS), ldt(2024, 4, 2, 11, 0)),
        (ldt(2024, 3, 28, 15, 0), Duration(1, Unit.WORKING_DAYS), ldt(2024, 4, 2, 15, 0)),
        (ldt(2024, 3, 28, 15, 0), Duration(1, Unit.CALENDAR_DAYS), ldt(2024, 3, 29, 15, 0)),
    ],
)
def test_add_dispatches_on_unit(start, duration, expected):
    assert clock.add(start, duration) == expected


DUE = utc(2024, 6, 10, 12, 0)


@pytest.mark.parametrize(
    ("now", "met_at", "expected"),
    [
        (DUE - timedelta(days=3), None, DueState.NOT_YET_DUE),
        (DUE - timedelta(hours=24, seconds=1), None, DueState.NOT_YET_DUE),
        (DUE - timedelta(hours=24), None, DueState.DUE_SOON),
        (DUE - timedelta(minutes=1), None, DueState.DUE_SOON),
        (DUE, None, DueState.DUE_SOON),  # exactly at the due time is still in time
        (DUE + timedelta(seconds=1), None, DueState.OVERDUE),
        (DUE + timedelta(days=30), None, DueState.OVERDUE),
        (DUE + timedelta(days=30), DUE - timedelta(days=1), DueState.MET_ON_TIME),
        (DUE + timedelta(days=30), DUE, DueState.MET_ON_TIME),  # met exactly at the due time
        (DUE + timedelta(days=30), DUE + timedelta(seconds=1), DueState.MET_LATE),
        (DUE - timedelta(days=3), DUE - timedelta(days=4), DueState.MET_ON_TIME),
    ],
)
def test_classify(now, met_at, expected):
    assert clock.classify(DUE, now=now, met_at=met_at, soon=timedelta(hours=24)) is expected


def test_the_clock_refuses_naive_datetimes():
    with pytest.raises(ValueError, match="aware"):
        clock.add_working_days(datetime(2024, 1, 1, 9, 0), 1)
    with pytest.raises(ValueError, match="aware"):
        clock.classify(datetime(2024, 1, 1), now=DUE)


def test_negative_counts_are_refused():
    with pytest.raises(ValueError, match="forward"):
        clock.add_working_days(DUE, -1)


@pytest.mark.parametrize(
    ("dob", "on", "age"),
    [
        (date(2008, 6, 10), date(2025, 6, 9), 16),
        (date(2008, 6, 10), date(2025, 6, 10), 17),
        (date(2008, 2, 29), date(2025, 2, 28), 16),
        (date(2008, 2, 29), date(2025, 3, 1), 17),
    ],
)
def test_age_on(dob, on, age):
    assert clock.age_on(dob, on) == age


def test_birthday_of_a_leap_day_child():
    assert clock.birthday(date(2008, 2, 29), 17) == date(2025, 2, 28)
    assert clock.birthday(date(2008, 6, 10), 17) == date(2025, 6, 10)


def test_working_days_between():
    assert clock.working_days_between(date(2024, 3, 27), date(2024, 4, 3)) == 3  # Thu, Tue, Wed
    assert clock.working_days_between(date(2024, 4, 3), date(2024, 3, 27)) == 0


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        (utc(2024, 1, 15, 12, 0), "15 Jan 2024 12:00"),  # GMT
        (utc(2024, 7, 15, 12, 0), "15 Jul 2024 13:00"),  # BST
        (utc(2024, 3, 31, 0, 30), "31 Mar 2024 00:30"),  # just before the spring change
        (utc(2024, 3, 31, 1, 30), "31 Mar 2024 02:30"),  # just after it
        (utc(2024, 10, 27, 0, 30), "27 Oct 2024 01:30"),  # first 01:30 (BST)
        (utc(2024, 10, 27, 1, 30), "27 Oct 2024 01:30"),  # second 01:30 (GMT)
    ],
)
def test_utc_stored_times_show_in_europe_london(settings, stored, shown):
    assert settings.TIME_ZONE == "Europe/London" and settings.USE_TZ
    with timezone.override("Europe/London"):
        assert Template('{{ t|date:"j M Y H:i" }}').render(Context({"t": stored})) == shown


@pytest.mark.parametrize("unit", list(Unit))
def test_every_due_time_comes_back_in_utc(unit):
    due = clock.add(ldt(2024, 3, 29, 11, 0), Duration(2, unit))
    assert due.utcoffset() == timedelta(0)
    assert str(due.tzinfo) == "UTC"

"""Each definition of the annual report at its boundaries (issue 7 §B; 000:L89-123, L340)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cate.choices import OpenTo
from contacts.choices import ContactStatus, RecordStatus
from core import audit
from core.models import ServiceSetting
from reporting.figures import Period, financial_year
from reporting.selectors import annual_report, caseloads_on, cohort_children
from tests.factories import (
    AllocationFactory,
    CaseFactory,
    ChildFactory,
    ContactFactory,
    MissingEpisodeFactory,
    NrmReferralFactory,
    ReturnHomeInterviewFactory,
    StatutoryEpisodeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
FY = financial_year(2023)  # 1 April 2023 to 31 March 2024


def london(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


def london_day(year, month, day) -> dt.datetime:
    return london(year, month, day, 0, 0)


# --- Contacts ------------------------------------------------------------------------------


def test_contacts_count_by_london_date_at_both_ends_of_the_year():
    ContactFactory(received_at=london(2023, 4, 1, 0, 30))  # 23:30 UTC on 31 March: in
    ContactFactory(received_at=london(2023, 3, 31, 23, 30))  # out
    ContactFactory(received_at=london(2024, 3, 31, 23, 30))  # 22:30 UTC, summer time since 01:00: in
    ContactFactory(received_at=london(2024, 4, 1, 0, 30))  # 23:30 UTC on 31 March: out
    assert london(2023, 4, 1, 0, 30).astimezone(dt.UTC).date() == dt.date(2023, 3, 31)
    contacts = annual_report(FY)["contacts"]
    assert (contacts["total"], contacts["children"]) == (2, 2)


def test_contacts_are_cse_concerns_not_enquiries_on_open_cases_nor_entered_in_error():
    child = ChildFactory()
    ContactFactory(child=child, received_at=london(2023, 6, 1, 10, 0), source="police", outcome="early_help",
                   status=ContactStatus.DECIDED)  # fmt: skip
    ContactFactory(child=child, received_at=london(2023, 7, 1, 10, 0), source="nhs")  # undecided, same child
    ContactFactory(received_at=london(2023, 6, 1, 10, 0), cse_concern=False)
    ContactFactory(received_at=london(2023, 6, 1, 10, 0), enquiry_on_open_case=True)
    ContactFactory(received_at=london(2023, 6, 1, 10, 0), status=ContactStatus.ENTERED_IN_ERROR)
    ContactFactory(received_at=london(2023, 6, 1, 10, 0), child=None, source="anonymous")  # no child named
    contacts = annual_report(FY)["contacts"]
    assert (contacts["total"], contacts["children"], contacts["per_child"]) == (3, 1, 3.0)
    assert contacts["by_source"]["police"] == {"count": 1, "percent": 33}
    assert contacts["by_source"]["anonymous"] == {"count": 1, "percent": 33}
    assert contacts["by_outcome"]["early_help"] == {"count": 1, "percent": 33}
    assert contacts["by_outcome"]["undecided"] == {"count": 2, "percent": 67}


def test_a_child_merged_into_another_is_counted_once():
    kept = ChildFactory()
    duplicate = ChildFactory(status=RecordStatus.MERGED, merged_into=kept)
    ContactFactory(child=kept, received_at=london(2023, 6, 1, 10, 0))
    ContactFactory(child=duplicate, received_at=london(2023, 6, 2, 10, 0))
    assert annual_report(FY)["contacts"]["children"] == 1


def test_no_contacts_gives_zero_percentages_not_an_error():
    contacts = annual_report(FY)["contacts"]
    assert contacts["total"] == 0 and contacts["per_child"] == 0.0
    assert all(row == {"count": 0, "percent": 0} for row in contacts["by_source"].values())


# --- New cases -------------------------------------------------------------------------------


def test_new_cases_take_the_earliest_cse_case_opened_in_the_period():
    child = ChildFactory()
    # One live case per child: the earlier cases of this child were closed before the next opened.
    CaseFactory(
        child=child,
        opened_at=london_day(2023, 3, 31),
        classification="victim",  # before: ignored
        status="closed",
        closed_at=london_day(2023, 4, 20),
    )
    CaseFactory(
        child=child,
        opened_at=london_day(2023, 5, 1),
        classification="at_risk",
        status="closed",
        closed_at=london_day(2023, 8, 1),
    )
    CaseFactory(child=child, opened_at=london_day(2023, 9, 1), classification="victim")
    CaseFactory(opened_at=london_day(2024, 3, 31), classification="", open_to=OpenTo.STATUTORY)  # not known
    CaseFactory(opened_at=london_day(2023, 4, 1), cse=False, cce=True)  # not CSE
    CaseFactory(opened_at=london_day(2024, 4, 1), classification="victim")  # after
    new = annual_report(FY)["new_cases"]
    assert new == {
        "children": 2,
        "victim": {"count": 0, "percent": 0},
        "at_risk": {"count": 1, "percent": 50},
        "not_known": {"count": 1, "percent": 50},
    }


# --- The cohort ------------------------------------------------------------------------------


def test_the_cohort_is_open_to_cate_for_cse_at_some_time_in_the_period():
    in_first_day = CaseFactory(opened_at=london_day(2021, 1, 4), closed_at=london_day(2023, 4, 1))
    CaseFactory(opened_at=london_day(2021, 1, 4), closed_at=london_day(2023, 3, 31))  # closed the day before
    on_last_day = CaseFactory(opened_at=london_day(2024, 3, 31), open_to=OpenTo.BOTH)
    CaseFactory(opened_at=london_day(2024, 4, 1))  # opened the day after
    CaseFactory(opened_at=london_day(2023, 5, 1), open_to=OpenTo.STATUTORY)  # not open to CATE
    CaseFactory(opened_at=london_day(2023, 5, 1), cse=False, cce=True)  # not CSE
    assert cohort_children(FY) == {in_first_day.child_id, on_last_day.child_id}


def test_cohort_breakdowns_reconcile_with_not_known_rows():
    for gender, ethnicity, send in (
        ("female", "WBRI", "ehcp"),
        ("male", "MWAS", "sen_support"),
        ("other", "CHNE", "none"),
        ("not_known", "REFU", "not_known"),
        ("female", "", "none"),
        ("female", "NOBT", "none"),
        ("female", "BAFR", "none"),
        ("female", "OOTH", "none"),
    ):
        CaseFactory(child__gender=gender, child__ethnicity=ethnicity, child__send_status=send,
                    opened_at=london_day(2023, 5, 1))  # fmt: skip
    cohort = annual_report(FY)["cohort"]
    assert cohort["children"] == 8
    assert {k: v["count"] for k, v in cohort["gender"].items()} == {"female": 5, "male": 1, "other": 1, "not_known": 1}
    assert {k: v["count"] for k, v in cohort["ethnicity"].items()} == {
        "white_british": 1,
        "other_white": 0,
        "mixed": 1,
        "asian": 1,
        "black": 1,
        "other": 1,
        "not_known": 3,
    }
    assert cohort["ethnicity"]["not_known"]["percent"] == 38  # 3 / 8 = 37.5 %, rounded half up
    assert {k: v["count"] for k, v in cohort["send"].items()} == {
        "ehcp": 1,
        "sen_support": 1,
        "none": 5,
        "not_known": 1,
    }


@pytest.mark.parametrize(
    ("receiving", "attendance", "band"),
    [
        (True, 90.01, "satisfactory"),
        (True, 90, "persistent_absence"),
        (True, 50.01, "persistent_absence"),
        (True, 50, "severe_absence"),
        (True, 0, "severe_absence"),
        (None, 95, "satisfactory"),
        (False, 95, "not_receiving_education"),
        (True, None, "not_known"),
        (None, None, "not_known"),
    ],
)
def test_attendance_bands_at_exactly_50_and_90(receiving, attendance, band):
    CaseFactory(child__receiving_education=receiving, child__attendance_percent=attendance,
                opened_at=london_day(2023, 5, 1))  # fmt: skip
    attendance_rows = annual_report(FY)["cohort"]["attendance"]
    assert attendance_rows[band] == {"count": 1, "percent": 100}
    assert sum(row["count"] for row in attendance_rows.values()) == 1


def test_average_age_on_the_periods_last_day_in_whole_years():
    CaseFactory(child__date_of_birth=dt.date(2009, 3, 31), opened_at=london_day(2023, 5, 1))  # 15 that day
    CaseFactory(child__date_of_birth=dt.date(2009, 4, 1), opened_at=london_day(2023, 5, 1))  # 14 until the next
    CaseFactory(child__date_of_birth=dt.date(2008, 4, 1), opened_at=london_day(2023, 5, 1))  # 15
    CaseFactory(child__date_of_birth=None, opened_at=london_day(2023, 5, 1))  # left out of the mean
    cohort = annual_report(FY)["cohort"]
    assert (cohort["children"], cohort["average_age"]) == (4, 14.7)  # 44 / 3 = 14.67


def test_no_date_of_birth_gives_no_average_age():
    CaseFactory(child__date_of_birth=None, opened_at=london_day(2023, 5, 1))
    assert annual_report(FY)["cohort"]["average_age"] is None


def test_open_to_statutory_needs_an_episode_overlapping_the_period():
    children = [CaseFactory(opened_at=london_day(2023, 1, 9)).child for _ in range(5)]
    StatutoryEpisodeFactory(child=children[0], start=dt.date(2022, 6, 1), end=dt.date(2023, 4, 1))  # in
    StatutoryEpisodeFactory(child=children[1], start=dt.date(2022, 6, 1), end=dt.date(2023, 3, 31))  # out
    StatutoryEpisodeFactory(child=children[2], start=dt.date(2024, 3, 31))  # in
    StatutoryEpisodeFactory(child=children[3], start=dt.date(2024, 4, 1))  # out
    StatutoryEpisodeFactory(start=dt.date(2023, 6, 1))  # a child outside the cohort
    assert annual_report(FY)["cohort"]["open_to_statutory"] == {"count": 2, "percent": 40}


# --- Missing episodes and return home interviews -------------------------------------------------


def test_an_interview_exactly_72_hours_after_the_return_is_in_time():
    child = CaseFactory(opened_at=london_day(2022, 1, 10)).child
    back = london(2023, 10, 28, 20, 0)  # summer time; the clocks go back that night
    exactly = ReturnHomeInterviewFactory(episode__child=child, episode__returned_at=back,
                                         completed_at=london(2023, 10, 31, 19, 0))  # fmt: skip
    elapsed = exactly.completed_at.astimezone(dt.UTC) - exactly.episode.returned_at.astimezone(dt.UTC)
    assert elapsed == dt.timedelta(hours=72)  # 71 hours on the wall clock
    ReturnHomeInterviewFactory(episode__child=child, episode__returned_at=london(2023, 6, 1, 9, 0),
                               completed_at=london(2023, 6, 4, 9, 0, 1))  # one second late  # fmt: skip
    MissingEpisodeFactory(child=child, returned_at=london(2023, 7, 1, 9, 0))  # eligible, never interviewed
    MissingEpisodeFactory(child=child, returned_at=london(2023, 8, 1, 9, 0), rhi_eligible=False)
    MissingEpisodeFactory(child=child, returned_at=None)  # still missing: left out
    MissingEpisodeFactory(child=child, returned_at=london(2023, 3, 31, 23, 59))  # before the period
    MissingEpisodeFactory(returned_at=london(2023, 7, 1, 9, 0))  # a child outside the cohort
    missing = annual_report(FY)["missing"]
    assert missing == {
        "episodes": 4,
        "children": 1,
        "rhi_eligible": 3,
        "rhi_completed": 2,
        "rhi_in_timescale": {"count": 1, "percent": 33},
    }


def test_the_interview_timescale_is_the_councils_setting():
    child = CaseFactory(opened_at=london_day(2022, 1, 10)).child
    ReturnHomeInterviewFactory(episode__child=child, episode__returned_at=london(2023, 6, 1, 9, 0),
                               completed_at=london(2023, 6, 3, 10, 0))  # 49 hours  # fmt: skip
    assert annual_report(FY)["missing"]["rhi_in_timescale"] == {"count": 1, "percent": 100}
    ServiceSetting.objects.create(key="return_home_interview", value={"amount": 48, "unit": "clock_hours"})
    assert annual_report(FY)["missing"]["rhi_in_timescale"] == {"count": 0, "percent": 0}


def test_nrm_referrals_made_in_the_period():
    for day in (dt.date(2023, 3, 31), dt.date(2023, 4, 1), dt.date(2024, 3, 31), dt.date(2024, 4, 1)):
        NrmReferralFactory(referred_on=day)
    NrmReferralFactory(referred_on=None)  # not made yet
    assert annual_report(FY)["nrm_referrals"] == 2


# --- Caseload --------------------------------------------------------------------------------


def test_caseload_on_a_date_counts_case_holders_in_post_and_cases_held_that_night():
    day = dt.date(2024, 3, 31)
    holder = UserFactory(case_holder=True, active_from=dt.date(2024, 3, 31))  # starts that day
    leaving = UserFactory(case_holder=True, active_to=dt.date(2024, 3, 31))  # leaves that day
    UserFactory(case_holder=True, active_to=dt.date(2024, 3, 30))  # left the day before
    UserFactory(case_holder=True, active_from=dt.date(2024, 4, 1))  # starts the day after
    not_flagged = UserFactory(case_holder=False)  # holds a case all the same: holding is what counts
    UserFactory(case_holder=True)  # in post and holding nothing: not in the average

    def held(worker, *, started, ended=None, closed=None):
        case = CaseFactory(opened_at=london_day(2023, 1, 9), closed_at=closed and london_day(*closed))
        return AllocationFactory(case=case, worker=worker, started_at=london_day(*started),
                                 ended_at=ended and london_day(*ended))  # fmt: skip

    held(holder, started=(2024, 3, 31))  # allocated on the day: counts
    held(leaving, started=(2023, 2, 1), ended=(2024, 4, 1))  # handed over the day after: counts
    held(leaving, started=(2023, 2, 1), ended=(2024, 3, 31))  # handed over on the day: no
    held(holder, started=(2023, 2, 1), closed=(2024, 3, 31))  # closed on the day: no
    held(holder, started=(2023, 2, 1), closed=(2024, 4, 1), ended=(2024, 4, 1))  # closed the day after: counts
    held(holder, started=(2024, 4, 1))  # allocated the day after: no
    held(not_flagged, started=(2023, 2, 1))  # not marked as a case holder, holding a case: counts
    caseload = caseloads_on([day])[day]
    assert (caseload.open_cases, caseload.case_holders, caseload.average) == (4, 3, 1.3)
    assert annual_report(Period(dt.date(2024, 1, 1), day))["caseload"] == {
        "as_at": "2024-03-31",
        "open_cases": 4,
        "case_holders": 3,
        "average": 1.3,
    }


def test_a_case_closed_on_a_date_and_reopened_since_is_not_held_that_night():
    from cate.choices import ClosureStatus
    from cate.models import CaseClosure

    worker = UserFactory()
    case = CaseFactory(opened_at=london_day(2023, 1, 9))  # open again now: closed_at cleared on reopening
    # Held before the closure, and again after the reopening (allocations end when a case closes).
    AllocationFactory(case=case, worker=worker, started_at=london_day(2023, 1, 9), ended_at=london_day(2024, 3, 1))
    AllocationFactory(case=case, worker=worker, started_at=london_day(2024, 6, 2))
    CaseClosure.objects.create(
        case=case, status=ClosureStatus.REOPENED, reason="Safe", exit_plan="Plan", step_down_destination="other",
        proposed_by=worker, proposed_at=london_day(2024, 3, 1), decided_by=worker, decided_at=london_day(2024, 3, 1),
        reopened_by=worker, reopened_at=london_day(2024, 6, 1),
    )  # fmt: skip
    days = [dt.date(2024, 2, 29), dt.date(2024, 3, 31), dt.date(2024, 6, 30)]
    loads = caseloads_on(days)
    assert [(loads[d].all_open, loads[d].open_cases, loads[d].case_holders) for d in days] == [
        (1, 1, 1),
        (0, 0, 0),
        (1, 1, 1),
    ]


def test_caseload_average_rounds_half_up_and_is_zero_without_case_holders():
    day = dt.date(2024, 3, 31)
    assert caseloads_on([day])[day].average == 0.0
    workers = [UserFactory(case_holder=True) for _ in range(4)]
    for n in range(29):  # 29 / 4 = 7.25
        AllocationFactory(worker=workers[n % 4], case__opened_at=london_day(2023, 1, 9),
                          started_at=london_day(2023, 1, 9))  # fmt: skip
    assert caseloads_on([day])[day].average == 7.3


def test_restricted_children_count_in_every_aggregate(personas):
    case = CaseFactory(opened_at=london_day(2023, 5, 1))
    ContactFactory(child=case.child, received_at=london(2023, 4, 20, 10, 0))
    before = annual_report(FY)
    child = case.child
    child.is_restricted = True
    audit.save(child, actor=audit.system_user(), reason="Restricted", update_fields=["is_restricted"])
    child.restricted_to.add(personas["cate_worker"])
    after = annual_report(FY)
    assert after == before
    assert (after["cohort"]["children"], after["contacts"]["total"], after["new_cases"]["children"]) == (1, 1, 1)


def test_the_baseline_is_the_mean_of_the_three_financial_years_before():
    for year, count in ((2020, 2), (2021, 3), (2022, 5)):
        for n in range(count):
            ContactFactory(received_at=london(year, 6, 1 + n, 10, 0))
    report = annual_report(FY)
    assert [y["contacts"]["total"] for y in report["baseline"]["years"]] == [2, 3, 5]
    mean = report["baseline"]["mean"]
    assert mean["contacts"]["total"] == 3.3  # 10 / 3
    assert mean["contacts"]["by_source"]["police"] == {"count": 3.3, "percent": 100.0}
    assert mean["caseload"]["as_at"] is None
    assert "baseline" not in annual_report(Period(dt.date(2023, 4, 1), dt.date(2024, 3, 30)))


def test_a_case_closed_before_the_period_and_reopened_after_it_is_not_in_the_cohort():
    from cate.choices import ClosureStatus
    from cate.models import CaseClosure

    staff = UserFactory()
    reopened = CaseFactory(opened_at=london_day(2021, 1, 4))  # open again now: closed_at cleared on reopening
    CaseClosure.objects.create(
        case=reopened,
        status=ClosureStatus.REOPENED,
        reason="Safe",
        exit_plan="Plan",
        step_down_destination="other",
        proposed_by=staff,
        proposed_at=london_day(2022, 5, 1),
        decided_by=staff,
        decided_at=london_day(2022, 5, 2),
        reopened_by=staff,
        reopened_at=london_day(2024, 6, 1),
    )
    reopened_in_period = CaseFactory(opened_at=london_day(2021, 1, 4))
    CaseClosure.objects.create(
        case=reopened_in_period,
        status=ClosureStatus.REOPENED,
        reason="Safe",
        exit_plan="Plan",
        step_down_destination="other",
        proposed_by=staff,
        proposed_at=london_day(2022, 5, 1),
        decided_by=staff,
        decided_at=london_day(2022, 5, 2),
        reopened_by=staff,
        reopened_at=london_day(2024, 3, 31),
    )
    assert cohort_children(FY) == {reopened_in_period.child_id}  # open on the last day of the period
    assert cohort_children(financial_year(2024)) == {reopened.child_id, reopened_in_period.child_id}

"""Caseloads weighted by risk (issue 24, Rec 28): the weights, the allocation page against a hand
count, the caseload list and tray, the breach history over a simulated year, and the "consistently
breached" alert to the group managers, exactly once."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from cate import caseload_weights, rules, selectors, services
from cate.choices import RiskLevel, RiskSource
from cate.models import Case, CaseloadBreach
from core import alerts, audit, clock
from core import services as core_services
from core.models import Notification
from core.selectors import service_settings
from tests.factories import allocated_case, open_case

from .helpers import assert_history

pytestmark = pytest.mark.django_db

LEVELS = [RiskLevel.HIGH, RiskLevel.MEDIUM_HIGH, RiskLevel.MEDIUM, RiskLevel.LOW_MEDIUM, RiskLevel.LOW, ""]


def _holding(leader, worker, levels):
    cases = []
    for level in levels:
        case = allocated_case(leader, worker)
        if level:
            services.case_set_risk_level(
                case=case, level=level, source=RiskSource.ASSESSMENT, actor=leader, reason="Assessed"
            )
        cases.append(case)
    return cases


def test_default_weights_are_the_issues_and_a_council_can_change_them(personas):
    settings = service_settings()
    assert caseload_weights.weights(settings) == {
        "high": 100,
        "medium_high": 75,
        "medium": 50,
        "low_medium": 35,
        "low": 25,
        "": 100,
    }
    assert settings["caseload_limit"] == 10 and settings["caseload_breach_months"] == 3
    core_services.setting_update(
        key="caseload_weight_low", value=20, actor=personas["group_manager"], reason="Council's own weight"
    )
    assert caseload_weights.weight_of(RiskLevel.LOW, service_settings()) == Decimal("0.2")


def test_the_allocation_page_shows_plain_and_weighted_caseloads_against_a_hand_count(personas, client_for):
    leader, worker, other = personas["team_leader"], personas["cate_worker"], personas["other_worker"]
    _holding(leader, worker, LEVELS)  # 1 + 0.75 + 0.5 + 0.35 + 0.25 + 1 (not yet assessed)
    _holding(leader, other, [RiskLevel.LOW, RiskLevel.LOW])
    hand_count = Decimal("1") + Decimal("0.75") + Decimal("0.5") + Decimal("0.35") + Decimal("0.25") + Decimal("1")
    assert hand_count == Decimal("3.85")
    case = allocated_case(leader, other)
    page = client_for(leader).get(reverse("cate:case_allocate", args=[case.pk])).content.decode()
    assert f"{worker} – 6 cases, weighted 3.85 of 10" in page
    assert f"{other} – 3 cases, weighted 1.5 of 10" in page  # 0.25 + 0.25 + 1 (this case, not yet assessed)
    assert "counts as 1" in page
    load = selectors.caseload_loads([worker], service_settings())[worker.pk]
    assert (load.cases, load.weighted) == (6, hand_count)


def test_the_caseload_list_and_the_trays_count_the_weighted_caseload(personas, client_for):
    leader, worker, manager = personas["team_leader"], personas["cate_worker"], personas["group_manager"]
    _holding(leader, worker, [RiskLevel.HIGH, RiskLevel.HIGH, RiskLevel.LOW])  # 3 cases, 2.25: past 2
    _holding(leader, personas["other_worker"], [RiskLevel.LOW] * 4)  # 4 cases, 1: within 2
    core_services.setting_update(key="caseload_limit", value=2, actor=manager, reason="Test")
    page = client_for(leader).get(reverse("cate:caseload_list") + "?over=limit").content.decode()
    assert str(worker) in page and "2.25" in page and str(personas["other_worker"]) not in page
    assert selectors.case_holders_past_limit_count(2) == 1
    home = client_for(worker).get(reverse("core:home")).content.decode()
    assert "Your caseload weighted by risk: 2.25 of 2" in home
    mine = client_for(worker).get(reverse("cate:my_caseload")).content.decode()
    assert "2.25 of 2" in mine and "past the limit of 2 high-priority cases" in mine


def test_allocation_past_the_weighted_limit_needs_a_reason_and_low_risk_cases_weigh_less(personas):
    leader, worker, manager = personas["team_leader"], personas["cate_worker"], personas["group_manager"]
    core_services.setting_update(key="caseload_limit", value=1, actor=manager, reason="Test")
    first = allocated_case(leader, worker)
    services.case_set_risk_level(
        case=first, level=RiskLevel.LOW, source=RiskSource.ASSESSMENT, actor=leader, reason="x"
    )
    second = allocated_case(leader, personas["other_worker"])
    services.case_set_risk_level(
        case=second, level=RiskLevel.LOW, source=RiskSource.ASSESSMENT, actor=leader, reason="x"
    )
    services.case_allocate(case=second, worker=worker, actor=leader)  # 0.25 + 0.25: no reason needed
    third = allocated_case(leader, personas["other_worker"])  # not yet assessed: 1
    with pytest.raises(Exception, match=r"would be 1\.5 and the limit is 1"):
        services.case_allocate(case=third, worker=worker, actor=leader)


def test_a_breach_opens_peaks_and_ends_with_the_changes_that_make_it(personas):
    leader, worker, manager = personas["team_leader"], personas["cate_worker"], personas["group_manager"]
    core_services.setting_update(key="caseload_limit", value=2, actor=manager, reason="Test")
    cases = _holding(leader, worker, [RiskLevel.HIGH, RiskLevel.HIGH])
    assert not CaseloadBreach.objects.exists()  # 2 of 2: at the limit, not past it
    third = open_case(leader)
    services.case_allocate(case=third, worker=worker, actor=leader, over_limit_reason="Sibling")
    third.refresh_from_db()  # 3: past the limit, the breach opened by the allocation itself
    breach = CaseloadBreach.objects.get()
    assert (breach.worker, breach.peak, breach.peak_cases, breach.limit, breach.ended_at) == (
        worker,
        Decimal("3.00"),
        3,
        2,
        None,
    )
    assert_history(breach, audit.system_user(), "Weighted caseload 3 past the limit of 2")
    services.case_set_risk_level(
        case=third, level=RiskLevel.LOW, source=RiskSource.ASSESSMENT, actor=leader, reason="x"
    )
    breach.refresh_from_db()
    assert breach.ended_at is None and breach.peak == Decimal("3.00")  # 2.25: still past 2, peak kept
    services.case_set_risk_level(
        case=cases[0], level=RiskLevel.LOW, source=RiskSource.ASSESSMENT, actor=leader, reason="x"
    )
    breach.refresh_from_db()
    assert breach.ended_at is not None  # 1.5: within the limit
    run = services.caseload_breaches_refresh()
    assert (run.opened, run.raised, run.ended) == ([], [], [])  # nothing changes twice
    assert CaseloadBreach.objects.count() == 1


def _month_end(year: int, month: int) -> dt.datetime:
    """A moment an hour before the month ends (London), when the hourly job runs."""
    return rules.month_end_moment(dt.date(year, month, 1)) - dt.timedelta(hours=1)


def test_breach_history_over_a_simulated_year_and_consistently_breached_alerts_once(personas, make_user):
    from core.roles import Role

    leader, worker, manager = personas["team_leader"], personas["cate_worker"], personas["group_manager"]
    second_manager = make_user(Role.GROUP_MANAGER)
    core_services.setting_update(key="caseload_limit", value=2, actor=manager, reason="Test")
    cases = _holding(leader, worker, [RiskLevel.LOW, RiskLevel.LOW])  # 0.5: within the limit
    CaseloadBreach.objects.all().delete()  # a clean slate for the simulated year (test set-up)
    # Month by month: the risk level of both cases (High: 2 of 2 at the limit; one case added below).
    year = 2031
    past = {3, 4, 5, 6, 9, 10}  # months whose end finds the caseload past the limit
    extra = allocated_case(leader, personas["other_worker"])
    for month in range(1, 13):
        level = RiskLevel.HIGH if month in past else RiskLevel.LOW
        Case.objects.filter(pk__in=[c.pk for c in cases]).update(current_risk_level=level)  # test set-up
        Case.objects.filter(pk=extra.pk).update(allocated_worker=worker if month in past else None)
        now = _month_end(year, month)
        services.caseload_breaches_refresh(now=now)
        services.caseload_breaches_refresh(now=now)  # a second run changes nothing
        for _ in range(2):  # the alert job, run twice each month
            alerts.run_rule("caseload_breach", now=now)
    services.caseload_breaches_refresh(now=_month_end(2032, 1))
    breaches = list(CaseloadBreach.objects.filter(worker=worker).order_by("started_at"))
    assert [(clock.local_date(b.started_at).month, clock.local_date(b.ended_at).month) for b in breaches] == [
        (3, 7),
        (9, 11),
    ]
    assert all(b.peak == Decimal("3.00") and b.peak_cases == 3 for b in breaches)
    # March to June spanned four month-ends: consistently breached at the end of May; September to
    # October only two.
    first, second = breaches
    assert len(rules.month_ends_within(first.started_at, first.ended_at, now=_month_end(2032, 1))) == 4
    assert rules.consistently_breached_at(second.started_at, second.ended_at, now=_month_end(2032, 1), months=3) is None
    told = Notification.objects.filter(key__startswith="caseload_breach:")
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted([manager.pk, second_manager.pk])
    assert not told.filter(recipient__in=[leader, worker]).exists()
    assert all(n.url == reverse("cate:caseload_detail", args=[worker.pk]) for n in told)


def test_the_number_of_month_ends_is_a_setting(personas):
    start = rules.month_end_moment(dt.date(2031, 1, 1)) - dt.timedelta(days=3)  # late January
    end = rules.month_end_moment(dt.date(2031, 3, 1)) + dt.timedelta(days=1)  # early April
    now = end + dt.timedelta(days=30)
    assert len(rules.month_ends_within(start, end, now=now)) == 3  # January, February, March
    assert rules.consistently_breached_at(start, end, now=now, months=3) == rules.month_end_moment(dt.date(2031, 3, 1))
    assert rules.consistently_breached_at(start, end, now=now, months=4) is None
    assert rules.consistently_breached_at(start, None, now=start + dt.timedelta(days=1), months=1) is None
    exactly = rules.month_end_moment(dt.date(2031, 1, 1))
    assert rules.month_ends_within(exactly, exactly + dt.timedelta(days=2), now=now) == [exactly]
    assert rules.month_ends_within(start, exactly, now=now) == []  # ended exactly as January ended


def test_the_dashboard_and_the_annual_report_show_the_breaches(personas, client_for):
    leader, worker, manager = personas["team_leader"], personas["cate_worker"], personas["group_manager"]
    _holding(leader, worker, [RiskLevel.HIGH, RiskLevel.MEDIUM])
    core_services.setting_update(key="caseload_limit", value=1, actor=manager, reason="Test")
    services.caseload_breaches_refresh()
    page = client_for(manager).get(reverse("reporting:index")).content.decode()
    assert 'id="breach-history"' in page and "Still past the limit" in page and "1.5" in page
    from django.utils import timezone

    from reporting import oversight
    from reporting.figures import Period

    today = timezone.localdate()
    figures = oversight.breaches_in_period(Period(today - dt.timedelta(days=30), today), service_settings())
    assert figures == {
        "breaches": 1,
        "staff": 1,
        "month_ends_past_limit": 0,
        "consistently_breached": 0,
        "highest_peak": 1.5,
    }
    report = client_for(manager).get(reverse("reporting:annual_report")).content.decode()
    assert "Caseloads past the limit" in report

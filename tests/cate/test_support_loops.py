"""Issue 24, point 2: support that is followed up. Providers, sessions offered and attended and
the outcomes; declined or not engaging sets a re-offer date (three months, a setting) on the
worker's tray and alerts once; every open CSE case is prompted for a sexual health check (the
sexual health service from 13, the SARC under 13); the annual report counts R-42."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cate import rules, services
from cate.choices import SupportService, SupportStatus
from cate.models import SupportReferral
from core import clock
from core.alerts import REGISTRY, Stage, run_rule
from core.due import due_items_for_cases
from core.models import Notification
from core.selectors import service_settings
from core.services import setting_update
from reporting import presentation
from reporting.figures import Period
from reporting.selectors import annual_report
from tests.factories import allocated_case

from .helpers import assert_history

pytestmark = pytest.mark.django_db


def _refer(case, worker, service=SupportService.AXIS, status=SupportStatus.REFERRED, **kwargs):
    values = {
        "case": case,
        "service": service,
        "service_other": "",
        "referred_on": timezone.localdate(),
        "status": status,
        "first_appointment_on": None,
        "outcome": "",
        "follow_up_on": None,
        "actor": worker,
    }
    values.update(kwargs)
    return services.support_referral_create(**values)


def _update(referral, worker, status, **kwargs):
    values = {
        "referral": referral,
        "service_other": "",
        "referred_on": referral.referred_on,
        "status": status,
        "first_appointment_on": None,
        "outcome": "",
        "follow_up_on": None,
        "actor": worker,
        "expected_version": referral.version,
    }
    values.update(kwargs)
    return services.support_referral_update(**values)


def test_providers_sessions_and_outcomes(case, worker):
    assert {"substance_misuse", "youth_services", "sarc", "sexual_health", "camhs", "isva"} <= set(
        SupportService.values
    )
    assert {"accepted", "not_threshold", "not_engaging", "declined"} <= set(SupportStatus.values)
    referral = _refer(case, worker, sessions_offered=6, sessions_attended=4)
    assert (referral.sessions_offered, referral.sessions_attended, referral.reoffer_due_on) == (6, 4, None)
    referral = _update(referral, worker, SupportStatus.NOT_MEETING_THRESHOLD, sessions_offered=6, sessions_attended=4)
    assert referral.reoffer_due_on is None  # not meeting threshold is not offered again
    assert_history(referral, worker, "Axis referral: not meeting the service's threshold")


@pytest.mark.parametrize(("offered", "attended"), [(2, 3), (-1, 0), (0, 501), (None, 0)])
def test_bad_session_counts_are_refused(case, worker, offered, attended):
    with pytest.raises(ValidationError):
        _refer(case, worker, sessions_offered=offered, sessions_attended=attended)
    assert not SupportReferral.objects.exists()


@pytest.mark.parametrize("status", [SupportStatus.DECLINED, SupportStatus.NOT_ENGAGING])
def test_declined_or_not_engaging_sets_a_reoffer_three_months_on(case, worker, status):
    referral = _refer(case, worker)
    referral = _update(referral, worker, status)
    today = timezone.localdate()
    assert referral.reoffer_due_on == clock.add_months_to_date(today, 3)
    # Back to accepted: nothing to offer again.
    referral = _update(referral, worker, SupportStatus.ACCEPTED)
    assert referral.reoffer_due_on is None


def test_the_reoffer_period_is_a_setting(case, worker, personas):
    setting_update(
        key="support_reoffer",
        value=clock.Duration(6, clock.Unit.WEEKS),
        actor=personas["group_manager"],
        reason="Council policy",
    )
    referral = _refer(case, worker, status=SupportStatus.DECLINED)
    assert referral.reoffer_due_on == timezone.localdate() + dt.timedelta(weeks=6)


def test_a_reoffer_is_on_the_tray_alerts_once_and_is_done_by_a_new_referral(case, worker, client_for):
    referral = _refer(case, worker, status=SupportStatus.DECLINED)
    due = clock.end_of_local_day(referral.reoffer_due_on)
    rule = REGISTRY["support_reoffer"]
    assert [c.stage for c in rule.find(due - dt.timedelta(days=15), service_settings())] == []
    assert [c.stage for c in rule.find(due - dt.timedelta(days=13), service_settings())] == [Stage.DUE_SOON]
    [candidate] = rule.find(due + dt.timedelta(seconds=1), service_settings())
    assert candidate.stage == Stage.OVERDUE and candidate.owner_ids == (worker.pk,)
    assert case.child.first_name not in candidate.title
    first = run_rule("support_reoffer", now=due + dt.timedelta(hours=1))
    second = run_rule("support_reoffer", now=due + dt.timedelta(hours=1))
    assert (first.sent, second.sent) == (1, 0)
    assert Notification.objects.filter(recipient=worker, key__startswith="support_reoffer:").count() == 1
    assert all(case.child.first_name not in m.body + m.subject for m in mail.outbox)
    # The due item on the case, and the tray's count and its list (as the worker sees them).
    items = due_items_for_cases([case.pk], now=due + dt.timedelta(hours=1), settings=service_settings())[case.pk]
    assert [i.kind for i in items if i.kind == "support_reoffer"] == ["support_reoffer"]
    # Offered again: a new referral to the same service.
    _refer(case, worker, status=SupportStatus.ACCEPTED)
    referral.refresh_from_db()
    assert referral.reoffered_on == timezone.localdate()
    assert_history(referral, worker, "Support offered again")
    assert list(rule.find(due + dt.timedelta(days=1), service_settings())) == []


def test_the_workers_tray_counts_support_to_offer_again(case, worker, client_for):
    referral = _refer(case, worker, status=SupportStatus.DECLINED)
    referral.reoffer_due_on = timezone.localdate() - dt.timedelta(days=1)  # three months have passed
    referral.save()
    client = client_for(worker)
    listing = client.get(reverse("cate:case_list") + f"?view=all&worker={worker.pk}&due=reoffer")
    assert listing.status_code == 200 and case.reference in listing.content.decode()
    home = client.get(reverse("core:home"))
    assert "Cases with support to offer again" in home.content.decode()


@pytest.mark.parametrize(
    ("years", "route"), [(12, "the SARC"), (13, "the sexual health service"), (16, "the sexual health service")]
)
def test_the_sexual_health_route_by_age(years, route):
    today = dt.date(2026, 12, 7)
    born = clock.add_months_to_date(today, -12 * years)
    assert rules.sexual_health_route(born, None, today=today) == route
    assert rules.sexual_health_route(None, years, today=today) == route
    assert rules.sexual_health_route(None, None, today=today) == "the SARC"


def test_the_thirteenth_birthday_is_the_boundary():
    today = dt.date(2026, 12, 7)
    assert rules.sexual_health_route(dt.date(2013, 12, 7), None, today=today) == "the sexual health service"
    assert rules.sexual_health_route(dt.date(2013, 12, 8), None, today=today) == "the SARC"


def test_every_open_cse_case_is_prompted_once_until_the_check_is_referred(leader, worker):
    case = allocated_case(leader, worker, date_of_birth=timezone.localdate() - dt.timedelta(days=365 * 15))
    items = due_items_for_cases([case.pk], now=timezone.now(), settings=service_settings())[case.pk]
    [item] = [i for i in items if i.kind == "sexual_health"]
    assert item.label == "Sexual health check: the sexual health service"
    first, second = run_rule("sexual_health_check"), run_rule("sexual_health_check")
    assert (first.sent, second.sent, first.escalated) == (1, 0, 0)
    note = Notification.objects.get(recipient=worker, key__startswith="sexual_health_check:")
    assert case.reference in note.title and case.child.first_name not in note.title
    _refer(case, worker, service=SupportService.SEXUAL_HEALTH)
    assert [
        c
        for c in REGISTRY["sexual_health_check"].find(timezone.now(), service_settings())
        if c.record_key.endswith(f":{case.pk}:sexual_health")
    ] == []
    items = due_items_for_cases([case.pk], now=timezone.now(), settings=service_settings()).get(case.pk, [])
    assert "sexual_health" not in [i.kind for i in items]


def test_r42_referrals_and_sessions_by_provider(case, worker):
    today = timezone.localdate()
    _refer(case, worker, service=SupportService.AXIS, sessions_offered=10, sessions_attended=7)
    _refer(case, worker, service=SupportService.AXIS, sessions_offered=2, sessions_attended=2)
    _refer(case, worker, service=SupportService.CAMHS, sessions_offered=5, sessions_attended=1)
    _refer(case, worker, service=SupportService.SARC, referred_on=today - dt.timedelta(days=800))  # outside
    period = Period(today - dt.timedelta(days=30), today)
    support = annual_report(period, with_baseline=False)["support"]
    assert (support["referrals"], support["sessions_offered"], support["sessions_attended"]) == (3, 17, 10)
    assert support["referrals_by_provider"]["axis"] == 2 and support["referrals_by_provider"]["sarc"] == 0
    assert support["sessions_offered_by_provider"]["axis"] == 12
    assert support["sessions_attended_by_provider"]["camhs"] == 1
    [section] = [s for s in presentation.sections({**annual_report(period, with_baseline=False)}) if s.key == "support"]
    assert "R-42" in section.label
    assert [f.value for f in section.figures] == [3, 17, 10]
    assert {b.key for b in section.breakdowns} == {
        "referrals_by_provider",
        "sessions_offered_by_provider",
        "sessions_attended_by_provider",
    }
    assert "Support referrals made" in presentation.to_csv(annual_report(period, with_baseline=False))

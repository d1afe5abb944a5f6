"""The due items CATE gives core.due for a case, in due order, with a fixed number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cate import services
from core.clock import DueState
from core.due import due_items_for_cases
from core.selectors import service_settings
from tests.factories import allocated_case, approve_closure, open_case, propose_closure

pytestmark = pytest.mark.django_db


def items_of(case, now=None):
    return due_items_for_cases([case.pk], now=now or timezone.now(), settings=service_settings()).get(case.pk, [])


def test_a_new_case_owes_its_allocation_and_nrm_referral(leader):
    case = open_case(leader, date_of_birth=timezone.localdate() - dt.timedelta(days=365 * 15))
    kinds = [item.kind for item in items_of(case) if item.kind in {"allocation", "nrm", "transition", "visit"}]
    assert kinds == ["allocation", "nrm", "transition"]
    allocation = next(item for item in items_of(case) if item.kind == "allocation")
    assert allocation.due_at == case.allocation_due_at and allocation.url.endswith("/allocate/")
    later = items_of(case, now=case.allocation_due_at + dt.timedelta(minutes=1))
    assert later[0].state == DueState.OVERDUE


def test_an_allocated_case_owes_visits_gp_letter_and_interviews(case, worker):
    now = timezone.now()
    services.missing_episode_record(
        case=case,
        missing_from=now - dt.timedelta(days=2),
        returned_at=now - dt.timedelta(days=1),
        reported_by="",
        police_reference="",
        where_found="",
        rhi_eligible=True,
        rhi_ineligible_reason="",
        actor=worker,
    )
    services.support_referral_create(
        case=case,
        service="camhs",
        service_other="",
        referred_on=timezone.localdate(),
        status="referred",
        first_appointment_on=None,
        outcome="",
        follow_up_on=timezone.localdate() + dt.timedelta(days=30),
        actor=worker,
    )
    items = items_of(case)
    cate_kinds = {"rhi", "nrm", "gp_letter", "visit", "transition", "support_follow_up", "allocation"}
    assert {item.kind for item in items} & cate_kinds == {
        "rhi",
        "nrm",
        "gp_letter",
        "visit",
        "transition",
        "support_follow_up",
    }
    assert [item.due_at for item in items] == sorted(item.due_at for item in items)
    services.gp_letter_mark_sent(letter=case.gp_letters.get(), sent_on=timezone.localdate(), actor=worker)
    assert "gp_letter" not in {item.kind for item in items_of(case)}


def test_a_transition_meeting_held_or_a_closed_case_owes_nothing_of_it(case, worker, leader):
    from contacts.models import Child
    from core.choices import AgencyKind
    from tests.factories import AgencyFactory

    Child.objects.filter(pk=case.child_id).update(date_of_birth=timezone.localdate().replace(year=2000))
    services.transition_meeting_record(
        case=case,
        held_on=timezone.localdate(),
        agencies=[AgencyFactory(name="Adult Social Care", kind=AgencyKind.ADULT_SOCIAL_CARE)],
        attendees="",
        decisions="d",
        onward_support_plan="p",
        actor=worker,
    )
    assert "transition" not in {item.kind for item in items_of(case)}
    propose_closure(case, worker)
    approve_closure(case, leader)
    assert items_of(case) == []  # no provider gives items of a closed case


def test_a_young_person_past_the_transition_date_without_a_meeting_is_overdue(leader):
    today = timezone.localdate()
    case = open_case(leader, date_of_birth=today.replace(year=today.year - 17) - dt.timedelta(days=10))
    item = next(i for i in items_of(case) if i.kind == "transition")
    assert item.state == DueState.DUE_SOON  # due three months after opening: four weeks' notice and more
    assert (
        next(i for i in items_of(case, now=timezone.now() + dt.timedelta(days=100)) if i.kind == "transition").state
        == DueState.OVERDUE
    )


def test_providers_use_a_fixed_number_of_queries(leader, worker):
    """CATE's providers read the case and its records with one query each, however many cases."""
    from cate.due import case_clocks, case_records

    few = [allocated_case(leader, worker).pk]
    many = [allocated_case(leader, worker).pk for _ in range(8)]
    settings, now = service_settings(), timezone.now()
    for provider in (case_clocks, case_records):
        counts = []
        for ids in (few, many):
            with CaptureQueriesContext(connection) as ctx:
                found = provider(ids, now=now, settings=settings)
            counts.append(len(ctx.captured_queries))
            assert set(found) == set(ids)
        assert counts == [1, 1], provider.__name__
    totals = []
    for ids in (few, many):  # every registered provider together (other apps' included)
        with CaptureQueriesContext(connection) as ctx:
            due_items_for_cases(ids, now=now, settings=settings)
        totals.append(len(ctx.captured_queries))
    assert totals[0] == totals[1]

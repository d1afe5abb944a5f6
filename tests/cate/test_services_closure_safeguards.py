"""Closure safeguards: everything outstanding on a case is listed when its closure is proposed, the
worker gives a reason for each, the team leader accepts or returns each, approval checks again; a
child missing now cannot be closed; a pending NRM stays tracked after closure; the worker who held a
closed case keeps read-only access until the case is allocated again."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from guardian.shortcuts import get_perms

from cate import selectors, services
from cate.choices import (
    CaseStatus,
    ChronologyKind,
    ClosureItemDecision,
    ClosureStatus,
    GpLetterTrigger,
    NrmDecision,
    RhiStatus,
    RiskLevel,
    RiskSource,
)
from cate.models import CaseClosure, ClosureItem
from cate.permissions import can_work_on_case
from cate.rules import closure_item_field, nrm_awaiting, outstanding_field
from core.selectors import service_settings
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    approve_closure,
    closure_reasons,
    propose_closure,
)

from .helpers import assert_history

pytestmark = pytest.mark.django_db

PROPOSAL = {"reason": "Risk reduced", "exit_plan": "Youth club", "step_down_destination": "universal"}


def codes(case):
    return [item.code for item in selectors.closure_outstanding(case, now=timezone.now(), settings=service_settings())]


def item(case, code):
    found = selectors.closure_outstanding(case, now=timezone.now(), settings=service_settings())
    return next(i for i in found if i.code == code)


def went_missing(case, worker, *, back: bool, hours_ago: int = 30):
    now = timezone.now()
    return services.missing_episode_record(
        case=case,
        missing_from=now - dt.timedelta(hours=hours_ago),
        returned_at=now - dt.timedelta(hours=hours_ago - 6) if back else None,
        reported_by="Mother",
        police_reference="",
        where_found="",
        rhi_eligible=True,
        rhi_ineligible_reason="",
        actor=worker,
    )


def nrm_made(case, worker, **decisions):
    referral = case.nrm_referrals.get()
    return services.nrm_referral_update(
        referral=referral,
        referred_on=timezone.localdate() - dt.timedelta(days=3),
        reasonable_grounds=decisions.get("rg", ""),
        reasonable_grounds_on=decisions.get("rg_on"),
        conclusive_grounds=decisions.get("cg", ""),
        conclusive_grounds_on=decisions.get("cg_on"),
        actor=worker,
    )


def closure_letter_sent(case, worker):
    letter = services.gp_letter_closure_write(case=case, actor=worker)
    services.gp_letter_mark_sent(letter=letter, sent_on=timezone.localdate(), actor=worker)
    return letter


# --- What CATE lists -------------------------------------------------------------------------------


def test_a_freshly_allocated_case_owes_only_the_closure_letter_to_the_gp(case):
    assert codes(case) == ["gp_not_told"]
    gp = item(case, "gp_not_told")
    assert gp.overridable and gp.url.endswith(f"/cases/{case.pk}/gp-letters/closure/")


def test_the_gp_is_told_once_the_closure_letter_is_sent(case, worker):
    letter = services.gp_letter_closure_write(case=case, actor=worker)
    assert services.gp_letter_closure_write(case=case, actor=worker) == letter  # one letter per opening
    assert letter.trigger == GpLetterTrigger.CLOSURE and "closing its work" in letter.body
    assert "written but not recorded as sent" in item(case, "gp_not_told").message
    assert case.chronology.filter(kind=ChronologyKind.GP_LETTER, summary="GP letter generated (closure of the case)")
    services.gp_letter_mark_sent(letter=letter, sent_on=timezone.localdate(), actor=worker)
    assert "gp_not_told" not in codes(case)


def test_a_return_home_interview_not_held_is_outstanding_until_it_is(case, worker):
    episode = went_missing(case, worker, back=True)
    assert f"rhi_outstanding:{episode.pk}" in codes(case)
    services.rhi_record(
        episode=episode, status=RhiStatus.DECLINED, declined_at=timezone.now() - dt.timedelta(hours=1), actor=worker
    )
    assert f"rhi_outstanding:{episode.pk}" not in codes(case)


def test_an_nrm_referral_awaiting_a_decision_is_outstanding(case, worker):
    referral = case.nrm_referrals.get()
    assert f"nrm_pending:{referral.pk}" not in codes(case)  # not referred yet: nothing to await
    nrm_made(case, worker)
    assert "reasonable grounds" in item(case, f"nrm_pending:{referral.pk}").message
    day = timezone.localdate() - dt.timedelta(days=1)
    nrm_made(case, worker, rg=NrmDecision.POSITIVE, rg_on=day)
    assert "conclusive grounds" in item(case, f"nrm_pending:{referral.pk}").message
    nrm_made(case, worker, rg=NrmDecision.POSITIVE, rg_on=day, cg=NrmDecision.NEGATIVE, cg_on=day)
    assert f"nrm_pending:{referral.pk}" not in codes(case)


@pytest.mark.parametrize(
    ("referred", "rg", "cg", "awaiting"),
    [
        (False, "", "", ""),
        (True, "", "", "reasonable grounds"),
        (True, NrmDecision.PENDING, "", "reasonable grounds"),
        (True, NrmDecision.NEGATIVE, "", ""),
        (True, NrmDecision.POSITIVE, "", "conclusive grounds"),
        (True, NrmDecision.POSITIVE, NrmDecision.PENDING, "conclusive grounds"),
        (True, NrmDecision.POSITIVE, NrmDecision.POSITIVE, ""),
        (True, NrmDecision.POSITIVE, NrmDecision.NEGATIVE, ""),
    ],
)
def test_which_nrm_decision_a_referral_awaits(referred, rg, cg, awaiting):
    referred_on = dt.date(2030, 1, 7) if referred else None
    assert nrm_awaiting(referred_on=referred_on, reasonable_grounds=rg, conclusive_grounds=cg) == awaiting


def test_a_visit_overdue_is_outstanding(case):
    case.next_visit_due_at = timezone.now() - dt.timedelta(hours=1)
    case.save(update_fields=["next_visit_due_at"])
    assert "visit_overdue" in codes(case)
    case.next_visit_due_at = timezone.now() + dt.timedelta(hours=1)
    case.save(update_fields=["next_visit_due_at"])
    assert "visit_overdue" not in codes(case)


def test_a_child_missing_now_blocks_closure_with_no_override(case, worker, leader):
    went_missing(case, worker, back=False)
    missing = item(case, "child_missing")
    assert not missing.overridable and "missing now" in missing.message
    assert codes(case)[0] == "child_missing"  # what blocks comes first
    reasons = {"child_missing": "Police are looking", **closure_reasons(case)}
    with pytest.raises(ValidationError) as refused:
        propose_closure(case, worker, outstanding_reasons=reasons)
    assert "A case cannot be closed while the child is missing" in str(refused.value)
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN and not CaseClosure.objects.filter(case=case).exists()


# --- Proposing: a reason for each item -------------------------------------------------------------


def test_each_outstanding_item_needs_the_workers_reason(case, worker):
    episode = went_missing(case, worker, back=True)
    rhi = f"rhi_outstanding:{episode.pk}"
    with pytest.raises(ValidationError) as refused:
        services.case_closure_propose(
            case=case, **PROPOSAL, outstanding_reasons={rhi: "   ", "gp_not_told": "Sent on approval"}, actor=worker
        )
    errors = refused.value.message_dict
    assert set(errors) == {outstanding_field(rhi)}
    assert errors[outstanding_field(rhi)] == [
        "Enter your reason to close the case all the same: " + item(case, rhi).message
    ]
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN and not ClosureItem.objects.exists()


def test_the_proposal_keeps_each_item_and_reason_with_history_and_chronology(case, worker):
    episode = went_missing(case, worker, back=True)
    rhi = f"rhi_outstanding:{episode.pk}"
    reasons = {rhi: "Declined twice; school nurse sees her", "gp_not_told": "Letter goes on approval"}
    closure = services.case_closure_propose(case=case, **PROPOSAL, outstanding_reasons=reasons, actor=worker)
    items = list(closure.items.all())
    assert [(i.code, i.reason, i.decision) for i in items] == [
        (rhi, reasons[rhi], ""),
        ("gp_not_told", reasons["gp_not_told"], ""),
    ]
    assert items[0].url.endswith(f"/missing-episodes/{episode.pk}/interview/")
    assert_history(items[0], worker, "Outstanding when closure was proposed")
    event = case.chronology.filter(kind=ChronologyKind.CLOSURE).first()
    assert event.summary.endswith("2 items outstanding")
    assert reasons[rhi] in event.detail and items[0].message in event.detail


# --- Deciding: each reason accepted or returned ----------------------------------------------------


def test_approving_needs_a_decision_on_each_reason(case, worker, leader):
    closure = propose_closure(case, worker)
    gp = closure.items.get()
    with pytest.raises(ValidationError) as refused:
        services.case_closure_approve(case=case, actor=leader)
    assert set(refused.value.message_dict) == {closure_item_field(gp.pk)}
    with pytest.raises(ValidationError):
        services.case_closure_approve(case=case, actor=leader, item_decisions={gp.pk: "maybe"})
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSURE_PROPOSED


def test_approving_with_a_reason_returned_sends_the_closure_back(case, worker, leader):
    episode = went_missing(case, worker, back=True)
    closure = propose_closure(case, worker)
    rhi, gp = closure.items.order_by("id")
    returned = services.case_closure_approve(
        case=case,
        actor=leader,
        note="",
        item_decisions={rhi.pk: ClosureItemDecision.RETURNED, gp.pk: ClosureItemDecision.ACCEPTED},
    )
    assert returned.status == CaseStatus.OPEN
    closure.refresh_from_db()
    rhi.refresh_from_db()
    gp.refresh_from_db()
    assert closure.status == ClosureStatus.RETURNED and closure.decided_by == leader
    assert rhi.message in closure.decision_note
    assert (rhi.decision, rhi.decided_by, gp.decision) == ("returned", leader, "accepted")
    assert_history(rhi, leader, "Reason to go ahead returned to the worker")
    assert case.chronology.filter(kind=ChronologyKind.CLOSURE, summary="Closure returned to the worker").exists()
    assert can_work_on_case(worker, case)
    assert f"rhi_outstanding:{episode.pk}" in codes(case)


def test_approval_with_every_reason_accepted_closes_and_keeps_the_reasons(case, worker, leader):
    closure = propose_closure(case, worker)
    approve_closure(case, leader, note="Agreed")
    case.refresh_from_db()
    gp = closure.items.get()
    assert case.status == CaseStatus.CLOSED and gp.decision == ClosureItemDecision.ACCEPTED
    closed = case.chronology.get(kind=ChronologyKind.CLOSURE, summary="Case closed")
    assert gp.message in closed.detail and gp.reason in closed.detail


def test_the_child_gone_missing_since_the_proposal_stops_approval(case, worker, leader):
    propose_closure(case, worker)
    went_missing(case, leader, back=False)
    with pytest.raises(ValidationError) as refused:
        approve_closure(case, leader)
    assert "missing now" in str(refused.value)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSURE_PROPOSED


def test_something_new_outstanding_since_the_proposal_stops_approval(case, worker, leader):
    propose_closure(case, worker)
    action = ActionFactory(case=case, owner_agency=AgencyFactory(name="Education"))
    with pytest.raises(ValidationError) as refused:
        approve_closure(case, leader)
    assert "Outstanding since the closure was proposed" in str(refused.value)
    assert action.description in str(refused.value)
    services.case_closure_return(case=case, actor=leader, note="Answer the new action")
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_an_item_dealt_with_since_the_proposal_does_not_stop_approval(case, worker, leader):
    propose_closure(case, worker)
    closure_letter_sent(case, worker)
    approve_closure(case, leader)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_returning_the_whole_closure_records_the_decisions_given(case, worker, leader):
    closure = propose_closure(case, worker)
    gp = closure.items.get()
    services.case_closure_return(
        case=case, actor=leader, note="Talk to me first", item_decisions={gp.pk: ClosureItemDecision.ACCEPTED}
    )
    gp.refresh_from_db()
    closure.refresh_from_db()
    assert (closure.status, closure.decision_note, gp.decision) == ("returned", "Talk to me first", "accepted")


# --- Access after closure and reopening ------------------------------------------------------------


def close(case, worker, leader):
    propose_closure(case, worker)
    approve_closure(case, leader)
    case.refresh_from_db()


def test_the_worker_reads_the_closed_case_and_can_change_nothing(case, worker, leader):
    close(case, worker, leader)
    assert selectors.case_get_for_user(worker, case.pk) == case
    assert case in selectors.case_list_for_user(worker, "closed")
    assert not can_work_on_case(worker, case)
    with pytest.raises(PermissionDenied):
        services.case_reopen(case=case, reason="r", actor=worker)


def test_on_reopening_the_worker_then_allocated_works_on_the_case(case, worker, leader, personas):
    other = personas["other_worker"]
    close(case, worker, leader)
    services.case_reopen(case=case, reason="Missing again", actor=leader)
    case.refresh_from_db()
    assert set(get_perms(worker, case)) == {"view_case"}  # reopening alone gives no one write access
    services.case_allocate(case=case, worker=other, actor=leader, reason="Back to CATE")
    assert set(get_perms(other, case)) == {"view_case", "change_case"} and can_work_on_case(other, case)
    assert get_perms(worker, case) == []  # the case is someone else's now
    ended = case.chronology.get(summary=f"{worker}'s access to the case removed")
    assert ended.detail == f"The case is allocated to {other}"


def test_reallocated_to_the_worker_who_held_it_they_work_on_it_again(case, worker, leader):
    close(case, worker, leader)
    services.case_reopen(case=case, reason="Missing again", actor=leader)
    case.refresh_from_db()
    services.case_allocate(case=case, worker=worker, actor=leader)
    assert set(get_perms(worker, case)) == {"view_case", "change_case"} and can_work_on_case(worker, case)


def test_read_only_access_to_a_closed_case_adds_no_risk_panel_work(case, worker, leader):
    from riskpanel import permissions as panel_permissions

    assert panel_permissions.can_add_action(worker, case)
    close(case, worker, leader)
    assert panel_permissions.can_see_case(worker, case)
    assert not panel_permissions.can_add_action(worker, case)
    assert not panel_permissions.can_write_safety_plan(worker, case)


# --- A pending NRM after closure -------------------------------------------------------------------


def test_a_pending_nrm_stays_listed_and_its_decision_is_recorded_after_closure(case, worker, leader):
    referral = nrm_made(case, worker)
    close(case, worker, leader)
    assert list(selectors.nrm_awaiting_decision_for_user(leader)) == [referral]
    assert list(selectors.nrm_awaiting_decision_for_user(worker)) == [referral]  # they still read the case
    day = timezone.localdate()
    kwargs = {
        "referral": referral,
        "referred_on": referral.referred_on,
        "reasonable_grounds": NrmDecision.POSITIVE,
        "reasonable_grounds_on": day,
        "conclusive_grounds": "",
        "conclusive_grounds_on": None,
    }
    with pytest.raises(PermissionDenied):
        services.nrm_referral_update(**kwargs, actor=worker)  # read-only
    services.nrm_referral_update(**kwargs, actor=leader)
    referral.refresh_from_db()
    assert referral.reasonable_grounds == NrmDecision.POSITIVE
    assert_history(referral, leader, "NRM reasonable grounds decision: positive")
    assert case.chronology.filter(kind=ChronologyKind.NRM, summary="NRM reasonable grounds decision: positive")
    assert list(selectors.nrm_awaiting_decision_for_user(leader)) == [referral]  # now the conclusive one
    services.nrm_referral_update(
        **{**kwargs, "referral": referral, "conclusive_grounds": NrmDecision.POSITIVE, "conclusive_grounds_on": day},
        actor=leader,
    )
    assert not selectors.nrm_awaiting_decision_for_user(leader).exists()


def test_on_a_closed_case_only_decisions_on_a_referral_made_are_recorded(case, worker, leader):
    referral = nrm_made(case, worker)
    close(case, worker, leader)
    with pytest.raises(ValidationError, match="only the decisions"):
        services.nrm_referral_update(
            referral=referral,
            referred_on=referral.referred_on - dt.timedelta(days=1),
            reasonable_grounds="",
            reasonable_grounds_on=None,
            conclusive_grounds="",
            conclusive_grounds_on=None,
            actor=leader,
        )


def test_a_referral_never_made_is_not_made_after_closure(case, worker, leader):
    close(case, worker, leader)
    referral = case.nrm_referrals.get()
    assert not selectors.nrm_awaiting_decision_for_user(leader).exists()
    with pytest.raises(ValidationError, match="only the decisions"):
        services.nrm_referral_update(
            referral=referral,
            referred_on=timezone.localdate(),
            reasonable_grounds="",
            reasonable_grounds_on=None,
            conclusive_grounds="",
            conclusive_grounds_on=None,
            actor=leader,
        )


def test_the_list_of_pending_nrm_referrals_follows_what_the_user_may_see(case, worker, leader, personas):
    referral = nrm_made(case, worker)
    assert list(selectors.nrm_awaiting_decision_for_user(leader)) == [referral]
    assert not selectors.nrm_awaiting_decision_for_user(personas["other_worker"]).exists()
    assert not selectors.nrm_awaiting_decision_for_user(personas["screener"]).exists()


# --- The closure letter to the GP ------------------------------------------------------------------


def test_the_closure_letter_is_written_on_a_live_case_and_sent_after_closure_too(case, worker, leader):
    letter = services.gp_letter_closure_write(case=case, actor=worker)
    close(case, worker, leader)
    with pytest.raises(ValidationError):
        services.gp_letter_closure_write(case=case, actor=leader)
    allocation_letter = case.gp_letters.get(trigger=GpLetterTrigger.ALLOCATION)
    with pytest.raises(ValidationError):
        services.gp_letter_mark_sent(letter=allocation_letter, sent_on=timezone.localdate(), actor=leader)
    services.gp_letter_mark_sent(letter=letter, sent_on=timezone.localdate(), actor=leader)
    letter.refresh_from_db()
    assert letter.sent_on == timezone.localdate() and letter.sent_by == leader


def test_a_closure_letter_of_an_earlier_opening_does_not_tell_the_gp_of_this_one(case, worker, leader):
    closure_letter_sent(case, worker)
    close(case, worker, leader)
    services.case_reopen(case=case, reason="Missing again", actor=leader)
    case.refresh_from_db()
    assert "gp_not_told" in codes(case)


def test_someone_outside_the_case_cannot_write_the_closure_letter(case, personas):
    with pytest.raises(PermissionDenied):
        services.gp_letter_closure_write(case=case, actor=personas["other_worker"])


def test_the_list_gathers_what_the_risk_panel_contributes(case, leader):
    """(The risk panel's own items: tests/riskpanel/test_outstanding.py.)"""
    services.case_set_risk_level(
        case=case, level=RiskLevel.HIGH, source=RiskSource.ASSESSMENT, actor=leader, reason="Assessed"
    )
    case.refresh_from_db()
    assert "no_panel" in codes(case)

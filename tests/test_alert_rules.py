"""Every timescale alert rule, with an item on each side of its boundaries, over a bank holiday
where the rule counts working time (Easter 2024: Good Friday 29 March, Easter Monday 1 April; the
clocks went forward on Sunday 31 March)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cate.choices import CaseStatus, RhiStatus
from cate.models import GpLetter, NrmReferral, ReturnHomeInterview, TransitionMeeting
from contacts.choices import ContactStatus
from core.alerts import REGISTRY, Stage
from core.roles import Role
from core.selectors import service_settings
from riskpanel.choices import ActionStatus, SafetyPlanStatus
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    AgendaItemFactory,
    AllocationFactory,
    CaseFactory,
    ChildFactory,
    ContactFactory,
    EarlyHelpFollowUpFactory,
    MaceRecipientFactory,
    MaceRequestFactory,
    MissingEpisodeFactory,
    PanelDecisionFactory,
    ReferralFactory,
    SafetyPlanFactory,
    StrategyMeetingFactory,
    ThresholdReviewFactory,
)

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC


def london(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


def found(rule: str, now: dt.datetime) -> dict[str, Stage]:
    """record key -> stage of what the rule finds at `now`."""
    return {c.record_key: c.stage for c in REGISTRY[rule].find(now, service_settings())}


def stages(rule: str, now: dt.datetime) -> list[Stage]:
    return list(found(rule, now).values())


def due(key: str, start: dt.datetime) -> dt.datetime:
    return service_settings().due(key, start)


THURSDAY_BEFORE_EASTER = london(2024, 3, 28, 14, 0)


def test_contact_decision_over_easter(make_user):
    screener = make_user(Role.SCREENER)
    decision_due = due("contact_decision", THURSDAY_BEFORE_EASTER)
    assert decision_due == london(2024, 4, 2, 14, 0)  # one working day: Tuesday after Easter
    contact = ContactFactory(received_at=THURSDAY_BEFORE_EASTER, decision_due_at=decision_due)
    assert stages("contact_decision", london(2024, 4, 1, 12, 0)) == []  # Easter Monday: not yet
    assert stages("contact_decision", london(2024, 4, 2, 9, 59)) == []  # 4 hours before: not yet
    assert stages("contact_decision", london(2024, 4, 2, 10, 0)) == [Stage.DUE_SOON]
    assert stages("contact_decision", decision_due) == [Stage.DUE_SOON]
    assert stages("contact_decision", decision_due + dt.timedelta(seconds=1)) == [Stage.OVERDUE]
    [candidate] = REGISTRY["contact_decision"].find(decision_due, service_settings())
    assert candidate.owner_ids == (screener.pk,)  # unassigned: the screening team
    assert contact.reference in candidate.title and contact.child.first_name not in candidate.title
    contact.assigned_to = screener
    contact.status = ContactStatus.DECIDED
    contact.outcome = "information_advice"
    contact.save()
    assert stages("contact_decision", decision_due + dt.timedelta(days=1)) == []


def test_mace_answer_over_easter(make_user, police_agency, health_agency):
    police = make_user(Role.PARTNER, agency=police_agency)
    make_user(Role.PARTNER, agency=health_agency)
    answer_due = due("mace_response", london(2024, 3, 28, 15, 0))
    assert answer_due == london(2024, 4, 2, 11, 0)  # 4 working hours: 2 on Thursday, 2 on Tuesday
    request = MaceRequestFactory(requested_at=london(2024, 3, 28, 15, 0), due_at=answer_due)
    recipient = MaceRecipientFactory(request=request, agency=police_agency)
    assert stages("mace_response", london(2024, 4, 2, 9, 59)) == []
    assert stages("mace_response", london(2024, 4, 2, 10, 0)) == [Stage.DUE_SOON]
    [candidate] = REGISTRY["mace_response"].find(answer_due + dt.timedelta(minutes=1), service_settings())
    assert candidate.stage == Stage.OVERDUE and candidate.owner_ids == (police.pk,)  # not health
    recipient.responded_at = answer_due
    recipient.save()
    assert stages("mace_response", answer_due + dt.timedelta(hours=1)) == []


def test_early_help_follow_up(make_user):
    screener = make_user(Role.SCREENER)
    follow_due = due("early_help_follow_up", THURSDAY_BEFORE_EASTER)
    assert follow_due == london(2024, 4, 15, 14, 0)  # 10 working days, Easter skipped
    follow_up = EarlyHelpFollowUpFactory(contact=ContactFactory(decided_by=screener), due_at=follow_due)
    assert stages("early_help_follow_up", follow_due - dt.timedelta(days=2, seconds=1)) == []
    assert stages("early_help_follow_up", follow_due - dt.timedelta(days=2)) == [Stage.DUE_SOON]
    [candidate] = REGISTRY["early_help_follow_up"].find(follow_due + dt.timedelta(seconds=1), service_settings())
    assert candidate.stage == Stage.OVERDUE and candidate.owner_ids == (screener.pk,)
    follow_up.completed_at = follow_due
    follow_up.save()
    assert stages("early_help_follow_up", follow_due + dt.timedelta(days=1)) == []


def test_return_home_interview_over_easter_and_the_clock_change(make_user):
    worker = make_user(Role.CATE_WORKER)
    case = CaseFactory(allocated_worker=worker)
    returned = london(2024, 3, 28, 20, 0)
    interview_due = due("return_home_interview", returned)
    assert interview_due == dt.datetime(2024, 3, 31, 20, 0, tzinfo=UTC)  # 72 clock hours; bank holidays count
    episode = MissingEpisodeFactory(
        case=case,
        missing_from=returned - dt.timedelta(hours=10),
        returned_at=returned,
        rhi_due_at=interview_due,
        recorded_by=worker,
    )
    assert stages("rhi", interview_due - dt.timedelta(hours=24, seconds=1)) == []
    assert stages("rhi", interview_due - dt.timedelta(hours=24)) == [Stage.DUE_SOON]
    [candidate] = REGISTRY["rhi"].find(interview_due + dt.timedelta(seconds=1), service_settings())
    assert candidate.stage == Stage.OVERDUE and candidate.owner_ids == (worker.pk,)
    ReturnHomeInterview.objects.create(episode=episode, status=RhiStatus.OFFERED, offered_at=interview_due)
    assert stages("rhi", interview_due + dt.timedelta(hours=1)) == [Stage.OVERDUE]  # offered is not held
    episode.interview.status, episode.interview.completed_at = RhiStatus.COMPLETED, interview_due
    episode.interview.save()
    assert stages("rhi", interview_due + dt.timedelta(hours=1)) == []
    ineligible = MissingEpisodeFactory(
        case=case,
        missing_from=returned + dt.timedelta(days=1),
        returned_at=returned + dt.timedelta(days=1, hours=2),
        rhi_eligible=False,
        rhi_due_at=None,
        recorded_by=worker,
    )
    assert f"cate.missingepisode:{ineligible.pk}" not in found("rhi", interview_due + dt.timedelta(days=5))


def test_return_home_interview_of_a_closed_case_alerts_no_more(make_user):
    worker = make_user(Role.CATE_WORKER)
    case = CaseFactory(allocated_worker=worker, status=CaseStatus.CLOSED, closed_at=london(2024, 3, 1, 9, 0))
    MissingEpisodeFactory(
        case=case,
        missing_from=london(2024, 2, 1, 9, 0),
        returned_at=london(2024, 2, 1, 20, 0),
        rhi_due_at=london(2024, 2, 4, 20, 0),
        recorded_by=worker,
    )
    assert stages("rhi", london(2024, 3, 2, 9, 0)) == []


def test_detailed_assessment_over_easter(make_user):
    referred = london(2024, 3, 1, 9, 0)
    assessment_due = due("detailed_assessment", referred)
    assert assessment_due == london(2024, 5, 8, 9, 0)  # 45 working days over Easter and the May bank holiday
    ReferralFactory(referred_at=referred, assessment_due_at=assessment_due)
    assert stages("detailed_assessment", assessment_due - dt.timedelta(days=7, seconds=1)) == []
    assert stages("detailed_assessment", assessment_due - dt.timedelta(days=7)) == [Stage.DUE_SOON]
    assert stages("detailed_assessment", assessment_due + dt.timedelta(seconds=1)) == [Stage.OVERDUE]


def test_allocation_over_easter(make_user):
    opened = THURSDAY_BEFORE_EASTER
    allocation_due = due("allocation", opened)
    case = CaseFactory(opened_at=opened, allocation_due_at=allocation_due)
    assert stages("allocation", london(2024, 4, 1, 16, 0)) == []
    assert stages("allocation", allocation_due - dt.timedelta(hours=4)) == [Stage.DUE_SOON]
    [candidate] = REGISTRY["allocation"].find(allocation_due + dt.timedelta(seconds=1), service_settings())
    assert candidate.stage == Stage.OVERDUE and candidate.owner_ids == ()  # nobody holds it: team leaders
    case.allocated_worker = make_user(Role.CATE_WORKER)
    case.save()
    assert stages("allocation", allocation_due + dt.timedelta(days=1)) == []


@pytest.mark.parametrize(
    ("model", "rule", "key"), [(NrmReferral, "nrm_referral", "nrm_referral"), (GpLetter, "gp_letter", "gp_letter")]
)
def test_nrm_referral_and_gp_letter_over_easter(make_user, model, rule, key):
    worker = make_user(Role.CATE_WORKER)
    case = CaseFactory(allocated_worker=worker)
    record_due = due(key, london(2024, 3, 27, 10, 0))
    assert record_due == london(2024, 4, 5, 10, 0)  # 5 working days: Wed 27 March to Fri 5 April
    if model is NrmReferral:
        record = NrmReferral.objects.create(case=case, due_at=record_due)
    else:
        record = GpLetter.objects.create(
            case=case,
            trigger="allocation",
            body="x",
            due_at=record_due,
            generated_at=london(2024, 3, 27, 10, 0),
            generated_by=worker,
        )
    assert stages(rule, record_due - dt.timedelta(days=2, seconds=1)) == []
    assert stages(rule, record_due - dt.timedelta(days=2)) == [Stage.DUE_SOON]
    assert stages(rule, record_due + dt.timedelta(seconds=1)) == [Stage.OVERDUE]
    if model is NrmReferral:
        record.referred_on = dt.date(2024, 4, 4)
    else:
        record.sent_on = dt.date(2024, 4, 4)
    record.save()
    assert stages(rule, record_due + dt.timedelta(days=1)) == []


def test_visits(make_user):
    worker = make_user(Role.CATE_WORKER)
    visit_due = london(2024, 6, 10, 15, 0)
    case = CaseFactory(allocated_worker=worker, next_visit_due_at=visit_due)
    assert stages("visits", visit_due - dt.timedelta(hours=24, seconds=1)) == []
    assert stages("visits", visit_due - dt.timedelta(hours=24)) == [Stage.DUE_SOON]
    assert stages("visits", visit_due + dt.timedelta(seconds=1)) == [Stage.OVERDUE]
    case.allocated_worker = None
    case.save()
    assert stages("visits", visit_due + dt.timedelta(days=1)) == []  # unallocated: the allocation clock runs


def test_post17_transition_coming_up_and_overdue(make_user):
    worker = make_user(Role.CATE_WORKER)
    child = ChildFactory(date_of_birth=dt.date(2007, 4, 20))  # 17 on 20 April 2024
    case = CaseFactory(child=child, allocated_worker=worker, transition_due_on=dt.date(2024, 7, 20))
    assert stages("transition", london(2024, 3, 22, 23, 59)) == []  # 4 weeks before the birthday is 23 March
    assert stages("transition", london(2024, 3, 23, 0, 0)) == [Stage.DUE_SOON]
    assert stages("transition", london(2024, 7, 20, 23, 0)) == [Stage.DUE_SOON]  # due by the end of the day
    assert stages("transition", london(2024, 7, 21, 0, 0)) == [Stage.OVERDUE]
    TransitionMeeting.objects.create(
        case=case, held_on=dt.date(2024, 7, 21), decisions="x", onward_support_plan="x", recorded_by=worker
    )
    assert stages("transition", london(2024, 7, 22, 9, 0)) == []


def test_first_panel(make_user):
    worker = make_user(Role.CATE_WORKER)
    case = CaseFactory(allocated_worker=worker)
    allocated = london(2024, 3, 1, 10, 0)
    AllocationFactory(case=case, worker=worker, started_at=allocated)
    panel_due = due("first_panel", allocated)
    assert panel_due == london(2024, 4, 12, 10, 0)  # 42 calendar days, same wall-clock time after the clock change
    assert stages("first_panel", panel_due - dt.timedelta(days=7, seconds=1)) == []
    assert stages("first_panel", panel_due - dt.timedelta(days=7)) == [Stage.DUE_SOON]
    [candidate] = REGISTRY["first_panel"].find(panel_due + dt.timedelta(seconds=1), service_settings())
    assert candidate.stage == Stage.OVERDUE and candidate.owner_ids == (worker.pk,)
    PanelDecisionFactory(item=AgendaItemFactory(case=case), decided_at=panel_due, next_review_on=None)
    assert stages("first_panel", panel_due + dt.timedelta(days=1)) == []


def test_panel_review(make_user):
    worker = make_user(Role.CATE_WORKER)
    case = CaseFactory(allocated_worker=worker)
    PanelDecisionFactory(
        item=AgendaItemFactory(case=case),
        risk_level="high",
        decided_at=london(2024, 3, 5, 11, 0),
        next_review_on=dt.date(2024, 5, 28),
    )
    assert stages("panel_review", london(2024, 5, 14, 23, 58)) == []  # 14 days before the end of 28 May
    assert stages("panel_review", london(2024, 5, 28, 12, 0)) == [Stage.DUE_SOON]
    assert stages("panel_review", london(2024, 5, 29, 0, 1)) == [Stage.OVERDUE]


def test_strategy_meeting_over_easter(make_user):
    worker = make_user(Role.CATE_WORKER)
    case = CaseFactory(allocated_worker=worker)
    meeting_due = due("strategy_meeting", london(2024, 3, 27, 16, 0))
    assert meeting_due == london(2024, 4, 5, 16, 0)
    meeting = StrategyMeetingFactory(case=case, due_at=meeting_due)
    assert stages("strategy_meeting", meeting_due - dt.timedelta(days=2, seconds=1)) == []
    assert stages("strategy_meeting", meeting_due - dt.timedelta(days=2)) == [Stage.DUE_SOON]
    assert stages("strategy_meeting", meeting_due + dt.timedelta(seconds=1)) == [Stage.OVERDUE]
    meeting.held_at = meeting_due
    meeting.save()
    assert stages("strategy_meeting", meeting_due + dt.timedelta(days=1)) == []


def test_safety_plan_review(make_user):
    worker = make_user(Role.CATE_WORKER)
    case = CaseFactory(allocated_worker=worker)
    plan = SafetyPlanFactory(
        case=case,
        status=SafetyPlanStatus.AGREED,
        agreed_at=london(2024, 3, 1, 10, 0),
        agreed_by=worker,
        review_due_on=dt.date(2024, 5, 24),
    )
    assert stages("safety_plan_review", london(2024, 5, 10, 23, 58)) == []
    assert stages("safety_plan_review", london(2024, 5, 11, 12, 0)) == [Stage.DUE_SOON]
    assert stages("safety_plan_review", london(2024, 5, 25, 0, 1)) == [Stage.OVERDUE]
    plan.status = SafetyPlanStatus.SUPERSEDED
    plan.save()
    assert stages("safety_plan_review", london(2024, 5, 26, 0, 1)) == []


def test_actions_overdue_go_to_their_owner_and_the_caseworker(make_user):
    worker, owner = make_user(Role.CATE_WORKER), make_user(Role.PARTNER)
    case = CaseFactory(allocated_worker=worker)
    action = ActionFactory(
        case=case, owner=owner, owner_name="", owner_agency=AgencyFactory(name="Education"), due_on=dt.date(2024, 4, 1)
    )  # due by Easter Monday
    assert stages("actions", london(2024, 4, 1, 23, 0)) == []
    [candidate] = REGISTRY["actions"].find(london(2024, 4, 2, 0, 1), service_settings())
    assert candidate.stage == Stage.OVERDUE and set(candidate.owner_ids) == {worker.pk, owner.pk}
    action.status, action.completed_at = ActionStatus.DONE, london(2024, 4, 2, 9, 0)
    action.save()
    assert stages("actions", london(2024, 4, 3, 0, 1)) == []


def test_threshold_review_is_told_at_once_and_never_escalates(make_user):
    manager = make_user(Role.FC_MANAGER)
    raised = london(2024, 3, 29, 9, 0)  # Good Friday: told at once, whatever the day
    review = ThresholdReviewFactory(raised_at=raised)
    [candidate] = REGISTRY["threshold_review"].find(raised, service_settings())
    assert (candidate.stage, candidate.owner_ids, candidate.escalate) == (Stage.DUE_SOON, (manager.pk,), False)
    assert review.contact.reference in candidate.title and review.contact.child.first_name not in candidate.title
    assert stages("threshold_review", raised + dt.timedelta(days=30)) == [Stage.DUE_SOON]  # until reviewed
    review.outcome, review.reviewed_at = "agreed", raised
    review.save()
    assert stages("threshold_review", raised + dt.timedelta(days=30)) == []


def test_every_rule_is_covered_here():
    covered = {
        "contact_decision",
        "mace_response",
        "early_help_follow_up",
        "rhi",
        "detailed_assessment",
        "allocation",
        "nrm_referral",
        "gp_letter",
        "visits",
        "transition",
        "first_panel",
        "panel_review",
        "strategy_meeting",
        "safety_plan_review",
        "actions",
    }
    # The network's rules have their own file (tests/network/test_alert_rules.py).
    covered |= {"network_release", "network_awn", "network_link", "network_sti_screening"}
    # Issue 24's front-door triggers (tests/contacts/test_front_door_loops.py has their journeys).
    covered |= {"threshold_review", "missing_from_home", "missing_cse_link", "same_name_records"}
    # Issue 24's support loops (tests/cate/test_support_loops.py has their journeys).
    covered |= {"support_reoffer", "sexual_health_check"}
    assert covered == set(REGISTRY)

"""Contexts as subjects (issue 19): referring a place or group at the front door, assessing it
(drafts, completion, withdrawal, the children affected), planning for it with riskpanel's actions and
reviewing until closed. Each write has history with the acting user; refusals say every fault."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core import clock
from core.exceptions import TransitionNotAllowed
from network import services
from network.choices import (
    ContextAssessmentKind,
    ContextAssessmentStatus,
    ContextJudgement,
    ContextPlanOutcome,
    ContextPlanStatus,
    ContextReviewDecision,
    PlaceKind,
)
from network.context_rules import domains_of
from riskpanel.choices import ActionStatus
from tests.factories import ChildFactory, ContactFactory, PeerGroupFactory, PlaceFactory

pytestmark = pytest.mark.django_db


def _complete_args(kind, agency):
    return {
        "domains": {d.code: f"Found: {d.label}" for d in domains_of(kind)},
        "partners_consulted": [agency],
        "young_people_views": "They feel unsafe after dark",
        "community_views": "Shopkeepers see older men waiting",
        "strengths": "A youth club nearby",
        "harms": "Young people are given drugs to carry",
        "judgement": ContextJudgement.SIGNIFICANT,
        "judgement_reason": "Repeated reports from three agencies",
    }


def test_a_contact_is_referred_about_a_park_with_history(personas):
    screener, park = personas["screener"], PlaceFactory(name="Northgate Park", kind=PlaceKind.PARK)
    contact = ContactFactory(child=None, reported_child_name="", about_context=True)
    referral = services.context_referral_add(contact=contact, context=park, actor=screener)
    assert referral.node.place == park
    assert referral.history.get().history_user == screener
    again = services.context_referral_add(contact=contact, context=park, actor=screener)
    assert again.pk == referral.pk
    with pytest.raises(ValidationError):
        services.context_referral_remove(referral=referral, actor=screener, reason="  ")
    services.context_referral_remove(referral=referral, actor=screener, reason="Wrong park")
    referral.refresh_from_db()
    assert referral.removed_by == screener and referral.removed_reason == "Wrong park"


def test_only_the_front_door_refers_contexts(personas):
    contact, park = ContactFactory(), PlaceFactory()
    for name in ("police", "group_manager", "cate_worker", "auditor"):
        with pytest.raises(PermissionDenied):
            services.context_referral_add(contact=contact, context=park, actor=personas[name])
    assert services.context_referral_add(contact=contact, context=park, actor=personas["advisor"])


def test_a_person_is_not_a_context(personas):
    from tests.factories import PersonFactory

    with pytest.raises(ValidationError):
        services.context_referral_add(contact=ContactFactory(), context=PersonFactory(), actor=personas["screener"])


def test_screening_opens_an_assessment_of_the_kind_the_context_takes_due_in_35_working_days(personas):
    screener = personas["screener"]
    school = PlaceFactory(name="Example Academy", kind=PlaceKind.SCHOOL)
    contact = ContactFactory()
    with pytest.raises(ValidationError, match="Link the contact"):
        services.context_assessment_open(context=school, contact=contact, actor=screener)
    services.context_referral_add(contact=contact, context=school, actor=screener)
    now = dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC)
    assessment = services.context_assessment_open(context=school, contact=contact, actor=screener, now=now)
    assert assessment.kind == ContextAssessmentKind.SCHOOL and assessment.is_draft
    assert assessment.due_on == clock.local_date(clock.add_working_days(now, 35))
    with pytest.raises(ValidationError, match="already in progress"):
        services.context_assessment_open(context=school, actor=screener)
    group = services.context_assessment_open(context=PeerGroupFactory(), actor=screener)
    assert group.kind == ContextAssessmentKind.PEER_GROUP


def test_a_draft_saves_anything_and_completing_lists_every_missing_part(personas, police_agency):
    leader = personas["team_leader"]
    assessment = services.context_assessment_open(context=PlaceFactory(), actor=leader)
    services.context_assessment_save(
        assessment=assessment, actor=leader, domains={"harm": "Dealing at night"}, expected_version=1
    )
    assessment.refresh_from_db()
    assert assessment.domains == {"harm": "Dealing at night"} and assessment.version == 2
    with pytest.raises(ValidationError) as refused:
        services.context_assessment_save(
            assessment=assessment, actor=leader, domains={}, finalise=True, expected_version=2
        )
    fields = set(refused.value.message_dict)
    assert {"domain_harm", "domain_links", "judgement", "partners_consulted", "harms", "strengths"} <= fields
    services.context_assessment_save(
        assessment=assessment,
        actor=leader,
        finalise=True,
        expected_version=2,
        **_complete_args(ContextAssessmentKind.LOCATION, police_agency),
    )
    assessment.refresh_from_db()
    assert assessment.status == ContextAssessmentStatus.COMPLETE and assessment.completed_by == leader
    assert list(assessment.partners_consulted.all()) == [police_agency]
    assert assessment.history.first().history_change_reason == "Assessment completed"
    with pytest.raises(ValidationError):
        services.context_assessment_save(assessment=assessment, actor=leader, domains={})


def test_a_stale_draft_is_refused(personas):
    from core.exceptions import StaleRecord

    leader = personas["team_leader"]
    assessment = services.context_assessment_open(context=PlaceFactory(), actor=leader)
    services.context_assessment_save(assessment=assessment, actor=leader, domains={}, expected_version=1)
    with pytest.raises(StaleRecord):
        services.context_assessment_save(assessment=assessment, actor=leader, domains={}, expected_version=1)


def test_withdrawing_needs_a_reason_and_only_a_draft_is_withdrawn(personas):
    leader = personas["team_leader"]
    assessment = services.context_assessment_open(context=PlaceFactory(), actor=leader)
    with pytest.raises(ValidationError):
        services.context_assessment_withdraw(assessment=assessment, actor=leader, reason="")
    services.context_assessment_withdraw(assessment=assessment, actor=leader, reason="Opened twice")
    with pytest.raises(TransitionNotAllowed):
        services.context_assessment_withdraw(assessment=assessment, actor=leader, reason="Again")


def test_a_child_named_must_be_one_the_assessor_may_know_of(personas):
    worker = personas["other_worker"]
    assessment = services.context_assessment_open(context=PeerGroupFactory(), actor=worker)
    child = ChildFactory()
    row = services.context_assessment_child_add(assessment=assessment, child=child, actor=worker)
    assert services.context_assessment_child_add(assessment=assessment, child=child, actor=worker).pk == row.pk
    hidden = ChildFactory(is_restricted=True)
    with pytest.raises(PermissionDenied):
        services.context_assessment_child_add(assessment=assessment, child=hidden, actor=worker)
    services.context_assessment_child_remove(row=row, actor=worker, reason="Not a member")
    row.refresh_from_db()
    assert row.removed_reason == "Not a member"


def test_assessing_and_planning_are_for_their_roles(personas):
    park = PlaceFactory()
    for name in ("advisor", "police", "group_manager", "health", "auditor"):
        with pytest.raises(PermissionDenied):
            services.context_assessment_open(context=park, actor=personas[name])
    for name in ("screener", "cate_worker", "police", "group_manager"):
        with pytest.raises(PermissionDenied):
            services.context_plan_open(context=park, actor=personas[name], intended_change="Safer")


def test_a_plan_with_actions_is_reviewed_every_12_weeks_until_closed(personas, police_agency):
    leader = personas["team_leader"]
    park = PlaceFactory(name="Northgate Park")
    now = dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC)
    with pytest.raises(ValidationError) as refused:
        services.context_plan_open(context=park, actor=leader, intended_change=" ", now=now)
    assert "intended_change" in refused.value.message_dict
    plan = services.context_plan_open(context=park, actor=leader, intended_change="No dealing in the park", now=now)
    assert plan.next_review_on == dt.date(2027, 2, 23)  # 12 weeks
    with pytest.raises(ValidationError, match="already has an open plan"):
        services.context_plan_open(context=park, actor=leader, intended_change="Another")
    link = services.context_plan_action_add(
        plan=plan,
        actor=leader,
        description="Patrols at 9pm on Fridays",
        owner_agency=police_agency,
        owner_name="Sergeant on duty",
        due_on=timezone.localdate() + dt.timedelta(days=14),
    )
    assert link.action.case_id is None and link.action.status == ActionStatus.OPEN
    review = services.context_plan_review_record(
        plan=plan,
        actor=leader,
        reviewed_on=dt.date(2027, 2, 20),
        progress="Fewer reports",
        decision=ContextReviewDecision.CONTINUE,
        expected_version=plan.version,
        now=dt.datetime(2027, 2, 21, 10, tzinfo=dt.UTC),
    )
    plan.refresh_from_db()
    assert review.next_review_on == plan.next_review_on == dt.date(2027, 5, 15)
    with pytest.raises(ValidationError) as refused:
        services.context_plan_close(plan=plan, actor=leader, outcome="", outcome_detail="")
    assert {"outcome", "outcome_detail"} <= set(refused.value.message_dict)
    services.context_plan_close(
        plan=plan, actor=leader, outcome=ContextPlanOutcome.HARM_REDUCED, outcome_detail="Quiet for two months"
    )
    plan.refresh_from_db()
    assert plan.status == ContextPlanStatus.CLOSED and plan.closed_by == leader
    assert plan.history.first().history_user == leader
    with pytest.raises(ValidationError):
        services.context_plan_review_record(
            plan=plan, actor=leader, reviewed_on=dt.date(2027, 2, 20), progress="x", decision="continue"
        )


def test_only_the_chair_adds_multi_agency_actions(personas, police_agency):
    manager = personas["fc_manager"]  # plans for contexts, but does not chair the panel
    plan = services.context_plan_open(context=PlaceFactory(), actor=manager, intended_change="Safer")
    with pytest.raises(PermissionDenied):
        services.context_plan_action_add(
            plan=plan,
            actor=manager,
            description="Patrols",
            owner_agency=police_agency,
            owner_name="Sergeant",
            due_on=timezone.localdate(),
        )


def test_a_review_refuses_bad_dates_together(personas):
    leader = personas["team_leader"]
    plan = services.context_plan_open(context=PlaceFactory(), actor=leader, intended_change="Safer")
    with pytest.raises(ValidationError) as refused:
        services.context_plan_review_record(
            plan=plan,
            actor=leader,
            reviewed_on=timezone.localdate() + dt.timedelta(days=3),
            progress="",
            decision="nonsense",
        )
    assert {"reviewed_on", "progress", "decision"} <= set(refused.value.message_dict)

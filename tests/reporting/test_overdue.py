"""Each kind of overdue item read from its stored due field: overdue, not yet due, and met."""

import datetime as dt

import pytest
from django.utils import timezone

from cate.choices import GpLetterTrigger, ReferralStatus, RhiStatus
from cate.models import GpLetter, TransitionMeeting
from contacts.choices import ContactStatus
from contacts.models import EarlyHelpFollowUp
from core.models import Agency
from core.selectors import service_settings
from reporting.overdue import KIND_BY_CODE, overdue_counts
from riskpanel.choices import ActionStatus, SafetyPlanStatus
from riskpanel.models import Action, SafetyPlan, StrategyMeeting
from tests.factories import (
    CaseFactory,
    ContactFactory,
    MissingEpisodeFactory,
    NrmReferralFactory,
    ReferralFactory,
    ReturnHomeInterviewFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
NOW = timezone.now()
TODAY = timezone.localdate(NOW)
PAST, FUTURE = NOW - dt.timedelta(minutes=1), NOW + dt.timedelta(hours=1)


def counts() -> dict[str, int]:
    return {row.code: row.count for row in overdue_counts(now=NOW, settings=service_settings())}


def _plan(case, **kwargs):
    fields = dict.fromkeys(
        ("risks", "keeping_safe", "who_does_what", "key_worker", "out_of_hours_contacts", "young_person_involvement",
         "young_person_said", "family_involvement", "family_said"), "x",
    )  # fmt: skip
    if kwargs.get("status") in (SafetyPlanStatus.AGREED, SafetyPlanStatus.SUPERSEDED):
        kwargs.setdefault("agreed_at", NOW - dt.timedelta(days=90))
    return SafetyPlan.objects.create(
        case=case, author=UserFactory(), on_child_protection_plan=False, **fields, **kwargs
    )


def _letter(**kwargs):
    return GpLetter.objects.create(
        trigger=GpLetterTrigger.ALLOCATION, body="x", generated_at=NOW, generated_by=UserFactory(), **kwargs
    )


BUILDERS = {
    "contact_decision": lambda: (
        ContactFactory(decision_due_at=PAST),
        ContactFactory(decision_due_at=PAST, status=ContactStatus.IN_SCREENING),
        ContactFactory(decision_due_at=FUTURE),
        ContactFactory(decision_due_at=PAST, status=ContactStatus.DECIDED, outcome="early_help"),
        ContactFactory(decision_due_at=PAST, status=ContactStatus.ENTERED_IN_ERROR),
    ),
    "early_help_follow_up": lambda: (
        EarlyHelpFollowUp.objects.create(contact=ContactFactory(decision_due_at=FUTURE), due_at=PAST),
        EarlyHelpFollowUp.objects.create(contact=ContactFactory(decision_due_at=FUTURE), due_at=FUTURE),
        EarlyHelpFollowUp.objects.create(contact=ContactFactory(decision_due_at=FUTURE), due_at=PAST, completed_at=NOW),
    ),
    "detailed_assessment": lambda: (
        ReferralFactory(assessment_due_at=PAST),
        ReferralFactory(assessment_due_at=PAST, status=ReferralStatus.ASSESSMENT_IN_PROGRESS),
        ReferralFactory(assessment_due_at=FUTURE),
        ReferralFactory(assessment_due_at=PAST, status=ReferralStatus.COMPLETED),
    ),
    "allocation": lambda: (
        CaseFactory(allocation_due_at=PAST),
        CaseFactory(allocation_due_at=FUTURE),
        CaseFactory(allocation_due_at=PAST, allocated_worker=UserFactory()),
        CaseFactory(allocation_due_at=PAST, closed_at=NOW),
        CaseFactory(allocation_due_at=PAST, open_to="statutory"),
    ),
    "rhi": lambda: (
        MissingEpisodeFactory(rhi_due_at=PAST),
        ReturnHomeInterviewFactory(episode__rhi_due_at=PAST, status=RhiStatus.OFFERED, completed_at=None),
        MissingEpisodeFactory(rhi_due_at=FUTURE),
        MissingEpisodeFactory(rhi_due_at=PAST, rhi_eligible=False),
        ReturnHomeInterviewFactory(episode__rhi_due_at=PAST),
    ),
    "nrm_referral": lambda: (
        NrmReferralFactory(due_at=PAST, referred_on=None),
        NrmReferralFactory(due_at=FUTURE, referred_on=None),
        NrmReferralFactory(due_at=PAST),
        NrmReferralFactory(due_at=PAST, referred_on=None, case__closed_at=NOW),
    ),
    "gp_letter": lambda: (
        _letter(case=CaseFactory(), due_at=PAST),
        _letter(case=CaseFactory(), due_at=FUTURE),
        _letter(case=CaseFactory(), due_at=PAST, sent_on=TODAY),
    ),
    "post17_transition": lambda: (
        CaseFactory(transition_due_on=TODAY - dt.timedelta(days=1)),
        CaseFactory(transition_due_on=TODAY),
        TransitionMeeting.objects.create(
            case=CaseFactory(transition_due_on=TODAY - dt.timedelta(days=1)),
            held_on=TODAY,
            decisions="x",
            onward_support_plan="x",
            recorded_by=UserFactory(),
        ),
    ),
    "strategy_meeting": lambda: (
        StrategyMeeting.objects.create(case=CaseFactory(), due_at=PAST),
        StrategyMeeting.objects.create(case=CaseFactory(), due_at=FUTURE),
        StrategyMeeting.objects.create(case=CaseFactory(), due_at=PAST, held_at=NOW),
    ),
    "safety_plan_review": lambda: (
        _plan(CaseFactory(), number=1, status=SafetyPlanStatus.AGREED, review_due_on=TODAY - dt.timedelta(days=1)),
        _plan(CaseFactory(), number=1, status=SafetyPlanStatus.AGREED, review_due_on=TODAY),
        _plan(CaseFactory(), number=1, status=SafetyPlanStatus.SUPERSEDED, review_due_on=TODAY - dt.timedelta(1)),
    ),
    "action": lambda: (
        Action.objects.create(
            description="x",
            owner_agency=Agency.objects.first(),
            owner_name="Duty officer",
            due_on=TODAY - dt.timedelta(1),
        ),
        Action.objects.create(
            description="x", owner_agency=Agency.objects.first(), owner_name="Duty officer", due_on=TODAY
        ),
        Action.objects.create(
            description="x",
            owner_agency=Agency.objects.first(),
            owner_name="Duty officer",
            due_on=TODAY - dt.timedelta(1),
            status=ActionStatus.DONE,
            completed_at=NOW,
        ),
    ),
}


@pytest.mark.parametrize("code", BUILDERS)
def test_each_kind_counts_only_what_is_overdue(code, council):
    BUILDERS[code]()
    found = counts()
    expected = 2 if code in ("contact_decision", "detailed_assessment", "rhi") else 1
    assert found[code] == expected
    assert sum(found.values()) == expected, found  # nothing counted under another kind


def test_every_overdue_kind_is_covered():
    assert {k.code for k in KIND_BY_CODE.values() if k.overdue} == set(BUILDERS)

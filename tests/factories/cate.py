"""Factories of CATE casework, and builders that go through the services (so the records they
make are the records the service makes)."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from cate import choices as cate_choices
from cate import services
from cate.choices import (
    AssessmentOutcome,
    AssessmentType,
    Classification,
    RhiStatus,
    RiskLevel,
    StatutoryKind,
    VisitKind,
)
from cate.models import (
    Allocation,
    Case,
    MissingEpisode,
    NrmReferral,
    Referral,
    ReturnHomeInterview,
    RiskAssessment,
    StatutoryEpisode,
    Visit,
)

from .contacts import ChildFactory, ContactFactory
from .core import UserFactory

__all__ = [
    "AllocationFactory",
    "CaseFactory",
    "MissingEpisodeFactory",
    "NrmReferralFactory",
    "ReferralFactory",
    "ReturnHomeInterviewFactory",
    "RiskAssessmentFactory",
    "StatutoryEpisodeFactory",
    "VisitFactory",
    "allocated_case",
    "approve_closure",
    "closure_reasons",
    "grant_case_access",
    "open_case",
    "propose_closure",
    "referral_from_contact",
    "revoke_case_access",
]


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    child = factory.SubFactory(ChildFactory)
    referred_at = factory.LazyFunction(timezone.now)
    assessment_due_at = factory.LazyAttribute(lambda r: r.referred_at + dt.timedelta(days=63))


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    reference = factory.Sequence(lambda n: f"CATE-T{n:05d}")
    child = factory.SubFactory(ChildFactory)
    opened_at = factory.LazyFunction(timezone.now)
    open_to = cate_choices.OpenTo.CATE
    cse = True


class AllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Allocation

    case = factory.SubFactory(CaseFactory)
    worker = factory.SubFactory(UserFactory)
    started_at = factory.LazyFunction(timezone.now)
    allocated_by = factory.SubFactory(UserFactory)


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    case = factory.SubFactory(CaseFactory)
    visited_at = factory.LazyFunction(timezone.now)
    kind = VisitKind.FACE_TO_FACE
    recorded_by = factory.LazyAttribute(lambda v: v.case.allocated_worker)


class StatutoryEpisodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatutoryEpisode

    child = factory.SubFactory(ChildFactory)
    kind = StatutoryKind.CIN
    start = dt.date(2023, 1, 9)


class MissingEpisodeFactory(factory.django.DjangoModelFactory):
    """A missing episode, returned (by default on 1 June 2023) with its interview due 72 hours later.
    Of a case when given one (the child is then the case's), or of a child alone."""

    class Meta:
        model = MissingEpisode

    case = None
    child = factory.LazyAttribute(lambda e: e.case.child if e.case is not None else ChildFactory())
    missing_from = factory.LazyAttribute(
        lambda e: (e.returned_at or dt.datetime(2023, 6, 1, tzinfo=dt.UTC)) - dt.timedelta(hours=12)
    )
    returned_at = dt.datetime(2023, 6, 1, 20, tzinfo=dt.UTC)
    rhi_due_at = factory.LazyAttribute(lambda e: e.returned_at and e.returned_at + dt.timedelta(hours=72))
    recorded_by = factory.SubFactory(UserFactory)


class ReturnHomeInterviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReturnHomeInterview

    episode = factory.SubFactory(MissingEpisodeFactory)
    status = RhiStatus.COMPLETED
    completed_at = factory.LazyAttribute(lambda i: i.episode.returned_at + dt.timedelta(hours=24))


class NrmReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NrmReferral

    case = factory.SubFactory(CaseFactory)
    referred_on = dt.date(2023, 6, 1)


class RiskAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RiskAssessment

    case = factory.SubFactory(CaseFactory)
    assessed_at = factory.LazyFunction(timezone.now)
    author = factory.SubFactory(UserFactory)
    overall_level = RiskLevel.MEDIUM
    summary = "Going missing overnight at weekends; new older friends met online."
    factors = factory.LazyFunction(
        lambda: {"running_away": {"level": "complex", "evidence": "Missing three times in May."}}
    )
    young_person_views = "Says the friends look out for her."
    family_views = "Mum is worried and wants help with the evenings."


def referral_from_contact(screener, **child_kwargs):
    contact = ContactFactory(child=ChildFactory(**child_kwargs))
    return services.referral_create_from_contact(contact=contact, actor=screener)


def open_case(
    leader,
    *,
    author=None,
    referral=None,
    outcome=AssessmentOutcome.OPENED_CATE,
    classification=Classification.AT_RISK,
    **child_kwargs,
):
    """A referral assessed and opened by a team leader (through the services)."""
    referral = referral or ReferralFactory(child=ChildFactory(**child_kwargs))
    assessment = services.assessment_start(
        referral=referral, assessment_type=AssessmentType.CATE, author=author or leader, actor=leader
    )
    _, case = services.assessment_record_outcome(
        assessment=assessment,
        outcome=outcome,
        cse_is_factor=True,
        completed_at=timezone.now(),
        summary="Assessment summary",
        opening=services.CaseOpening(cse=True, cce=False, other_exploitation=False, classification=classification),
        actor=leader,
    )
    return case


def allocated_case(leader, worker, **kwargs):
    case = open_case(leader, **kwargs)
    services.case_allocate(case=case, worker=worker, actor=leader, reason="New case")
    case.refresh_from_db()
    return case


def grant_case_access(case, worker) -> None:
    """Test set-up: the worker holds the case's object permissions (as allocation gives them),
    without the allocation's chronology."""
    from guardian.shortcuts import assign_perm

    from cate.permissions import CASE_WORKER_OBJECT_PERMISSIONS

    for codename in CASE_WORKER_OBJECT_PERMISSIONS:
        assign_perm(codename, worker, case)


def revoke_case_access(case, worker) -> None:
    from guardian.shortcuts import remove_perm

    from cate.permissions import CASE_WORKER_OBJECT_PERMISSIONS

    for codename in CASE_WORKER_OBJECT_PERMISSIONS:
        remove_perm(codename, worker, case)


def closure_reasons(case) -> dict[str, str]:
    """A reason to close all the same for each thing outstanding on the case now (test set-up)."""
    from cate import selectors
    from core.selectors import service_settings

    items = selectors.closure_outstanding(case, now=timezone.now(), settings=service_settings())
    return {item.code: f"Reason to close all the same ({item.code})" for item in items if item.overridable}


def propose_closure(case, actor, **kwargs):
    """The closure proposed through the service, with a reason for everything outstanding."""
    proposal = {
        "reason": "Risk reduced; engaging with universal services",
        "exit_plan": "Youth club key worker; school aware",
        "step_down_destination": cate_choices.StepDownDestination.UNIVERSAL,
        "outstanding_reasons": closure_reasons(case),
        **kwargs,
    }
    return services.case_closure_propose(case=case, actor=actor, **proposal)


def approve_closure(case, actor, *, note: str = "", **kwargs):
    """The proposed closure approved, every reason given accepted."""
    closure = case.closures.filter(status=cate_choices.ClosureStatus.PROPOSED).first()
    items = closure.items.all() if closure is not None else []
    decisions = {item.pk: cate_choices.ClosureItemDecision.ACCEPTED for item in items}
    return services.case_closure_approve(case=case, actor=actor, note=note, item_decisions=decisions, **kwargs)

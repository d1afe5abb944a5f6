"""Factories and builders for CATE casework tests. Builders go through the services, so the
records they make are the records the service makes."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from cate import services
from cate.choices import AssessmentOutcome, AssessmentType, Classification, VisitKind
from cate.models import MissingEpisode, Visit
from tests.factories import CaseFactory, ChildFactory, ContactFactory, ReferralFactory


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    case = factory.SubFactory(CaseFactory)
    visited_at = factory.LazyFunction(timezone.now)
    kind = VisitKind.FACE_TO_FACE
    recorded_by = factory.LazyAttribute(lambda v: v.case.allocated_worker)


class MissingEpisodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MissingEpisode

    case = factory.SubFactory(CaseFactory)
    child = factory.LazyAttribute(lambda e: e.case.child)
    missing_from = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=2))


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

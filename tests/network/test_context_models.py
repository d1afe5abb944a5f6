"""Contexts as subjects (issue 19): the tables hold what the services rely on, whatever writes them."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from contacts import rules as contact_rules
from contacts.choices import Channel, Source
from core import timescales
from core.roles import Role
from network.choices import ContextAssessmentKind, ContextPlanOutcome, ContextReviewDecision
from network.models import ContextAssessment, ContextPlan, ContextPlanReview, ContextReferral
from network.permissions import ASSESS_CONTEXT, PLAN_CONTEXT, REFER_CONTEXT, ROLE_PERMISSIONS
from tests.factories import ContactFactory, PeerGroupFactory, PlaceFactory, UserFactory
from tests.factories.network import node_of

pytestmark = pytest.mark.django_db


def _refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_a_contact_is_linked_to_a_context_once_while_the_link_stands():
    contact, node, user = ContactFactory(), node_of(PlaceFactory()), UserFactory()
    ContextReferral.objects.create(contact=contact, node=node, added_by=user, added_at=timezone.now())
    _refused(lambda: ContextReferral.objects.create(contact=contact, node=node, added_by=user, added_at=timezone.now()))
    _refused(
        lambda: ContextReferral.objects.create(
            contact=contact,
            node=node_of(PeerGroupFactory()),
            added_by=user,
            added_at=timezone.now(),
            removed_at=timezone.now(),
        )
    )


def test_an_assessment_is_complete_only_with_a_judgement_and_withdrawn_only_with_a_reason():
    node, user = node_of(PlaceFactory()), UserFactory()
    base = {
        "node": node,
        "kind": ContextAssessmentKind.LOCATION,
        "opened_at": timezone.now(),
        "opened_by": user,
        "due_on": dt.date(2027, 1, 29),
    }
    _refused(lambda: ContextAssessment.objects.create(**base, status="complete", completed_at=timezone.now()))
    _refused(lambda: ContextAssessment.objects.create(**base, status="withdrawn"))
    assert ContextAssessment.objects.create(**base).is_draft


def test_a_context_has_one_open_plan_and_a_closed_plan_has_an_outcome():
    node, user = node_of(PeerGroupFactory()), UserFactory()
    base = {
        "node": node,
        "intended_change": "Fewer young people drawn in",
        "opened_at": timezone.now(),
        "opened_by": user,
    }
    ContextPlan.objects.create(**base, next_review_on=dt.date(2027, 3, 1))
    _refused(lambda: ContextPlan.objects.create(**base, next_review_on=dt.date(2027, 3, 1)))
    _refused(lambda: ContextPlan.objects.create(**base, status="closed", closed_at=timezone.now()))
    closed = ContextPlan.objects.create(
        **base, status="closed", closed_at=timezone.now(), outcome=ContextPlanOutcome.HARM_REDUCED
    )
    _refused(
        lambda: ContextPlanReview.objects.create(
            plan=closed,
            reviewed_on=dt.date(2027, 1, 4),
            progress="Better",
            decision=ContextReviewDecision.CONTINUE,
            recorded_by=user,
            recorded_at=timezone.now(),
        )
    )


def test_the_timescales_default_to_35_working_days_and_12_weeks():
    assert timescales.definition("context_assessment").default.amount == 35
    assert timescales.definition("context_assessment").default.unit == timescales.Unit.WORKING_DAYS
    assert timescales.definition("context_plan_review").default.amount == 12
    assert timescales.definition("context_plan_review").default.unit == timescales.Unit.WEEKS


def test_who_refers_assesses_and_plans_for_contexts():
    assert REFER_CONTEXT in ROLE_PERMISSIONS[Role.ADVISOR] and ASSESS_CONTEXT not in ROLE_PERMISSIONS[Role.ADVISOR]
    assert {REFER_CONTEXT, ASSESS_CONTEXT} <= set(ROLE_PERMISSIONS[Role.SCREENER])
    assert PLAN_CONTEXT in ROLE_PERMISSIONS[Role.TEAM_LEADER] and PLAN_CONTEXT in ROLE_PERMISSIONS[Role.FC_MANAGER]
    assert PLAN_CONTEXT not in ROLE_PERMISSIONS[Role.GROUP_MANAGER]


def test_a_contact_about_a_context_needs_no_child():
    data = {
        "received_at": timezone.now(),
        "channel": Channel.PHONE,
        "source": Source.POLICE,
        "referrer_name": "PC Example",
        "concern": "Older males gather at the park",
        "about_context": True,
    }
    assert contact_rules.validate_contact_data(data, has_child=False)["about_context"] is True
    with pytest.raises(Exception, match="place, group"):
        contact_rules.validate_contact_data({**data, "about_context": False}, has_child=False)

"""The generated contexts as subjects (issue 19) at the tiny scale: contacts about a place or group
with no child, each linked to its context; assessments at both scales of context (a place and a peer
group), plans from those that found harm with actions of no case, reviews and outcomes; nothing after
the as-at date, and what the table constraints ask."""

import datetime as dt

import pytest
from django.core.management import call_command

from network.choices import ContextAssessmentKind, ContextAssessmentStatus, ContextPlanStatus, NodeKind
from network.models import ContextAssessment, ContextPlan, ContextPlanAction, ContextPlanReview, ContextReferral

pytestmark = pytest.mark.django_db

AS_AT = dt.date(2026, 11, 30)


class _Null:
    def write(self, *_args, **_kwargs):
        pass

    def flush(self):
        pass


def test_the_generator_refers_assesses_and_plans_for_places_and_groups():
    call_command("generate_data", "--scale", "tiny", "--seed", "11", "--as-at", AS_AT.isoformat(), stdout=_Null())
    referrals = list(ContextReferral.objects.select_related("contact", "node"))
    assert len(referrals) >= 3
    assert all(r.contact.child_id is None and r.contact.about_context for r in referrals)
    assert {r.node.kind for r in referrals} <= {NodeKind.PLACE, NodeKind.PEER_GROUP}
    kinds = set(ContextAssessment.objects.values_list("kind", flat=True))
    assert ContextAssessmentKind.PEER_GROUP in kinds and kinds - {ContextAssessmentKind.PEER_GROUP}
    for assessment in ContextAssessment.objects.all():
        assert assessment.opened_at.date() <= AS_AT and assessment.due_on > assessment.opened_at.date()
        if assessment.status == ContextAssessmentStatus.COMPLETE:
            assert assessment.judgement and assessment.completed_at.date() <= AS_AT
        assert assessment.history.exists()
    assert ContextPlan.objects.exists()
    for plan in ContextPlan.objects.all():
        assert plan.assessment.status == ContextAssessmentStatus.COMPLETE
        assert plan.status != ContextPlanStatus.CLOSED or plan.outcome
        assert plan.plan_actions.exists()
    assert all(link.action.case_id is None for link in ContextPlanAction.objects.select_related("action"))
    assert all(r.reviewed_on <= AS_AT for r in ContextPlanReview.objects.all())

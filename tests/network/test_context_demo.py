"""The demo has contexts as subjects (issue 19): a contact about the park with no child, the park's
location assessment with a plan and a police action, and the park crew's peer-group assessment;
seeding twice makes nothing new."""

import io

import pytest

from cate.demo import seed_demo as seed_cate
from contacts.demo import seed_demo as seed_contacts
from core.demo import seed_organisation
from network.choices import ContextAssessmentKind, ContextAssessmentStatus
from network.demo import seed_demo
from network.models import ContextAssessment, ContextPlan, ContextPlanAction, ContextReferral

pytestmark = pytest.mark.django_db


def _counts():
    return tuple(m.objects.count() for m in (ContextAssessment, ContextPlan, ContextPlanAction, ContextReferral))


def test_the_demo_assesses_and_plans_for_the_park_and_assesses_the_group(django_capture_on_commit_callbacks):
    seed_organisation(password="demo-password-for-tests-2026")
    with django_capture_on_commit_callbacks(execute=True):
        seed_contacts(io.StringIO())
        seed_cate(io.StringIO())
        out = io.StringIO()
        seed_demo(out)
    assert "Contexts:" in out.getvalue()
    park = ContextAssessment.objects.get(kind=ContextAssessmentKind.LOCATION)
    assert park.status == ContextAssessmentStatus.COMPLETE and park.children.count() == 2
    plan = ContextPlan.objects.get(node=park.node)
    assert plan.assessment == park and plan.plan_actions.get().action.owner_agency.name == "Police"
    group = ContextAssessment.objects.get(kind=ContextAssessmentKind.PEER_GROUP)
    assert group.status == ContextAssessmentStatus.DRAFT and group.domains["members"]
    referral = ContextReferral.objects.get(node=park.node)
    assert referral.contact.child_id is None and referral.contact.about_context
    before = _counts()
    with django_capture_on_commit_callbacks(execute=True):
        seed_demo(io.StringIO())
    assert _counts() == before

"""The demo intelligence: several sources, feedback to them, one overdue, and disruption; made once."""

import io

import pytest

from cate.demo import seed_demo as seed_cate
from contacts.demo import seed_demo as seed_contacts
from core.demo import seed_organisation
from intelligence.choices import DisruptionStatus
from intelligence.demo import seed_demo
from intelligence.models import Disruption, IntelligenceReport
from network.demo import seed_demo as seed_network

pytestmark = pytest.mark.django_db


def test_the_demo_has_several_sources_feedback_and_disruption_made_once(django_capture_on_commit_callbacks):
    seed_organisation(password="demo-password-for-tests-2026")
    with django_capture_on_commit_callbacks(execute=True):
        for seed in (seed_contacts, seed_cate, seed_network, seed_demo):
            seed(io.StringIO())
    reports = IntelligenceReport.objects.all()
    assert reports.values("source_type").distinct().count() >= 4
    assert reports.filter(feedback_at__isnull=False).count() == 2
    assert reports.filter(feedback_at__isnull=True).exists()
    assert Disruption.objects.filter(status=DisruptionStatus.AWAITING_AGREEMENT, tactic="cawn").exists()
    assert all(d.action_id for d in Disruption.objects.all())
    counts = (reports.count(), Disruption.objects.count())
    seed_demo(io.StringIO())
    assert (IntelligenceReport.objects.count(), Disruption.objects.count()) == counts

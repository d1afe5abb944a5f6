"""Generated intelligence and disruption at the tiny scale: every source type, records the models
accept, matches to real network nodes, disruptions on the action list with their history."""

import pytest
from django.core.management import call_command

from intelligence.choices import SourceType
from intelligence.models import Disruption, IntelligenceReport, IntelligenceSubject

pytestmark = pytest.mark.django_db


class _Null:
    def write(self, *_args, **_kwargs):
        pass

    def flush(self):
        pass


def test_the_tiny_scale_has_intelligence_from_every_source_and_disruption():
    call_command("generate_data", "--scale", "tiny", "--seed", "7", "--as-at", "2026-11-30", stdout=_Null())
    reports = IntelligenceReport.objects.all()
    assert set(reports.values_list("source_type", flat=True)) == set(SourceType.values)
    for report in reports[:20]:
        report.full_clean()
    assert reports.filter(feedback_at__isnull=True).exists() and reports.filter(feedback_at__isnull=False).exists()
    assert IntelligenceSubject.objects.filter(report__graded_at__isnull=True).count() == 0
    disruption = Disruption.objects.select_related("action").first()
    assert disruption is not None and disruption.action.owner_agency == disruption.lead_agency
    assert disruption.history.count() == 1

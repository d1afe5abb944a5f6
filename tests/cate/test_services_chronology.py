"""The chronology: significant events added by hand."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cate import services
from cate.choices import ChronologyKind

from .helpers import assert_history

pytestmark = pytest.mark.django_db


def test_a_worker_adds_a_significant_event(case, worker, personas):
    event = services.chronology_add_significant_event(
        case=case,
        occurred_at=timezone.now() - dt.timedelta(hours=2),
        summary="Seen in a car with an adult of concern",
        detail="Reported by school",
        actor=worker,
    )
    assert event.significant and event.kind == ChronologyKind.SIGNIFICANT_EVENT
    assert_history(event, worker, "Seen in a car with an adult of concern")
    with pytest.raises(PermissionDenied):
        services.chronology_add_significant_event(
            case=case, occurred_at=timezone.now(), summary="x", detail="", actor=personas["other_worker"]
        )
    with pytest.raises(ValidationError):
        services.chronology_add_significant_event(
            case=case, occurred_at=timezone.now() + dt.timedelta(days=1), summary="x", detail="", actor=worker
        )

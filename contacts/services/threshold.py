"""The threshold assessment of a contact: the ten exploitation factors and the overall level."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit
from core.concurrency import check_version
from core.permissions import require

from .. import rules
from ..choices import ThresholdLevel, highest_threshold_of
from ..models import Contact, ThresholdAssessment
from ..permissions import ASSESS_THRESHOLD
from ..rules import MAX_EVIDENCE
from ._common import require_open, start_screening

__all__ = ["MAX_EVIDENCE", "threshold_assess"]


def threshold_assess(
    *,
    contact: Contact,
    actor,
    factors: dict[str, dict[str, str]],
    overall_level: str,
    reason_differs_from_highest: str = "",
    revision_reason: str = "",
    expected_version: int | None = None,
) -> ThresholdAssessment:
    """Record (or revise) the threshold assessment: a level and evidence for each of the ten
    factors and the screener's overall level, explained where it differs from the highest factor."""
    require(actor, ASSESS_THRESHOLD, "Only a screener can assess the threshold level.")
    clean = rules.clean_factors(factors)
    if overall_level not in ThresholdLevel.values:
        raise ValidationError({"overall_level": "Choose the overall threshold level"})
    highest = highest_threshold_of(f["level"] for f in clean.values())
    reason_differs_from_highest = (reason_differs_from_highest or "").strip()
    if overall_level != highest and not reason_differs_from_highest:
        raise ValidationError(
            {
                "reason_differs_from_highest": (
                    f"Explain why the overall level differs from the highest factor level "
                    f"({ThresholdLevel(highest).label})"
                )
            }
        )
    if overall_level == highest:
        reason_differs_from_highest = ""
    now = timezone.now()
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        require_open(contact, "change the threshold assessment")
        assessment = ThresholdAssessment.objects.select_for_update().filter(contact=contact).first()
        values = {
            "factors": clean,
            "overall_level": overall_level,
            "reason_differs_from_highest": reason_differs_from_highest,
        }
        if assessment is None:
            assessment = ThresholdAssessment(contact=contact, assessed_by=actor, assessed_at=now, **values)
            audit.save(assessment, actor=actor, reason="Threshold assessment recorded")
        else:
            check_version(assessment, expected_version)
            if all(getattr(assessment, k) == v for k, v in values.items()):
                return assessment
            if not (revision_reason or "").strip():
                raise ValidationError({"revision_reason": "Enter why the assessment is being revised"})
            for key, value in values.items():
                setattr(assessment, key, value)
            assessment.assessed_by, assessment.assessed_at = actor, now
            audit.save_change(assessment, actor=actor, reason=f"Revised: {revision_reason.strip()}"[:500])
        started = start_screening(contact, actor)
        if started:
            audit.save_change(contact, actor=actor, reason="Screening started", fields=started)
    return assessment

"""The threshold assessment of a contact: the ten exploitation factors and the overall level,
saved as a draft with any part written and completed when every part is there."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit
from core.concurrency import check_version
from core.permissions import require
from core.workflow import transition

from .. import rules
from ..choices import ALLOWED_THRESHOLD_TRANSITIONS, ThresholdStatus
from ..models import Contact, ThresholdAssessment
from ..permissions import ASSESS_THRESHOLD
from ..rules import MAX_EVIDENCE
from ._common import require_open, start_screening
from .threshold_review import threshold_review_raise

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
    draft: bool = False,
) -> ThresholdAssessment:
    """Record (or revise) the threshold assessment: a level and evidence for each of the ten
    factors and the screener's overall level, explained where it differs from the highest factor.

    `draft=True` saves what is written so far (only its format is checked) and keeps the
    assessment a draft; otherwise it is completed, and every missing part is refused at once. A
    complete assessment changes only by a complete revision with its reason."""
    require(actor, ASSESS_THRESHOLD, "Only a screener can assess the threshold level.")
    overall_level = overall_level or ""
    reason_differs_from_highest = (reason_differs_from_highest or "").strip()
    clean, errors = rules.threshold_check(factors, overall_level, reason_differs_from_highest, complete=not draft)
    if not draft and all(v["level"] for v in clean.values()) and not errors:
        highest = rules.highest_threshold_of(v["level"] for v in clean.values())
        if overall_level == highest:
            reason_differs_from_highest = ""
    now = timezone.now()
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        require_open(contact, "change the threshold assessment")
        assessment = ThresholdAssessment.objects.select_for_update().filter(contact=contact).first()
        status = ThresholdStatus.DRAFT if draft else ThresholdStatus.COMPLETE
        values = {
            "status": status,
            "factors": clean,
            "overall_level": overall_level,
            "reason_differs_from_highest": reason_differs_from_highest,
        }
        if assessment is not None:
            check_version(assessment, expected_version)
            if assessment.status != status:
                transition(assessment.status, status, ALLOWED_THRESHOLD_TRANSITIONS, "threshold assessment")
            if all(getattr(assessment, k) == v for k, v in values.items()) and not errors:
                return assessment
            revising = assessment.status == ThresholdStatus.COMPLETE
            if revising and not (revision_reason or "").strip():
                errors["revision_reason"] = "Enter why the assessment is being revised"
        if errors:
            raise ValidationError(errors)
        if assessment is None:
            assessment = ThresholdAssessment(contact=contact, assessed_by=actor, assessed_at=now, **values)
            reason = "Threshold assessment saved as a draft" if draft else "Threshold assessment recorded"
            audit.save(assessment, actor=actor, reason=reason)
        else:
            if revising:
                reason = f"Revised: {revision_reason.strip()}"[:500]
            else:
                reason = "Threshold assessment draft saved" if draft else "Threshold assessment completed"
            for key, value in values.items():
                setattr(assessment, key, value)
            assessment.assessed_by, assessment.assessed_at = actor, now
            audit.save_change(assessment, actor=actor, reason=reason)
        if not draft:
            threshold_review_raise(contact=contact, level=overall_level, actor=actor)
        started = start_screening(contact, actor)
        if started:
            audit.save_change(contact, actor=actor, reason="Screening started", fields=started)
    return assessment

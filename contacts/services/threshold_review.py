"""The safeguarding advisors' review of a contact assessed Complex or Acute (001:L1369-1371):
raised by the completed assessment (and told at once by the `threshold_review` alert rule, run
after commit and by its job), recorded with an outcome by one of the advisors."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit
from core.concurrency import check_version
from core.exceptions import TransitionNotAllowed

from ..choices import COMPLEX_OR_ACUTE, ThresholdReviewOutcome
from ..models import Contact, ThresholdReview

logger = logging.getLogger(__name__)
MAX_REVIEW_NOTES = 5000


def tell_at_once(rule: str) -> None:
    """Run an alert rule after commit, so its owners hear now; its job catches up if this fails."""

    def run() -> None:
        from core.alerts import run_rule

        try:
            run_rule(rule)
        except Exception:
            logger.exception("Alert rule %s could not run at once; its job will send it", rule)

    transaction.on_commit(run)


def threshold_review_raise(*, contact: Contact, level: str, actor) -> ThresholdReview | None:
    """Put a contact assessed Complex or Acute on the advisors' review list (once per contact; a
    revision to Complex or Acute after a review raises nothing new). Inside the assessment's
    transaction; the advisors are told after commit."""
    if level not in COMPLEX_OR_ACUTE:
        return None
    if ThresholdReview.objects.filter(contact=contact).exists():
        return None
    review = ThresholdReview(contact=contact, level=level, raised_at=timezone.now())
    audit.save(review, actor=actor, reason="Assessed Complex or Acute: on the safeguarding advisors' review list")
    tell_at_once("threshold_review")
    return review


def threshold_review_record(
    *, review: ThresholdReview, outcome: str, notes: str, actor, expected_version: int | None = None
) -> ThresholdReview:
    """An advisor records the review: agreed, advice given to the screener, or escalated."""
    from ..review_selectors import threshold_reviews_visible_to

    if not threshold_reviews_visible_to(actor).filter(pk=review.pk).exists():
        raise PermissionDenied("Only a safeguarding advisor can record this review.")
    notes = (notes or "").strip()
    errors = {}
    if outcome not in ThresholdReviewOutcome.values:
        errors["outcome"] = "Choose the outcome of the review"
    elif outcome != ThresholdReviewOutcome.AGREED and not notes:
        errors["notes"] = "Enter the advice given or why it was escalated"
    if len(notes) > MAX_REVIEW_NOTES:
        errors["notes"] = f"Enter {MAX_REVIEW_NOTES} characters or fewer"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        review = ThresholdReview.objects.select_for_update().get(pk=review.pk)
        check_version(review, expected_version)
        if not review.is_open:
            raise TransitionNotAllowed("This review has already been recorded.")
        review.outcome, review.notes = outcome, notes
        review.reviewed_by, review.reviewed_at = actor, timezone.now()
        audit.save_change(review, actor=actor, reason=f"Review recorded: {ThresholdReviewOutcome(outcome).label}")
    return review

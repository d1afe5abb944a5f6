"""Submitting intelligence, and what a reviewer does with it: grading (3x5x2), the sanitised version,
sharing, the outcome, the review date and the feedback to its source (issue 20)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cate.choices import CaseStatus, ChronologyKind
from cate.models import Case
from cate.services import chronology_record
from core import audit, clock
from core.concurrency import check_version
from core.selectors import service_settings
from core.services import notification_send

from ..choices import Audience, HandlingCode, IntelligenceStatus, Outcome
from ..models import IntelligenceReport, IntelligenceShare, IntelligenceSubject
from ..permissions import require_review, require_submit
from ..rules import grading_errors, submission_errors
from ._common import refuse, save_with_reference

ABOUT_FIELDS = ("about_children", "about_adults", "about_places", "about_vehicles", "about_identifiers")


def report_submit(
    *,
    actor,
    source_type: str,
    what_seen: str,
    source_detail: str = "",
    seen_at: dt.datetime | None = None,
    seen_where: str = "",
    about_children: str = "",
    about_adults: str = "",
    about_places: str = "",
    about_vehicles: str = "",
    about_identifiers: str = "",
    now: dt.datetime | None = None,
) -> IntelligenceReport:
    """A piece of intelligence in the submitter's own words, under a new reference, acknowledged at once."""
    require_submit(actor)
    now = now or timezone.now()
    refuse(submission_errors(source_type=source_type, what_seen=what_seen, seen_at=seen_at, now=now))
    report = IntelligenceReport(
        submitted_by=actor,
        submitted_at=now,
        source_type=source_type,
        source_detail=source_detail.strip(),
        seen_at=seen_at,
        seen_where=seen_where.strip(),
        what_seen=what_seen.strip(),
        about_children=about_children.strip(),
        about_adults=about_adults.strip(),
        about_places=about_places.strip(),
        about_vehicles=about_vehicles.strip(),
        about_identifiers=about_identifiers.strip(),
        feedback_due_at=service_settings().due("intelligence_feedback", now),
    )
    return save_with_reference(report, code="INT", now=now, actor=actor, reason="Intelligence submitted")


def _lock(report: IntelligenceReport, expected_version: int | None) -> IntelligenceReport:
    report = IntelligenceReport.objects.select_for_update().get(pk=report.pk)
    check_version(report, expected_version)
    return report


def _tell_submitter(report: IntelligenceReport, what: str) -> None:
    """The feedback loop: the submitter hears that their submission changed (never its content)."""
    notification_send(
        recipient=report.submitted_by,
        title=f"Your intelligence {report.reference}: {what}",
        body="Open it to see its status and the feedback written for you.",
        url=reverse("intelligence:own_detail", args=[report.pk]),
    )


def report_grade(
    *,
    report: IntelligenceReport,
    actor,
    source_evaluation: str,
    assessment: str,
    handling_code: str,
    conditions: str = "",
    original_readers: list[str] | tuple[str, ...] = (),
    sanitised: str = "",
    review_on: dt.date | None = None,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> IntelligenceReport:
    """Grade a submission 3x5x2, with its handling conditions, the sanitised version and a review date."""
    require_review(actor)
    now = now or timezone.now()
    refuse(
        grading_errors(
            source_evaluation=source_evaluation,
            assessment=assessment,
            handling_code=handling_code,
            conditions=conditions,
            original_readers=original_readers,
            review_on=review_on,
            today=clock.local_date(now),
        )
    )
    with transaction.atomic():
        report = _lock(report, expected_version)
        if report.status == IntelligenceStatus.CLOSED:
            raise ValidationError("This intelligence is closed: it cannot be graded again.")
        first = not report.graded_at
        report.source_evaluation, report.assessment, report.handling_code = source_evaluation, assessment, handling_code
        report.conditions = conditions.strip() if handling_code == HandlingCode.C else ""
        report.original_readers = sorted(set(original_readers)) if handling_code == HandlingCode.C else []
        report.sanitised = sanitised.strip()
        report.review_on = review_on
        report.reviewer = actor
        report.graded_at = now
        status_changed = report.status != IntelligenceStatus.GRADED
        report.status = IntelligenceStatus.GRADED
        audit.save_change(
            report, actor=actor, reason=f"Graded {report.grade}" if first else f"Grade changed to {report.grade}"
        )
        if status_changed:
            transaction.on_commit(lambda: _tell_submitter(report, "it has been reviewed"))
    return report


def _open_cases_of_children(report: IntelligenceReport):
    children = IntelligenceSubject.objects.filter(report=report, removed_at__isnull=True, child__isnull=False)
    return Case.objects.filter(
        child__in=children.values("child_id"), status__in=(CaseStatus.OPEN, CaseStatus.CLOSURE_PROPOSED)
    ).select_related("child")


def write_to_chronologies(report: IntelligenceReport, *, actor, now: dt.datetime, cases=None) -> int:
    """Shared intelligence about a child with an open case appears on that case's chronology, in its
    sanitised version (the original only on the intelligence page, for those who may read it)."""
    text = report.sanitised or "Intelligence was shared about the child: open it from the case's intelligence."
    written = 0
    for case in cases if cases is not None else _open_cases_of_children(report):
        chronology_record(
            case=case,
            kind=ChronologyKind.OTHER,
            summary=f"Intelligence {report.reference} ({report.grade}) shared: {text}",
            actor=actor,
            occurred_at=now,
        )
        written += 1
    return written


def report_share(
    *, report: IntelligenceReport, actor, audience: str, note: str = "", now: dt.datetime | None = None
) -> IntelligenceShare:
    """Record that a graded submission was shared with a partner; shared with the CATE workers, it
    goes on the chronology of each linked child's open case."""
    require_review(actor)
    now = now or timezone.now()
    if audience not in Audience.values:
        raise ValidationError({"audience": ["Select who it was shared with"]})
    with transaction.atomic():
        report = IntelligenceReport.objects.select_for_update().get(pk=report.pk)
        if not report.graded_at:
            raise ValidationError("Grade the intelligence before sharing it.")
        reads_original = report.handling_code == HandlingCode.P or audience in report.original_readers
        if not reads_original and not report.sanitised:
            raise ValidationError(
                {"audience": ["Its conditions keep the original from them: write the sanitised version first"]}
            )
        if report.shares.filter(audience=audience).exists():
            raise ValidationError({"audience": [f"It was already shared with {Audience(audience).label}"]})
        share = IntelligenceShare(report=report, audience=audience, note=note.strip(), shared_by=actor, shared_at=now)
        audit.save(share, actor=actor, reason=f"Shared with {Audience(audience).label}")
        if audience == Audience.CATE:
            write_to_chronologies(report, actor=actor, now=now)
    return share


def report_feedback(
    *,
    report: IntelligenceReport,
    actor,
    outcome: str,
    feedback: str,
    close: bool = False,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> IntelligenceReport:
    """The outcome and the feedback written for the submitter, who is told it changed."""
    require_review(actor)
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = ["Select the outcome"]
    if not (feedback or "").strip():
        errors["feedback"] = ["Enter the feedback for the person who submitted it"]
    refuse(errors)
    with transaction.atomic():
        report = _lock(report, expected_version)
        if report.status == IntelligenceStatus.CLOSED:
            raise ValidationError("This intelligence is closed.")
        if close and not report.graded_at:
            raise ValidationError("Grade the intelligence before closing it.")
        if (report.outcome, report.feedback, close) == (outcome, feedback.strip(), False):
            return report
        report.outcome, report.feedback = outcome, feedback.strip()
        report.feedback_at, report.feedback_by = now, actor
        if report.status == IntelligenceStatus.SUBMITTED:
            report.status = IntelligenceStatus.IN_REVIEW
        if close:
            report.status = IntelligenceStatus.CLOSED
        audit.save_change(report, actor=actor, reason="Feedback to the submitter" + (" and closed" if close else ""))
        transaction.on_commit(lambda: _tell_submitter(report, "there is feedback for you"))
    return report

"""The detailed assessment of a referral: started and given to its author, recorded as it goes,
and completed with its outcome; an opening outcome opens the case."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from contacts.models import Child
from core import audit, clock
from core.concurrency import check_version
from core.exceptions import TransitionNotAllowed
from core.permissions import require
from core.selectors import service_settings
from core.workflow import transition

from .. import rules, selectors
from ..choices import (
    ALLOWED_REFERRAL_TRANSITIONS,
    LIVE_CASE_STATUSES,
    OPEN_TO_BY_OUTCOME,
    OPENING_OUTCOMES,
    AssessmentOutcome,
    AssessmentType,
    ChronologyKind,
    ReferralStatus,
)
from ..models import Case, DetailedAssessment, Referral
from ..permissions import ASSIGN_ASSESSMENT, OPEN_CASE, require_edit_assessment
from ..rules import CaseOpening
from ._common import set_child_markers, set_referral_status
from .chronology import chronology_record
from .nrm import nrm_referral_create_due


def assessment_start(
    *, referral: Referral, assessment_type: str, author, actor, started_at: dt.datetime | None = None
) -> DetailedAssessment:
    """Start the detailed assessment of a referral and give it to its author (a case holder)."""
    require(actor, ASSIGN_ASSESSMENT, "Only a team leader can start a detailed assessment.")
    assessment_type = AssessmentType(assessment_type)
    with transaction.atomic():
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        if referral.status != ReferralStatus.AWAITING_ASSESSMENT:
            raise TransitionNotAllowed("The detailed assessment of this referral has already started.")
        if not selectors.case_holder_choices().filter(pk=author.pk).exists():
            raise ValidationError({"author": "Choose a member of the CATE team"})
        started_at = started_at or timezone.now()
        assessment = DetailedAssessment(
            referral=referral, assessment_type=assessment_type, author=author, started_at=started_at
        )
        audit.save(assessment, actor=actor, reason=f"{assessment_type.label} started by {author}")
        set_referral_status(
            referral, ReferralStatus.ASSESSMENT_IN_PROGRESS, actor=actor, reason="Detailed assessment started"
        )
    return assessment


def assessment_update(
    *,
    assessment: DetailedAssessment,
    assessment_type: str,
    author,
    cse_is_factor: bool | None,
    summary: str,
    actor,
    expected_version: int | None = None,
) -> DetailedAssessment:
    """The author (or a team leader) records the assessment as it goes."""
    require_edit_assessment(actor, assessment)
    with transaction.atomic():
        assessment = DetailedAssessment.objects.select_for_update().select_related("referral").get(pk=assessment.pk)
        check_version(assessment, expected_version)
        if assessment.referral.status == ReferralStatus.COMPLETED:
            raise ValidationError("This assessment is complete and can no longer be changed.")
        if author.pk != assessment.author_id:
            if not actor.has_perm(ASSIGN_ASSESSMENT):
                raise PermissionDenied("Only a team leader can give the assessment to someone else.")
            if not selectors.case_holder_choices().filter(pk=author.pk).exists():
                raise ValidationError({"author": "Choose a member of the CATE team"})
        new = (AssessmentType(assessment_type), author.pk, cse_is_factor, summary)
        if new == (assessment.assessment_type, assessment.author_id, assessment.cse_is_factor, assessment.summary):
            return assessment
        assessment.assessment_type, assessment.author, assessment.cse_is_factor, assessment.summary = (
            new[0],
            author,
            cse_is_factor,
            summary,
        )
        audit.save_change(assessment, actor=actor, reason="Detailed assessment updated")
    return assessment


def _next_case_reference(now: dt.datetime) -> str:
    prefix = f"CATE-{clock.local_date(now).year}-"
    last = (
        Case.objects.filter(reference__startswith=prefix, reference__regex=rf"^{prefix}\d{{5}}$")
        .aggregate(last=Max("reference"))
        .get("last")
    )
    number = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{number:05d}"


def assessment_record_outcome(
    *,
    assessment: DetailedAssessment,
    outcome: str,
    cse_is_factor: bool | None,
    completed_at: dt.datetime,
    summary: str,
    actor,
    opening: CaseOpening | None = None,
    expected_version: int | None = None,
) -> tuple[DetailedAssessment, Case | None]:
    """Complete the detailed assessment with its outcome; an opening outcome opens the case. Until
    then the assessment is a draft (`assessment_update` saves any part of it); completing it
    refuses, all at once, everything still missing (`rules.assessment_completion_errors`)."""
    require(actor, OPEN_CASE, "Only a team leader can record the outcome of a detailed assessment.")
    with transaction.atomic():
        assessment = DetailedAssessment.objects.select_for_update().get(pk=assessment.pk)
        referral = Referral.objects.select_for_update().select_related("child").get(pk=assessment.referral_id)
        check_version(assessment, expected_version)
        transition(referral.status, ReferralStatus.COMPLETED, ALLOWED_REFERRAL_TRANSITIONS, "referral")
        summary = (summary or "").strip() or assessment.summary
        errors = rules.assessment_completion_errors(
            assessment_type=assessment.assessment_type,
            started_at=assessment.started_at,
            outcome=outcome,
            cse_is_factor=cse_is_factor,
            completed_at=completed_at,
            summary=summary,
            opening=opening,
            now=timezone.now(),
        )
        if errors:
            raise ValidationError(errors)
        outcome = AssessmentOutcome(outcome)
        assessment.outcome, assessment.cse_is_factor, assessment.completed_at = outcome, cse_is_factor, completed_at
        assessment.summary = summary
        audit.save_change(assessment, actor=actor, reason=f"Outcome: {outcome.label}")
        set_referral_status(referral, ReferralStatus.COMPLETED, actor=actor, reason=f"Outcome: {outcome.label}")
        case = None
        if outcome in OPENING_OUTCOMES:
            case = _case_open(referral=referral, assessment=assessment, opening=opening, actor=actor)
    return assessment, case


def _case_open(*, referral: Referral, assessment: DetailedAssessment, opening: CaseOpening, actor) -> Case:
    child = Child.objects.select_for_update().get(pk=referral.child_id)
    live = Case.objects.filter(child=child, status__in=LIVE_CASE_STATUSES).first()
    if live is not None:
        raise ValidationError(
            f"{child.full_name} already has an open CATE case ({live.reference}). Record this on that case.",
            code="live_case",
        )
    settings = service_settings()
    now = timezone.now()
    case = Case(
        child=child,
        referral=referral,
        contact=referral.contact,
        opened_at=now,
        opened_by=actor,
        open_to=OPEN_TO_BY_OUTCOME[assessment.outcome],
        cse=opening.cse,
        cce=opening.cce,
        other_exploitation=opening.other_exploitation,
        classification=opening.classification,
        classified_by=actor,
        classified_at=now,
        allocation_due_at=settings.due("allocation", now),
        transition_due_on=rules.transition_due_on(
            date_of_birth=child.date_of_birth, opened_on=clock.local_date(now), settings=settings
        ),
    )
    for attempt in range(5):
        case.reference = _next_case_reference(now)
        try:
            with transaction.atomic():
                audit.save(case, actor=actor, reason=f"Case opened: {assessment.get_outcome_display()}")
            break
        except (IntegrityError, ValidationError) as exc:
            taken = isinstance(exc, IntegrityError) or "reference" in getattr(exc, "error_dict", {})
            if not taken or attempt == 4:
                raise
            case.pk = None
    chronology_record(
        case=case,
        kind=ChronologyKind.REFERRAL,
        actor=actor,
        occurred_at=referral.referred_at,
        summary=f"Referred to CATE by Family Connect{f' ({referral.contact.reference})' if referral.contact else ''}",
    )
    chronology_record(
        case=case,
        kind=ChronologyKind.ASSESSMENT,
        actor=actor,
        occurred_at=assessment.completed_at,
        summary=f"{assessment.get_assessment_type_display()} completed by {assessment.author}: "
        f"{assessment.get_outcome_display()}",
        detail=assessment.summary,
    )
    chronology_record(
        case=case,
        kind=ChronologyKind.OPENED,
        actor=actor,
        occurred_at=now,
        summary=f"Case opened ({', '.join(case.exploitation_types)}; {case.get_classification_display()})",
    )
    if case.is_open_to_cate:
        nrm_referral_create_due(case=case, actor=actor, settings=settings, start=now)
    set_child_markers(case, actor=actor, reason=f"CATE case {case.reference} opened")
    return case

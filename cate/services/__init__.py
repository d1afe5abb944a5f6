"""Writes of CATE casework. Every service takes the acting user, checks permission, records
history with a reason and keeps the case chronology."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Min
from django.template.loader import render_to_string
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from contacts.choices import ExploitationFactor, FactorLevel
from contacts.models import Child
from contacts.selectors import children_visible_to
from contacts.services import child_set_cate_markers
from core import audit, clock
from core.concurrency import bump, check_version
from core.exceptions import TransitionNotAllowed
from core.roles import Role, has_role
from core.selectors import ServiceSettings, service_settings

from .. import rules
from ..choices import (
    ALLOWED_CASE_TRANSITIONS,
    ALLOWED_CLOSURE_TRANSITIONS,
    ALLOWED_REFERRAL_TRANSITIONS,
    ALLOWED_RHI_TRANSITIONS,
    LIVE_CASE_STATUSES,
    OPEN_TO_BY_OUTCOME,
    OPENING_OUTCOMES,
    VISIT_KINDS_SEEING_THE_CHILD,
    AssessmentOutcome,
    AssessmentType,
    CaseStatus,
    ChronologyKind,
    Classification,
    ClosureStatus,
    GpLetterTrigger,
    NrmDecision,
    OpenTo,
    ReferralStatus,
    RhiLateReason,
    RhiStatus,
    RiskLevel,
    RiskSource,
    StatutoryKind,
    StepDownDestination,
    SupportService,
    SupportStatus,
    VisitKind,
)
from ..models import (
    Allocation,
    Case,
    CaseClosure,
    ChronologyEvent,
    DetailedAssessment,
    Disclosure,
    GpLetter,
    MissingEpisode,
    NrmReferral,
    Referral,
    ReturnHomeInterview,
    RiskAssessment,
    StatutoryEpisode,
    SupportReferral,
    TransitionMeeting,
    Visit,
)
from ..permissions import (
    ADD_CHRONOLOGY_EVENT,
    ADD_DISCLOSURE,
    ADD_MISSING_EPISODE,
    ADD_RHI,
    ADD_RISK_ASSESSMENT,
    ADD_STATUTORY_EPISODE,
    ADD_SUPPORT_REFERRAL,
    ADD_TRANSITION_MEETING,
    ADD_VISIT,
    ALLOCATE_CASE,
    ASSIGN_ASSESSMENT,
    CASE_WORKER_OBJECT_PERMISSIONS,
    CHANGE_ASSESSMENT,
    CHANGE_GP_LETTER,
    CHANGE_MISSING_EPISODE,
    CHANGE_NRM,
    CHANGE_RHI,
    CHANGE_RISK_ASSESSMENT,
    CHANGE_STATUTORY_EPISODE,
    CHANGE_SUPPORT_REFERRAL,
    CHANGE_VISIT,
    CLOSE_CASE,
    OPEN_CASE,
    PROPOSE_CLOSURE,
    VIEW_ALL_CASES,
)

# Who may refer a contact to CATE: the front door's screeners, who decide contacts.
REFER_TO_CATE = "contacts.decide_contact"
REFERRING_ROLES = (Role.SCREENER,)
# Who may hold CATE cases: CATE workers and team leaders (and anyone marked as a case holder).
CASE_HOLDING_ROLES = (Role.CATE_WORKER, Role.TEAM_LEADER)


def user_can_work_on_case(user, case: Case) -> bool:
    return user.has_perm(VIEW_ALL_CASES) or user.has_perm("cate.change_case", case)


def chronology_record(
    *,
    case: Case,
    kind: str,
    summary: str,
    actor,
    occurred_at: dt.datetime | None = None,
    detail: str = "",
    significant: bool = False,
) -> ChronologyEvent:
    """Add an event to a case's chronology (every service that changes a case calls this)."""
    event = ChronologyEvent(
        case=case,
        kind=kind,
        summary=summary[:300],
        detail=detail,
        significant=significant,
        occurred_at=occurred_at or timezone.now(),
        recorded_by=actor,
    )
    return audit.save(event, actor=actor, reason=summary[:300])


def case_grant_worker_access(*, case: Case, worker) -> None:
    for codename in CASE_WORKER_OBJECT_PERMISSIONS:
        assign_perm(codename, worker, case)


def case_revoke_worker_access(*, case: Case, worker) -> None:
    for codename in CASE_WORKER_OBJECT_PERMISSIONS:
        remove_perm(codename, worker, case)


def case_set_risk_level(
    *, case: Case, level: str, source: str, actor, reason: str, at: dt.datetime | None = None
) -> Case:
    """Set the case's current risk level. A panel decision outranks the worker's assessment:
    the current level is the latest panel decision where there is one, else the latest assessment."""
    if not user_can_work_on_case(actor, case) and not actor.has_perm("riskpanel.chair_panel"):
        raise PermissionDenied("You cannot change this case.")
    level, source = RiskLevel(level), RiskSource(source)
    at = at or timezone.now()
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if source == RiskSource.ASSESSMENT and case.risk_level_source == RiskSource.PANEL:
            return case  # the panel's decision stands until the next panel
        if case.current_risk_level == level and case.risk_level_source == source:
            return case
        previous = case.get_current_risk_level_display() or "none"
        case.current_risk_level, case.risk_level_source, case.risk_level_set_at = level, source, at
        case.next_visit_due_at = _next_visit_due(case, service_settings())  # the frequency follows the level
        case.version += 1
        audit.save(
            case,
            actor=actor,
            reason=reason,
            update_fields=["current_risk_level", "risk_level_source", "risk_level_set_at", "next_visit_due_at"],
        )
        chronology_record(
            case=case,
            kind=ChronologyKind.RISK_LEVEL,
            actor=actor,
            occurred_at=at,
            summary=f"Risk level {previous} → {level.label} ({source.label.lower()})",
            detail=reason,
        )
    return case


def gp_letter_create(*, case: Case, trigger: str, actor) -> GpLetter:
    """Generate the letter to the child's GP practice (on allocation; on discussion at panel)."""
    if not user_can_work_on_case(actor, case) and not actor.has_perm("riskpanel.chair_panel"):
        raise PermissionDenied("You cannot write to this case.")
    trigger = GpLetterTrigger(trigger)
    now = timezone.now()
    with transaction.atomic():
        letter = GpLetter(
            case=case,
            trigger=trigger,
            practice=case.child.gp_practice,
            generated_at=now,
            generated_by=actor,
            due_at=service_settings().due("gp_letter", now),
            body=render_to_string("cate/gp_letter_body.txt", {"case": case, "child": case.child, "trigger": trigger}),
        )
        audit.save(letter, actor=actor, reason=f"GP letter generated ({trigger.label.lower()})")
        chronology_record(
            case=case,
            kind=ChronologyKind.GP_LETTER,
            actor=actor,
            occurred_at=now,
            summary=f"GP letter generated ({trigger.label.lower()})",
        )
    return letter


# --- Helpers -------------------------------------------------------------------------------


def _require(actor, perm: str, message: str = "You cannot do this.") -> None:
    if not actor.has_perm(perm):
        raise PermissionDenied(message)


def _require_casework(actor, case: Case, perm: str | None = None) -> None:
    """The actor works on this case (allocated worker, or a manager) and holds `perm`."""
    if not user_can_work_on_case(actor, case) or (perm is not None and not actor.has_perm(perm)):
        raise PermissionDenied("You cannot work on this case.")


def _require_live(case: Case) -> None:
    if case.status == CaseStatus.CLOSED:
        raise ValidationError("This case is closed. It must be reopened before anything more is recorded on it.")


def _lock_case(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("child").get(pk=case.pk)


def _transition(current: str, new: str, table: dict[str, frozenset[str]], what: str) -> None:
    if new not in table[current]:
        raise TransitionNotAllowed(
            f"A {what} cannot go from {current.replace('_', ' ')} to {new.replace('_', ' ')}.", code="transition"
        )


def _not_in_future(value, label: str, field: str) -> None:
    if value is None:
        return
    if isinstance(value, dt.datetime):
        if value > timezone.now() + dt.timedelta(minutes=5):
            raise ValidationError({field: f"{label} must be in the past"})
    elif value > timezone.localdate():
        raise ValidationError({field: f"{label} must be today or in the past"})


def _day_start(day: dt.date) -> dt.datetime:
    return clock.start_of_local_day(day).astimezone(clock.UTC)


def _next_visit_due(case: Case, settings: ServiceSettings) -> dt.datetime | None:
    """When the next visit is due: from the last time the child was seen in this opening (or the
    first allocation of this opening) at the frequency of the case's current risk level."""
    if case.status == CaseStatus.CLOSED or case.allocated_worker_id is None:
        return None
    since = case.live_since
    allocated_at = case.allocations.filter(started_at__gte=since).aggregate(first=Min("started_at"))["first"]
    last_seen = case.visits.filter(kind__in=VISIT_KINDS_SEEING_THE_CHILD, visited_at__gte=since).aggregate(
        last=Max("visited_at")
    )["last"]
    return rules.next_visit_due(
        last_seen_at=last_seen,
        allocated_at=allocated_at,
        frequency=rules.visit_frequency(case.current_risk_level, settings),
    )


def _refresh_next_visit_due(case: Case, *, actor, reason: str, settings: ServiceSettings | None = None) -> None:
    """Store the next visit's due time on the (locked) case when it has moved."""
    due = _next_visit_due(case, settings or service_settings())
    if due != case.next_visit_due_at:
        case.next_visit_due_at = due
        bump(case)
        audit.save(case, actor=actor, reason=reason, update_fields=["next_visit_due_at"])


def _set_child_markers(case: Case, *, actor, reason: str) -> None:
    """The child's record says whether they are open to CATE, and keeps "previously known" for good."""
    child = case.child
    if case.status == CaseStatus.CLOSED:
        open_to_cate, previously_known = False, True
    else:
        open_to_cate = case.is_open_to_cate
        previously_known = child.previously_known_to_cate or bool(case.last_reopened_at)
    child_set_cate_markers(
        child=child, open_to_cate=open_to_cate, previously_known=previously_known, actor=actor, reason=reason
    )


def case_holders():
    """Staff who may hold CATE cases: active CATE workers and team leaders, and case holders."""
    from django.db.models import Q

    User = get_user_model()
    labels = [role.label for role in CASE_HOLDING_ROLES]
    return (
        User.objects.filter(is_active=True, is_system=False)
        .filter(Q(groups__name__in=labels) | Q(case_holder=True))
        .distinct()
    )


def live_caseload(worker) -> int:
    return Case.objects.filter(allocated_worker=worker, status__in=LIVE_CASE_STATUSES).count()


# --- Referrals and the detailed assessment -------------------------------------------------


def referral_create_from_contact(*, contact, actor) -> Referral:
    """Family Connect referred a contact to CATE: the child joins the referral queue with the
    detailed assessment due (Working Together, 45 working days by default). Idempotent per contact."""
    if not (actor.has_perm(REFER_TO_CATE) or has_role(actor, *REFERRING_ROLES)):
        raise PermissionDenied("Only a Family Connect screener can refer a child to CATE.")
    if contact.child_id is None:
        raise ValidationError("Find or add the child before referring the contact to CATE.", code="no_child")
    with transaction.atomic():
        existing = Referral.objects.filter(contact=contact).first()
        if existing is not None:
            return existing
        referred_at = contact.decided_at or timezone.now()
        referral = Referral(
            child_id=contact.child_id,
            contact=contact,
            referred_at=referred_at,
            referred_by=actor,
            assessment_due_at=service_settings().due("detailed_assessment", referred_at),
        )
        audit.save(referral, actor=actor, reason=f"Referred to CATE by Family Connect ({contact.reference})")
        live = Case.objects.filter(child_id=contact.child_id, status__in=LIVE_CASE_STATUSES).first()
        if live is not None:
            chronology_record(
                case=live,
                kind=ChronologyKind.REFERRAL,
                actor=actor,
                occurred_at=referred_at,
                summary=f"New referral from Family Connect ({contact.reference}) while the case is open",
            )
    return referral


def _set_referral_status(referral: Referral, status: str, *, actor, reason: str) -> None:
    _transition(referral.status, status, ALLOWED_REFERRAL_TRANSITIONS, "referral")
    referral.status = status
    bump(referral)
    audit.save(referral, actor=actor, reason=reason, update_fields=["status"])


def assessment_start(
    *, referral: Referral, assessment_type: str, author, actor, started_at: dt.datetime | None = None
) -> DetailedAssessment:
    """Start the detailed assessment of a referral and give it to its author (a case holder)."""
    _require(actor, ASSIGN_ASSESSMENT, "Only a team leader can start a detailed assessment.")
    assessment_type = AssessmentType(assessment_type)
    with transaction.atomic():
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        if referral.status != ReferralStatus.AWAITING_ASSESSMENT:
            raise TransitionNotAllowed("The detailed assessment of this referral has already started.")
        if not case_holders().filter(pk=author.pk).exists():
            raise ValidationError({"author": "Choose a member of the CATE team"})
        started_at = started_at or timezone.now()
        assessment = DetailedAssessment(
            referral=referral, assessment_type=assessment_type, author=author, started_at=started_at
        )
        audit.save(assessment, actor=actor, reason=f"{assessment_type.label} started by {author}")
        _set_referral_status(
            referral, ReferralStatus.ASSESSMENT_IN_PROGRESS, actor=actor, reason="Detailed assessment started"
        )
    return assessment


def _can_edit_assessment(actor, assessment: DetailedAssessment) -> bool:
    return actor.has_perm(CHANGE_ASSESSMENT) and (assessment.author_id == actor.pk or actor.has_perm(ASSIGN_ASSESSMENT))


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
    if not _can_edit_assessment(actor, assessment):
        raise PermissionDenied("Only the author or a team leader can change this assessment.")
    with transaction.atomic():
        assessment = DetailedAssessment.objects.select_for_update().select_related("referral").get(pk=assessment.pk)
        check_version(assessment, expected_version)
        if assessment.referral.status == ReferralStatus.COMPLETED:
            raise ValidationError("This assessment is complete and can no longer be changed.")
        if author.pk != assessment.author_id:
            if not actor.has_perm(ASSIGN_ASSESSMENT):
                raise PermissionDenied("Only a team leader can give the assessment to someone else.")
            if not case_holders().filter(pk=author.pk).exists():
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
        bump(assessment)
        audit.save(assessment, actor=actor, reason="Detailed assessment updated")
    return assessment


@dataclass(frozen=True)
class CaseOpening:
    """What a case records when an assessment opens it."""

    cse: bool
    cce: bool
    other_exploitation: bool
    classification: str


def _opening_errors(opening: CaseOpening | None) -> dict[str, str]:
    if opening is None:
        return {"exploitation_types": "Select the types of exploitation", "classification": "Select a classification"}
    errors = {}
    if not (opening.cse or opening.cce or opening.other_exploitation):
        errors["exploitation_types"] = "Select the types of exploitation"
    if opening.classification not in Classification.values:
        errors["classification"] = "Select whether the child is a victim or at risk"
    return errors


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
    """Complete the detailed assessment with its outcome; an opening outcome opens the case."""
    _require(actor, OPEN_CASE, "Only a team leader can record the outcome of a detailed assessment.")
    outcome = AssessmentOutcome(outcome)
    with transaction.atomic():
        assessment = DetailedAssessment.objects.select_for_update().get(pk=assessment.pk)
        referral = Referral.objects.select_for_update().select_related("child").get(pk=assessment.referral_id)
        check_version(assessment, expected_version)
        _transition(referral.status, ReferralStatus.COMPLETED, ALLOWED_REFERRAL_TRANSITIONS, "referral")
        errors = rules.assessment_outcome_errors(
            assessment_type=assessment.assessment_type, cse_is_factor=cse_is_factor, outcome=outcome
        )
        if outcome in OPENING_OUTCOMES:
            errors.update(_opening_errors(opening))
        if completed_at < assessment.started_at - dt.timedelta(days=1):
            errors["completed_at"] = "The date completed must be on or after the date the assessment started"
        if errors:
            raise ValidationError(errors)
        _not_in_future(completed_at, "The date completed", "completed_at")
        assessment.outcome, assessment.cse_is_factor, assessment.completed_at = outcome, cse_is_factor, completed_at
        if summary:
            assessment.summary = summary
        bump(assessment)
        audit.save(assessment, actor=actor, reason=f"Outcome: {outcome.label}")
        _set_referral_status(referral, ReferralStatus.COMPLETED, actor=actor, reason=f"Outcome: {outcome.label}")
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
        _nrm_create(case=case, actor=actor, settings=settings, start=now)
    _set_child_markers(case, actor=actor, reason=f"CATE case {case.reference} opened")
    return case


def _nrm_create(*, case: Case, actor, settings: ServiceSettings, start: dt.datetime) -> NrmReferral:
    """Every child open to CATE is referred to the NRM (council policy, 000:L154)."""
    nrm = NrmReferral(case=case, due_at=settings.due("nrm_referral", start))
    return audit.save(nrm, actor=actor, reason="NRM referral due: the child is open to CATE")


# --- The case ------------------------------------------------------------------------------


def case_update(
    *,
    case: Case,
    open_to: str,
    cse: bool,
    cce: bool,
    other_exploitation: bool,
    classification: str,
    actor,
    reason: str,
    expected_version: int | None = None,
) -> Case:
    """Change what the case is open to, its exploitation types, and its classification (a change
    of classification records who classified and when; team leaders and group managers only)."""
    _require_casework(actor, case)
    open_to = OpenTo(open_to)
    with transaction.atomic():
        case = _lock_case(case)
        check_version(case, expected_version)
        _require_live(case)
        if not (cse or cce or other_exploitation):
            raise ValidationError({"exploitation_types": "Select the types of exploitation"})
        if classification not in Classification.values:
            raise ValidationError({"classification": "Select whether the child is a victim or at risk"})
        changes = []
        fields = []
        if classification != case.classification:
            if not actor.has_perm(VIEW_ALL_CASES):
                raise PermissionDenied("Only a team leader or group manager can change the classification.")
            case.classification, case.classified_by, case.classified_at = classification, actor, timezone.now()
            fields += ["classification", "classified_by", "classified_at"]
            changes.append(f"classified as {Classification(classification).label.lower()}")
        if (cse, cce, other_exploitation) != (case.cse, case.cce, case.other_exploitation):
            case.cse, case.cce, case.other_exploitation = cse, cce, other_exploitation
            fields += ["cse", "cce", "other_exploitation"]
            changes.append(f"exploitation: {', '.join(case.exploitation_types)}")
        was_open_to_cate = case.is_open_to_cate
        if open_to != case.open_to:
            case.open_to = open_to
            fields.append("open_to")
            changes.append(f"open to {open_to.label.lower()}")
        if not fields:
            return case
        bump(case)
        audit.save(case, actor=actor, reason=reason, update_fields=fields)
        chronology_record(
            case=case,
            kind=ChronologyKind.OTHER,
            actor=actor,
            summary=f"Case details changed: {'; '.join(changes)}",
            detail=reason,
        )
        if case.is_open_to_cate and not was_open_to_cate and not case.nrm_referrals.exists():
            _nrm_create(case=case, actor=actor, settings=service_settings(), start=timezone.now())
        if case.is_open_to_cate != was_open_to_cate:
            _set_child_markers(case, actor=actor, reason=f"CATE case {case.reference}: {reason}")
    return case


def case_allocate(
    *, case: Case, worker, actor, reason: str = "", over_limit_reason: str = "", expected_version: int | None = None
) -> Allocation:
    """Allocate (or reallocate) a case to a worker. Past the caseload limit a reason is needed.
    The new worker gets the case's object permissions and the previous worker loses them; the
    first allocation of an opening generates the letter to the child's GP practice."""
    _require(actor, ALLOCATE_CASE, "Only a team leader can allocate cases.")
    with transaction.atomic():
        case = _lock_case(case)
        check_version(case, expected_version)
        _require_live(case)
        if not case_holders().filter(pk=worker.pk).exists():
            raise ValidationError({"worker": "Choose a member of the CATE team who holds cases"})
        if not children_visible_to(worker).filter(pk=case.child_id).exists():
            # A restricted child's case goes only to staff named on the child (they could not open it).
            raise ValidationError({"worker": "This child's record is restricted: choose someone named on it"})
        if case.allocated_worker_id == worker.pk:
            raise ValidationError({"worker": f"This case is already allocated to {worker}"})
        # One allocation at a time per worker, so two team leaders cannot both take the last place.
        get_user_model().objects.select_for_update().filter(pk=worker.pk).first()
        settings = service_settings()
        limit = settings["caseload_limit"]
        holding = live_caseload(worker)
        over_limit = holding >= limit
        if over_limit and not over_limit_reason.strip():
            raise ValidationError(
                {
                    "over_limit_reason": f"{worker} already holds {holding} cases and the limit is {limit}. "
                    "Enter the reason for allocating past the limit"
                }
            )
        now = timezone.now()
        previous = Allocation.objects.select_for_update().filter(case=case, ended_at__isnull=True).first()
        if previous is not None:
            previous.ended_at = now
            audit.save(previous, actor=actor, reason=f"Reallocated to {worker}: {reason}".rstrip(": "))
            case_revoke_worker_access(case=case, worker=previous.worker)
        allocation = Allocation(
            case=case,
            worker=worker,
            started_at=now,
            allocated_by=actor,
            reason=reason,
            over_limit_reason=over_limit_reason.strip() if over_limit else "",
        )
        audit.save(allocation, actor=actor, reason=reason or "Allocated")
        case_grant_worker_access(case=case, worker=worker)
        case.allocated_worker = worker
        case.worker_likely_witness = case.disclosures.filter(made_to_worker=True, worker=worker).exists()
        case.next_visit_due_at = _next_visit_due(case, settings)
        bump(case)
        summary = (
            f"Reallocated from {previous.worker} to {worker}" if previous is not None else f"Allocated to {worker}"
        )
        if over_limit:
            summary += f" (past the caseload limit: {holding} of {limit})"
        audit.save(
            case,
            actor=actor,
            reason=summary,
            update_fields=["allocated_worker", "worker_likely_witness", "next_visit_due_at"],
        )
        chronology_record(
            case=case,
            kind=ChronologyKind.ALLOCATION,
            actor=actor,
            occurred_at=now,
            summary=summary,
            detail="\n".join(x for x in (reason, over_limit_reason.strip() if over_limit else "") if x),
        )
        if previous is None:  # the first allocation of this opening
            gp_letter_create(case=case, trigger=GpLetterTrigger.ALLOCATION, actor=actor)
    return allocation


def statutory_episode_add(*, case: Case, kind: str, start: dt.date, end: dt.date | None, actor) -> StatutoryEpisode:
    """Record a statutory safeguarding episode of the child (child in need, child protection plan,
    child in care): a child can be open to CATE and to statutory safeguarding at once (000:L123)."""
    _require_casework(actor, case, ADD_STATUTORY_EPISODE)
    kind = StatutoryKind(kind)
    with transaction.atomic():
        case = _lock_case(case)
        _require_live(case)
        _check_statutory_dates(case.child_id, kind, start, end, exclude_pk=None)
        episode = StatutoryEpisode(child_id=case.child_id, kind=kind, start=start, end=end)
        audit.save(episode, actor=actor, reason=f"{kind.label} recorded")
        chronology_record(
            case=case,
            kind=ChronologyKind.STATUTORY,
            actor=actor,
            occurred_at=_day_start(start),
            summary=f"{kind.label} from {start:%-d %B %Y}" + (f" to {end:%-d %B %Y}" if end else ""),
        )
    return episode


def _check_statutory_dates(child_id, kind, start, end, *, exclude_pk) -> None:
    if end is not None and end < start:
        raise ValidationError({"end": "The end date must be on or after the start date"})
    _not_in_future(start, "The start date", "start")
    _not_in_future(end, "The end date", "end")
    others = StatutoryEpisode.objects.filter(child_id=child_id, kind=kind).exclude(pk=exclude_pk)
    for other in others:
        if rules.periods_overlap(start, end, other.start, other.end):
            raise ValidationError(
                {"start": f"This overlaps the {other.get_kind_display().lower()} from {other.start:%-d %B %Y}"}
            )


def statutory_episode_update(
    *,
    episode: StatutoryEpisode,
    case: Case,
    start: dt.date,
    end: dt.date | None,
    actor,
    expected_version: int | None = None,
) -> StatutoryEpisode:
    _require_casework(actor, case, CHANGE_STATUTORY_EPISODE)
    with transaction.atomic():
        case = _lock_case(case)
        episode = StatutoryEpisode.objects.select_for_update().get(pk=episode.pk, child_id=case.child_id)
        check_version(episode, expected_version)
        if (start, end) == (episode.start, episode.end):
            return episode
        _check_statutory_dates(case.child_id, episode.kind, start, end, exclude_pk=episode.pk)
        ended = end is not None and episode.end is None
        episode.start, episode.end = start, end
        bump(episode)
        audit.save(
            episode, actor=actor, reason="Statutory episode ended" if ended else "Statutory episode dates changed"
        )
        chronology_record(
            case=case,
            kind=ChronologyKind.STATUTORY,
            actor=actor,
            occurred_at=_day_start(end) if ended else timezone.now(),
            summary=(
                f"{episode.get_kind_display()} ended on {end:%-d %B %Y}"
                if ended
                else f"{episode.get_kind_display()} dates changed"
            ),
        )
    return episode


def chronology_add_significant_event(
    *, case: Case, occurred_at: dt.datetime, summary: str, detail: str, actor
) -> ChronologyEvent:
    """A worker adds a significant event to the chronology by hand."""
    _require_casework(actor, case, ADD_CHRONOLOGY_EVENT)
    if not summary.strip():
        raise ValidationError({"summary": "Enter what happened"})
    _not_in_future(occurred_at, "When it happened", "occurred_at")
    with transaction.atomic():
        case = _lock_case(case)
        return chronology_record(
            case=case,
            kind=ChronologyKind.SIGNIFICANT_EVENT,
            actor=actor,
            occurred_at=occurred_at,
            summary=summary.strip(),
            detail=detail,
            significant=True,
        )


# --- Visits --------------------------------------------------------------------------------


def _check_visit(case: Case, visited_at: dt.datetime) -> None:
    _not_in_future(visited_at, "The date and time of the visit", "visited_at")
    if clock.local_date(visited_at) < clock.local_date(case.opened_at):
        raise ValidationError({"visited_at": "The visit must be on or after the day the case was opened"})


def visit_record(
    *,
    case: Case,
    visited_at: dt.datetime,
    kind: str,
    location: str,
    seen_alone: bool | None,
    notes: str,
    actor,
) -> Visit:
    _require_casework(actor, case, ADD_VISIT)
    kind = VisitKind(kind)
    with transaction.atomic():
        case = _lock_case(case)
        _require_live(case)
        _check_visit(case, visited_at)
        visit = Visit(
            case=case,
            visited_at=visited_at,
            kind=kind,
            location=location,
            seen_alone=seen_alone,
            notes=notes,
            recorded_by=actor,
        )
        audit.save(visit, actor=actor, reason=f"{kind.label} visit recorded")
        chronology_record(
            case=case,
            kind=ChronologyKind.VISIT,
            actor=actor,
            occurred_at=visited_at,
            summary=f"{kind.label} visit" + (f" at {location}" if location else ""),
        )
        _refresh_next_visit_due(case, actor=actor, reason="Visit recorded")
    return visit


def visit_update(
    *,
    visit: Visit,
    visited_at: dt.datetime,
    kind: str,
    location: str,
    seen_alone: bool | None,
    notes: str,
    actor,
    expected_version: int | None = None,
) -> Visit:
    case = visit.case
    _require_casework(actor, case, CHANGE_VISIT)
    kind = VisitKind(kind)
    with transaction.atomic():
        case = _lock_case(case)
        visit = Visit.objects.select_for_update().get(pk=visit.pk)
        check_version(visit, expected_version)
        _require_live(case)
        new = (visited_at, kind, location, seen_alone, notes)
        if new == (visit.visited_at, visit.kind, visit.location, visit.seen_alone, visit.notes):
            return visit
        _check_visit(case, visited_at)
        visit.visited_at, visit.kind, visit.location, visit.seen_alone, visit.notes = new
        bump(visit)
        audit.save(visit, actor=actor, reason="Visit corrected")
        chronology_record(
            case=case,
            kind=ChronologyKind.VISIT,
            actor=actor,
            summary=f"Visit of {clock.local(visited_at):%-d %B %Y} corrected",
        )
        _refresh_next_visit_due(case, actor=actor, reason="Visit corrected")
    return visit


# --- Risk assessment -----------------------------------------------------------------------


def factor_errors(factors: dict) -> dict[str, str]:
    """Each of the ten factors needs a level, and evidence unless it is not present."""
    errors = {}
    for factor in ExploitationFactor:
        entry = factors.get(factor.value) or {}
        level = entry.get("level", "")
        if level not in FactorLevel.values:
            errors[f"{factor.value}_level"] = f"Select a level for {factor.label.lower()}"
        elif level != FactorLevel.NOT_PRESENT and not str(entry.get("evidence", "")).strip():
            errors[f"{factor.value}_evidence"] = f"Enter the evidence for {factor.label.lower()}"
    unknown = set(factors) - set(ExploitationFactor.values)
    if unknown:
        errors["factors"] = f"Unknown factors: {', '.join(sorted(unknown))}"
    return errors


def _clean_factors(factors: dict) -> dict:
    return {
        code: {"level": factors[code]["level"], "evidence": str(factors[code].get("evidence", "")).strip()}
        for code in ExploitationFactor.values
    }


def _check_risk_assessment(case, assessed_at, factors, overall_level, young_person_views, family_views) -> None:
    errors = factor_errors(factors)
    if overall_level not in RiskLevel.values:
        errors["overall_level"] = "Select the overall risk level"
    if not young_person_views.strip():
        errors["young_person_views"] = "Enter the young person's views"
    if not family_views.strip():
        errors["family_views"] = "Enter the family's views"
    if errors:
        raise ValidationError(errors)
    _not_in_future(assessed_at, "The date of the assessment", "assessed_at")
    if clock.local_date(assessed_at) < clock.local_date(case.opened_at):
        raise ValidationError({"assessed_at": "The assessment must be on or after the day the case was opened"})


def _apply_latest_assessment(case: Case, assessment: RiskAssessment, *, actor) -> None:
    """The case's risk level follows its latest risk assessment (unless a panel has decided)."""
    latest = case.risk_assessments.order_by("-assessed_at", "-id").first()
    if latest is not None and latest.pk == assessment.pk:
        case_set_risk_level(
            case=case,
            level=assessment.overall_level,
            source=RiskSource.ASSESSMENT,
            actor=actor,
            reason=f"Risk assessment of {clock.local(assessment.assessed_at):%-d %B %Y}",
            at=assessment.assessed_at,
        )


def risk_assessment_record(
    *,
    case: Case,
    assessed_at: dt.datetime,
    factors: dict,
    overall_level: str,
    summary: str,
    young_person_views: str,
    family_views: str,
    actor,
) -> RiskAssessment:
    """The worker's risk assessment: ten factors with evidence, an overall level on the five-point
    scale, and the views of the young person and the family (002:L378)."""
    _require_casework(actor, case, ADD_RISK_ASSESSMENT)
    with transaction.atomic():
        case = _lock_case(case)
        _require_live(case)
        _check_risk_assessment(case, assessed_at, factors, overall_level, young_person_views, family_views)
        assessment = RiskAssessment(
            case=case,
            assessed_at=assessed_at,
            author=actor,
            factors=_clean_factors(factors),
            overall_level=overall_level,
            summary=summary,
            young_person_views=young_person_views.strip(),
            family_views=family_views.strip(),
        )
        audit.save(assessment, actor=actor, reason="Risk assessment recorded")
        chronology_record(
            case=case,
            kind=ChronologyKind.RISK_ASSESSMENT,
            actor=actor,
            occurred_at=assessed_at,
            summary=f"Risk assessment: {assessment.get_overall_level_display()}",
            detail=summary,
        )
        _apply_latest_assessment(case, assessment, actor=actor)
    return assessment


def risk_assessment_revise(
    *,
    assessment: RiskAssessment,
    assessed_at: dt.datetime,
    factors: dict,
    overall_level: str,
    summary: str,
    young_person_views: str,
    family_views: str,
    reason: str,
    actor,
    expected_version: int | None = None,
) -> RiskAssessment:
    """Review and revise an assessment; each revision is kept in its history with the reason."""
    case = assessment.case
    _require_casework(actor, case, CHANGE_RISK_ASSESSMENT)
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason for the revision"})
    with transaction.atomic():
        case = _lock_case(case)
        assessment = RiskAssessment.objects.select_for_update().get(pk=assessment.pk)
        check_version(assessment, expected_version)
        _require_live(case)
        _check_risk_assessment(case, assessed_at, factors, overall_level, young_person_views, family_views)
        new = (assessed_at, _clean_factors(factors), overall_level, summary, young_person_views.strip())
        old = (
            assessment.assessed_at,
            assessment.factors,
            assessment.overall_level,
            assessment.summary,
            assessment.young_person_views,
        )
        if new == old and family_views.strip() == assessment.family_views:
            return assessment
        previous_level = assessment.get_overall_level_display()
        (
            assessment.assessed_at,
            assessment.factors,
            assessment.overall_level,
            assessment.summary,
            assessment.young_person_views,
        ) = new
        assessment.family_views = family_views.strip()
        bump(assessment)
        audit.save(assessment, actor=actor, reason=reason.strip())
        chronology_record(
            case=case,
            kind=ChronologyKind.RISK_ASSESSMENT,
            actor=actor,
            summary=f"Risk assessment of {clock.local(assessed_at):%-d %B %Y} revised "
            f"({previous_level} → {assessment.get_overall_level_display()})",
            detail=reason.strip(),
        )
        _apply_latest_assessment(case, assessment, actor=actor)
    return assessment


# --- Missing episodes and return home interviews -------------------------------------------


def _episodes_overlap(a_start, a_end, b_start, b_end) -> bool:
    return (b_end is None or a_start < b_end) and (a_end is None or b_start < a_end)


def _check_episode(case: Case, missing_from, returned_at, rhi_eligible, rhi_ineligible_reason, exclude_pk) -> None:
    errors = {}
    if returned_at is not None and returned_at < missing_from:
        errors["returned_at"] = "The return must be after the child went missing"
    if not rhi_eligible and not rhi_ineligible_reason.strip():
        errors["rhi_ineligible_reason"] = "Enter why no return home interview is due"
    if errors:
        raise ValidationError(errors)
    _not_in_future(missing_from, "When the child went missing", "missing_from")
    _not_in_future(returned_at, "When the child returned", "returned_at")
    others = MissingEpisode.objects.filter(child_id=case.child_id).exclude(pk=exclude_pk)
    for other in others:
        if _episodes_overlap(missing_from, returned_at, other.missing_from, other.returned_at):
            raise ValidationError(
                {
                    "missing_from": "This overlaps the missing episode from "
                    f"{clock.local(other.missing_from):%-d %B %Y %H:%M}"
                }
            )


def _rhi_due(returned_at, rhi_eligible: bool, settings: ServiceSettings):
    if returned_at is None or not rhi_eligible:
        return None
    return settings.due("return_home_interview", returned_at)


def _refresh_back_to_back(case: Case, *, actor) -> None:
    """Mark the child's episodes that start before the previous episode's interview is due."""
    episodes = list(MissingEpisode.objects.filter(child_id=case.child_id).select_for_update())
    marked = rules.back_to_back_keys(
        [rules.EpisodeTimes(key=e.pk, missing_from=e.missing_from, rhi_due_at=e.rhi_due_at) for e in episodes]
    )
    for episode in episodes:
        wanted = episode.pk in marked
        if episode.back_to_back != wanted:
            episode.back_to_back = wanted
            bump(episode)
            audit.save(
                episode,
                actor=actor,
                reason="Back-to-back: started before the previous return home interview was due"
                if wanted
                else "No longer back-to-back",
                update_fields=["back_to_back"],
            )


def missing_episode_record(
    *,
    case: Case,
    missing_from: dt.datetime,
    returned_at: dt.datetime | None,
    reported_by: str,
    police_reference: str,
    where_found: str,
    rhi_eligible: bool,
    rhi_ineligible_reason: str,
    actor,
) -> MissingEpisode:
    """A missing episode; once the child is back, the return home interview is due (72 clock
    hours by default, statutory guidance and 000:L122)."""
    _require_casework(actor, case, ADD_MISSING_EPISODE)
    with transaction.atomic():
        case = _lock_case(case)
        _require_live(case)
        _check_episode(case, missing_from, returned_at, rhi_eligible, rhi_ineligible_reason, None)
        episode = MissingEpisode(
            child_id=case.child_id,
            case=case,
            missing_from=missing_from,
            returned_at=returned_at,
            reported_by=reported_by,
            police_reference=police_reference,
            where_found=where_found,
            rhi_eligible=rhi_eligible,
            rhi_ineligible_reason="" if rhi_eligible else rhi_ineligible_reason.strip(),
            rhi_due_at=_rhi_due(returned_at, rhi_eligible, service_settings()),
            recorded_by=actor,
        )
        audit.save(episode, actor=actor, reason="Missing episode recorded")
        chronology_record(
            case=case,
            kind=ChronologyKind.MISSING,
            actor=actor,
            occurred_at=missing_from,
            summary="Went missing" + (f" (police reference {police_reference})" if police_reference else ""),
            significant=True,
        )
        if returned_at is not None:
            chronology_record(
                case=case,
                kind=ChronologyKind.MISSING,
                actor=actor,
                occurred_at=returned_at,
                summary="Returned from missing" + (f": found at {where_found}" if where_found else ""),
            )
        _refresh_back_to_back(case, actor=actor)
        episode.refresh_from_db()
    return episode


def missing_episode_update(
    *,
    episode: MissingEpisode,
    missing_from: dt.datetime,
    returned_at: dt.datetime | None,
    reported_by: str,
    police_reference: str,
    where_found: str,
    rhi_eligible: bool,
    rhi_ineligible_reason: str,
    actor,
    expected_version: int | None = None,
) -> MissingEpisode:
    """Record the child's return (or correct the episode): the interview clock starts at the return."""
    case = episode.case
    _require_casework(actor, case, CHANGE_MISSING_EPISODE)
    with transaction.atomic():
        case = _lock_case(case)
        episode = MissingEpisode.objects.select_for_update().get(pk=episode.pk)
        check_version(episode, expected_version)
        _require_live(case)
        _check_episode(case, missing_from, returned_at, rhi_eligible, rhi_ineligible_reason, episode.pk)
        returning = episode.returned_at is None and returned_at is not None
        values = {
            "missing_from": missing_from,
            "returned_at": returned_at,
            "reported_by": reported_by,
            "police_reference": police_reference,
            "where_found": where_found,
            "rhi_eligible": rhi_eligible,
            "rhi_ineligible_reason": "" if rhi_eligible else rhi_ineligible_reason.strip(),
            "rhi_due_at": _rhi_due(returned_at, rhi_eligible, service_settings()),
        }
        changed = [name for name, value in values.items() if getattr(episode, name) != value]
        if not changed:
            return episode
        for name in changed:
            setattr(episode, name, values[name])
        bump(episode)
        audit.save(
            episode,
            actor=actor,
            reason="Return recorded" if returning else "Missing episode corrected",
            update_fields=changed,
        )
        chronology_record(
            case=case,
            kind=ChronologyKind.MISSING,
            actor=actor,
            occurred_at=returned_at if returning else timezone.now(),
            summary=(
                "Returned from missing" + (f": found at {where_found}" if where_found else "")
                if returning
                else f"Missing episode of {clock.local(missing_from):%-d %B %Y} corrected"
            ),
        )
        _refresh_back_to_back(case, actor=actor)
        episode.refresh_from_db()
    return episode


def rhi_record(
    *,
    episode: MissingEpisode,
    status: str,
    actor,
    offered_at: dt.datetime | None = None,
    completed_at: dt.datetime | None = None,
    declined_at: dt.datetime | None = None,
    conducted_by=None,
    conducted_by_other: str = "",
    child_said: str = "",
    support_identified: str = "",
    late_reason: str = "",
    late_reason_detail: str = "",
    expected_version: int | None = None,
) -> ReturnHomeInterview:
    """Record the return home interview as offered, completed or declined. Held or declined after it
    was due, it needs a reason (back-to-back episodes, bank holiday, child unavailable, other)."""
    case = episode.case
    existing = getattr(episode, "interview", None)
    _require_casework(actor, case, CHANGE_RHI if existing else ADD_RHI)
    status = RhiStatus(status)
    with transaction.atomic():
        case = _lock_case(case)
        episode = MissingEpisode.objects.select_for_update().get(pk=episode.pk)
        interview = ReturnHomeInterview.objects.select_for_update().filter(episode=episode).first()
        _require_live(case)
        if episode.returned_at is None:
            raise ValidationError("Record when the child returned before the return home interview.")
        if not episode.rhi_eligible:
            raise ValidationError("No return home interview is due for this episode.")
        if interview is not None:
            check_version(interview, expected_version)
            if status != interview.status:
                _transition(interview.status, status, ALLOWED_RHI_TRANSITIONS, "return home interview")
        errors = {}
        if status == RhiStatus.OFFERED and offered_at is None:
            errors["offered_at"] = "Enter when the interview was offered"
        if status == RhiStatus.COMPLETED:
            if completed_at is None:
                errors["completed_at"] = "Enter when the interview was held"
            if conducted_by is None and not conducted_by_other.strip():
                errors["conducted_by_other"] = "Enter who held the interview"
            if not child_said.strip():
                errors["child_said"] = "Enter what the child said"
        if status == RhiStatus.DECLINED and declined_at is None:
            errors["declined_at"] = "Enter when the child declined"
        for field, value in (("offered_at", offered_at), ("completed_at", completed_at), ("declined_at", declined_at)):
            if value is not None and value < episode.returned_at:
                errors.setdefault(field, "This must be after the child returned")
        if errors:
            raise ValidationError(errors)
        for field, value in (("offered_at", offered_at), ("completed_at", completed_at), ("declined_at", declined_at)):
            _not_in_future(value, "This", field)
        interview = interview or ReturnHomeInterview(episode=episode)
        interview.status = status
        interview.offered_at = offered_at
        interview.completed_at = completed_at if status == RhiStatus.COMPLETED else None
        interview.declined_at = declined_at if status == RhiStatus.DECLINED else None
        interview.conducted_by = conducted_by if status == RhiStatus.COMPLETED else None
        interview.conducted_by_other = conducted_by_other.strip() if status == RhiStatus.COMPLETED else ""
        interview.child_said = child_said.strip()
        interview.support_identified = support_identified.strip()
        met_at = interview.met_at
        late = met_at is not None and episode.rhi_due_at is not None and met_at > episode.rhi_due_at
        if late:
            if late_reason not in RhiLateReason.values:
                raise ValidationError({"late_reason": "Select why the interview was late"})
            if late_reason == RhiLateReason.OTHER and not late_reason_detail.strip():
                raise ValidationError({"late_reason_detail": "Enter why the interview was late"})
            interview.late_reason, interview.late_reason_detail = late_reason, late_reason_detail.strip()
        elif met_at is not None:
            interview.late_reason, interview.late_reason_detail = "", ""
        else:  # offered only: a reason may already be known
            interview.late_reason = late_reason if late_reason in RhiLateReason.values else ""
            interview.late_reason_detail = late_reason_detail.strip()
        if interview.pk is not None:
            bump(interview)
        audit.save(interview, actor=actor, reason=f"Return home interview {status.label.lower()}")
        when = met_at or offered_at
        summary = f"Return home interview {status.label.lower()}"
        if late:
            summary += f", late ({interview.get_late_reason_display().lower()})"
        chronology_record(
            case=case,
            kind=ChronologyKind.RETURN_HOME_INTERVIEW,
            actor=actor,
            occurred_at=when,
            summary=summary,
            detail=interview.support_identified,
        )
    return interview


# --- NRM, GP letters, support referrals, disclosures, transition ---------------------------


def nrm_referral_update(
    *,
    referral: NrmReferral,
    referred_on: dt.date | None,
    reasonable_grounds: str,
    reasonable_grounds_on: dt.date | None,
    conclusive_grounds: str,
    conclusive_grounds_on: dt.date | None,
    actor,
    expected_version: int | None = None,
) -> NrmReferral:
    """Record the NRM referral's submission and the reasonable- and conclusive-grounds decisions."""
    case = referral.case
    _require_casework(actor, case, CHANGE_NRM)
    errors = {}
    decided = {NrmDecision.POSITIVE, NrmDecision.NEGATIVE}
    if (reasonable_grounds or conclusive_grounds) and referred_on is None:
        errors["referred_on"] = "Enter the date the referral was made"
    if reasonable_grounds in decided and reasonable_grounds_on is None:
        errors["reasonable_grounds_on"] = "Enter the date of the reasonable grounds decision"
    if reasonable_grounds_on is not None and reasonable_grounds not in decided:
        errors["reasonable_grounds"] = "Select the reasonable grounds decision"
    if conclusive_grounds in decided and conclusive_grounds_on is None:
        errors["conclusive_grounds_on"] = "Enter the date of the conclusive grounds decision"
    if conclusive_grounds_on is not None and conclusive_grounds not in decided:
        errors["conclusive_grounds"] = "Select the conclusive grounds decision"
    if conclusive_grounds and reasonable_grounds != NrmDecision.POSITIVE:
        errors["conclusive_grounds"] = "A conclusive grounds decision follows a positive reasonable grounds decision"
    for field, day in (
        ("reasonable_grounds_on", reasonable_grounds_on),
        ("conclusive_grounds_on", conclusive_grounds_on),
    ):
        if day is not None and referred_on is not None and day < referred_on:
            errors.setdefault(field, "The decision must be on or after the date of the referral")
    if conclusive_grounds_on and reasonable_grounds_on and conclusive_grounds_on < reasonable_grounds_on:
        errors.setdefault("conclusive_grounds_on", "The conclusive decision must follow the reasonable grounds one")
    if errors:
        raise ValidationError(errors)
    for field, day in (
        ("referred_on", referred_on),
        ("reasonable_grounds_on", reasonable_grounds_on),
        ("conclusive_grounds_on", conclusive_grounds_on),
    ):
        _not_in_future(day, "The date", field)
    with transaction.atomic():
        case = _lock_case(case)
        referral = NrmReferral.objects.select_for_update().get(pk=referral.pk)
        check_version(referral, expected_version)
        _require_live(case)
        before = (
            referral.referred_on,
            referral.reasonable_grounds,
            referral.reasonable_grounds_on,
            referral.conclusive_grounds,
            referral.conclusive_grounds_on,
        )
        after = (referred_on, reasonable_grounds, reasonable_grounds_on, conclusive_grounds, conclusive_grounds_on)
        if before == after:
            return referral
        events = []
        if referred_on and referral.referred_on is None:
            referral.referred_by = actor
            events.append((referred_on, "NRM referral made"))
        if reasonable_grounds in decided and referral.reasonable_grounds != reasonable_grounds:
            events.append((reasonable_grounds_on, f"NRM reasonable grounds decision: {reasonable_grounds}"))
        if conclusive_grounds in decided and referral.conclusive_grounds != conclusive_grounds:
            events.append((conclusive_grounds_on, f"NRM conclusive grounds decision: {conclusive_grounds}"))
        (
            referral.referred_on,
            referral.reasonable_grounds,
            referral.reasonable_grounds_on,
            referral.conclusive_grounds,
            referral.conclusive_grounds_on,
        ) = after
        bump(referral)
        audit.save(referral, actor=actor, reason="; ".join(text for _, text in events) or "NRM referral corrected")
        for day, text in events or [(None, "NRM referral corrected")]:
            chronology_record(
                case=case,
                kind=ChronologyKind.NRM,
                actor=actor,
                occurred_at=_day_start(day) if day else timezone.now(),
                summary=text,
            )
    return referral


def gp_letter_mark_sent(*, letter: GpLetter, sent_on: dt.date, actor, expected_version: int | None = None) -> GpLetter:
    """Record that the letter went to the GP practice, and when (002:L314)."""
    case = letter.case
    _require_casework(actor, case, CHANGE_GP_LETTER)
    if sent_on is None:
        raise ValidationError({"sent_on": "Enter the date the letter was sent"})
    _not_in_future(sent_on, "The date sent", "sent_on")
    with transaction.atomic():
        case = _lock_case(case)
        letter = GpLetter.objects.select_for_update().get(pk=letter.pk)
        check_version(letter, expected_version)
        if sent_on < clock.local_date(letter.generated_at):
            raise ValidationError({"sent_on": "The letter cannot be sent before it was written"})
        if letter.sent_on == sent_on:
            return letter
        letter.sent_on, letter.sent_by = sent_on, actor
        bump(letter)
        audit.save(letter, actor=actor, reason="GP letter sent", update_fields=["sent_on", "sent_by"])
        chronology_record(
            case=case,
            kind=ChronologyKind.GP_LETTER,
            actor=actor,
            occurred_at=_day_start(sent_on),
            summary=f"GP letter sent to {letter.practice or 'the GP practice'}",
        )
    return letter


def _check_support_referral(service, service_other, referred_on, first_appointment_on, follow_up_on) -> None:
    errors = {}
    if service == SupportService.OTHER and not service_other.strip():
        errors["service_other"] = "Enter the name of the service"
    if first_appointment_on and first_appointment_on < referred_on:
        errors["first_appointment_on"] = "The first appointment must be on or after the referral"
    if follow_up_on and follow_up_on < referred_on:
        errors["follow_up_on"] = "The follow-up date must be on or after the referral"
    if errors:
        raise ValidationError(errors)
    _not_in_future(referred_on, "The date referred", "referred_on")


def support_referral_create(
    *,
    case: Case,
    service: str,
    service_other: str,
    referred_on: dt.date,
    status: str,
    first_appointment_on: dt.date | None,
    outcome: str,
    follow_up_on: dt.date | None,
    actor,
) -> SupportReferral:
    """A referral on to CAMHS, ISVA/ChISVA, the therapeutic providers, sexual health or SARC."""
    _require_casework(actor, case, ADD_SUPPORT_REFERRAL)
    service, status = SupportService(service), SupportStatus(status)
    _check_support_referral(service, service_other, referred_on, first_appointment_on, follow_up_on)
    with transaction.atomic():
        case = _lock_case(case)
        _require_live(case)
        referral = SupportReferral(
            case=case,
            service=service,
            service_other=service_other.strip() if service == SupportService.OTHER else "",
            referred_on=referred_on,
            status=status,
            first_appointment_on=first_appointment_on,
            outcome=outcome,
            follow_up_on=follow_up_on,
            referred_by=actor,
        )
        audit.save(referral, actor=actor, reason=f"Referred to {referral.service_other or service.label}")
        chronology_record(
            case=case,
            kind=ChronologyKind.SUPPORT_REFERRAL,
            actor=actor,
            occurred_at=_day_start(referred_on),
            summary=f"Referred to {referral.service_other or service.label}",
        )
    return referral


def support_referral_update(
    *,
    referral: SupportReferral,
    service_other: str,
    referred_on: dt.date,
    status: str,
    first_appointment_on: dt.date | None,
    outcome: str,
    follow_up_on: dt.date | None,
    actor,
    expected_version: int | None = None,
) -> SupportReferral:
    case = referral.case
    _require_casework(actor, case, CHANGE_SUPPORT_REFERRAL)
    status = SupportStatus(status)
    _check_support_referral(referral.service, service_other, referred_on, first_appointment_on, follow_up_on)
    with transaction.atomic():
        case = _lock_case(case)
        referral = SupportReferral.objects.select_for_update().get(pk=referral.pk)
        check_version(referral, expected_version)
        _require_live(case)
        values = {
            "service_other": service_other.strip() if referral.service == SupportService.OTHER else "",
            "referred_on": referred_on,
            "status": status,
            "first_appointment_on": first_appointment_on,
            "outcome": outcome,
            "follow_up_on": follow_up_on,
        }
        changed = [name for name, value in values.items() if getattr(referral, name) != value]
        if not changed:
            return referral
        status_changed = referral.status != status
        for name in changed:
            setattr(referral, name, values[name])
        bump(referral)
        name = referral.service_other or referral.get_service_display()
        text = f"{name} referral: {status.label.lower()}" if status_changed else f"{name} referral updated"
        audit.save(referral, actor=actor, reason=text, update_fields=changed)
        chronology_record(case=case, kind=ChronologyKind.SUPPORT_REFERRAL, actor=actor, summary=text, detail=outcome)
    return referral


def disclosure_record(
    *, case: Case, disclosed_on: dt.date, made_to_worker: bool, made_to_other: str, summary: str, actor
) -> Disclosure:
    """A disclosure by the child. Made to the CATE worker, it marks them as a likely witness: support
    at interview and in court then comes from the ISVA service (001:L2312-2315)."""
    _require_casework(actor, case, ADD_DISCLOSURE)
    errors = {}
    if not made_to_worker and not made_to_other.strip():
        errors["made_to_other"] = "Enter who the disclosure was made to"
    if not summary.strip():
        errors["summary"] = "Enter a summary of the disclosure"
    if errors:
        raise ValidationError(errors)
    _not_in_future(disclosed_on, "The date of the disclosure", "disclosed_on")
    with transaction.atomic():
        case = _lock_case(case)
        _require_live(case)
        if made_to_worker and case.allocated_worker_id is None:
            raise ValidationError({"made_to_worker": "The case has no allocated worker"})
        disclosure = Disclosure(
            case=case,
            disclosed_on=disclosed_on,
            made_to_worker=made_to_worker,
            worker_id=case.allocated_worker_id if made_to_worker else None,
            made_to_other="" if made_to_worker else made_to_other.strip(),
            summary=summary.strip(),
            recorded_by=actor,
        )
        audit.save(disclosure, actor=actor, reason="Disclosure recorded")
        to_whom = str(case.allocated_worker) if made_to_worker else disclosure.made_to_other
        chronology_record(
            case=case,
            kind=ChronologyKind.DISCLOSURE,
            actor=actor,
            occurred_at=_day_start(disclosed_on),
            summary=f"Disclosure made to {to_whom}",
            significant=True,
        )
        if made_to_worker and not case.worker_likely_witness:
            case.worker_likely_witness = True
            bump(case)
            audit.save(
                case,
                actor=actor,
                reason=f"{to_whom} is a likely witness: the disclosure was made to them",
                update_fields=["worker_likely_witness"],
            )
            chronology_record(
                case=case,
                kind=ChronologyKind.DISCLOSURE,
                actor=actor,
                summary=f"{to_whom} marked as a likely witness: support at interview and court from the ISVA service",
            )
    return disclosure


def transition_meeting_record(
    *,
    case: Case,
    held_on: dt.date,
    agencies: Iterable,
    attendees: str,
    decisions: str,
    onward_support_plan: str,
    actor,
) -> TransitionMeeting:
    """The post-17 transition meeting (IITCSE Rec 11): who came from which agency (adult social
    care among them), what was decided and the onward support plan."""
    _require_casework(actor, case, ADD_TRANSITION_MEETING)
    agencies = list(agencies)
    errors = {}
    if not agencies:
        errors["agencies"] = "Select the agencies that attended"
    if not decisions.strip():
        errors["decisions"] = "Enter the decisions"
    if not onward_support_plan.strip():
        errors["onward_support_plan"] = "Enter the onward support plan"
    if errors:
        raise ValidationError(errors)
    _not_in_future(held_on, "The date of the meeting", "held_on")
    with transaction.atomic():
        case = _lock_case(case)
        _require_live(case)
        meeting = TransitionMeeting(
            case=case,
            held_on=held_on,
            attendees=attendees.strip(),
            decisions=decisions.strip(),
            onward_support_plan=onward_support_plan.strip(),
            recorded_by=actor,
        )
        audit.save(meeting, actor=actor, reason="Post-17 transition meeting recorded")
        audit.attribute(meeting, actor=actor, reason="Attending agencies recorded")
        meeting.attending_agencies.set(agencies)
        chronology_record(
            case=case,
            kind=ChronologyKind.TRANSITION,
            actor=actor,
            occurred_at=_day_start(held_on),
            summary="Post-17 transition meeting held with " + ", ".join(str(a) for a in agencies),
            detail=meeting.onward_support_plan,
        )
    return meeting


# --- Closure and reopening -----------------------------------------------------------------


def _set_case_status(case: Case, status: str) -> None:
    _transition(case.status, status, ALLOWED_CASE_TRANSITIONS, "case")
    case.status = status


def _set_closure_status(closure: CaseClosure, status: str) -> None:
    _transition(closure.status, status, ALLOWED_CLOSURE_TRANSITIONS, "closure")
    closure.status = status


def case_closure_propose(
    *,
    case: Case,
    reason: str,
    exit_plan: str,
    step_down_destination: str,
    step_down_detail: str = "",
    actor,
    expected_version: int | None = None,
) -> CaseClosure:
    """The worker proposes closing the case, with the reason, the exit plan and where it steps down to."""
    _require_casework(actor, case, PROPOSE_CLOSURE)
    errors = {}
    if not reason.strip():
        errors["reason"] = "Enter the reason for closing the case"
    if not exit_plan.strip():
        errors["exit_plan"] = "Enter the exit plan"
    if step_down_destination not in StepDownDestination.values:
        errors["step_down_destination"] = "Select where the case steps down to"
    elif step_down_destination == StepDownDestination.OTHER and not step_down_detail.strip():
        errors["step_down_detail"] = "Enter where the case steps down to"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = _lock_case(case)
        check_version(case, expected_version)
        _set_case_status(case, CaseStatus.CLOSURE_PROPOSED)
        now = timezone.now()
        closure = CaseClosure(
            case=case,
            reason=reason.strip(),
            exit_plan=exit_plan.strip(),
            step_down_destination=step_down_destination,
            step_down_detail=step_down_detail.strip(),
            proposed_by=actor,
            proposed_at=now,
        )
        audit.save(closure, actor=actor, reason="Closure proposed")
        case.closure_reason, case.exit_plan, case.step_down_destination = (
            closure.reason,
            closure.exit_plan,
            step_down_destination,
        )
        case.closure_proposed_by, case.closure_proposed_at = actor, now
        bump(case)
        audit.save(
            case,
            actor=actor,
            reason="Closure proposed",
            update_fields=[
                "status",
                "closure_reason",
                "exit_plan",
                "step_down_destination",
                "closure_proposed_by",
                "closure_proposed_at",
            ],
        )
        chronology_record(
            case=case,
            kind=ChronologyKind.CLOSURE,
            actor=actor,
            occurred_at=now,
            summary=f"Closure proposed: steps down to {closure.get_step_down_destination_display().lower()}",
            detail=closure.reason,
        )
    return closure


def _lock_proposal(case: Case) -> CaseClosure:
    closure = CaseClosure.objects.select_for_update().filter(case=case, status=ClosureStatus.PROPOSED).first()
    if closure is None:
        raise TransitionNotAllowed("No closure of this case is waiting for a decision.")
    return closure


def case_closure_approve(*, case: Case, actor, note: str = "", expected_version: int | None = None) -> Case:
    """A team leader approves the closure: the allocation ends, the worker's access goes, and the
    child keeps a "previously known to CATE" marker."""
    _require_casework(actor, case, CLOSE_CASE)
    with transaction.atomic():
        case = _lock_case(case)
        check_version(case, expected_version)
        closure = _lock_proposal(case)
        if closure.proposed_by_id == actor.pk:
            raise ValidationError("Someone other than the person who proposed the closure must approve it.")
        _set_case_status(case, CaseStatus.CLOSED)
        _set_closure_status(closure, ClosureStatus.APPROVED)
        now = timezone.now()
        closure.decided_by, closure.decided_at, closure.decision_note = actor, now, note.strip()
        bump(closure)
        audit.save(closure, actor=actor, reason="Closure approved")
        current = Allocation.objects.select_for_update().filter(case=case, ended_at__isnull=True).first()
        if current is not None:
            current.ended_at = now
            audit.save(current, actor=actor, reason="Case closed")
            case_revoke_worker_access(case=case, worker=current.worker)
        case.closed_at, case.closure_approved_by = now, actor
        case.allocated_worker, case.next_visit_due_at = None, None
        bump(case)
        audit.save(
            case,
            actor=actor,
            reason="Closure approved",
            update_fields=["status", "closed_at", "closure_approved_by", "allocated_worker", "next_visit_due_at"],
        )
        chronology_record(
            case=case,
            kind=ChronologyKind.CLOSURE,
            actor=actor,
            occurred_at=now,
            summary="Case closed",
            detail=note.strip(),
        )
        _set_child_markers(case, actor=actor, reason=f"CATE case {case.reference} closed")
    return case


def case_closure_return(*, case: Case, actor, note: str, expected_version: int | None = None) -> Case:
    """A team leader returns the proposed closure to the worker, saying why; the case stays open."""
    _require_casework(actor, case, CLOSE_CASE)
    if not note.strip():
        raise ValidationError({"note": "Enter why the closure is returned"})
    with transaction.atomic():
        case = _lock_case(case)
        check_version(case, expected_version)
        closure = _lock_proposal(case)
        _set_case_status(case, CaseStatus.OPEN)
        _set_closure_status(closure, ClosureStatus.RETURNED)
        now = timezone.now()
        closure.decided_by, closure.decided_at, closure.decision_note = actor, now, note.strip()
        bump(closure)
        audit.save(closure, actor=actor, reason=f"Closure returned: {note.strip()}")
        case.closure_reason, case.exit_plan, case.step_down_destination = "", "", ""
        case.closure_proposed_by, case.closure_proposed_at = None, None
        bump(case)
        audit.save(
            case,
            actor=actor,
            reason="Closure returned to the worker",
            update_fields=[
                "status",
                "closure_reason",
                "exit_plan",
                "step_down_destination",
                "closure_proposed_by",
                "closure_proposed_at",
            ],
        )
        chronology_record(
            case=case,
            kind=ChronologyKind.CLOSURE,
            actor=actor,
            occurred_at=now,
            summary="Closure returned to the worker",
            detail=note.strip(),
        )
    return case


def case_reopen(*, case: Case, reason: str, actor, expected_version: int | None = None) -> Case:
    """Reopen a closed case: its history stays, the allocation is due again, and the transition
    meeting is due anew (at opening, for a young person already past 17 and 3 months)."""
    _require_casework(actor, case, CLOSE_CASE)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the case is reopened"})
    with transaction.atomic():
        case = _lock_case(case)
        check_version(case, expected_version)
        if case.status != CaseStatus.CLOSED:
            raise TransitionNotAllowed("Only a closed case can be reopened.")
        Child.objects.select_for_update().filter(pk=case.child_id).first()
        live = Case.objects.filter(child_id=case.child_id, status__in=LIVE_CASE_STATUSES).exclude(pk=case.pk).first()
        if live is not None:
            raise ValidationError(f"The child already has an open CATE case ({live.reference}).")
        closure = (
            CaseClosure.objects.select_for_update()
            .filter(case=case, status=ClosureStatus.APPROVED)
            .order_by("-decided_at")
            .first()
        )
        _set_case_status(case, CaseStatus.OPEN)
        now = timezone.now()
        if closure is not None:
            _set_closure_status(closure, ClosureStatus.REOPENED)
            closure.reopened_by, closure.reopened_at, closure.reopen_reason = actor, now, reason.strip()
            bump(closure)
            audit.save(closure, actor=actor, reason=f"Case reopened: {reason.strip()}")
        settings = service_settings()
        case.closed_at, case.last_reopened_at = None, now
        case.allocation_due_at = settings.due("allocation", now)
        case.closure_reason, case.exit_plan, case.step_down_destination = "", "", ""
        case.closure_proposed_by, case.closure_proposed_at, case.closure_approved_by = None, None, None
        case.transition_due_on = rules.transition_due_on(
            date_of_birth=case.child.date_of_birth, opened_on=clock.local_date(now), settings=settings
        )
        bump(case)
        audit.save(
            case,
            actor=actor,
            reason=f"Case reopened: {reason.strip()}",
            update_fields=[
                "status",
                "closed_at",
                "last_reopened_at",
                "allocation_due_at",
                "closure_reason",
                "exit_plan",
                "step_down_destination",
                "closure_proposed_by",
                "closure_proposed_at",
                "closure_approved_by",
                "transition_due_on",
            ],
        )
        chronology_record(
            case=case,
            kind=ChronologyKind.OPENED,
            actor=actor,
            occurred_at=now,
            summary="Case reopened",
            detail=reason.strip(),
        )
        if case.is_open_to_cate and not case.nrm_referrals.exists():
            _nrm_create(case=case, actor=actor, settings=settings, start=now)
        _set_child_markers(case, actor=actor, reason=f"CATE case {case.reference} reopened")
    return case

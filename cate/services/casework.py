"""Casework on an open case: its details and classification, its risk level, statutory episodes,
visits and risk assessments."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit, clock
from core.concurrency import check_version
from core.selectors import service_settings

from .. import rules
from ..choices import (
    ChronologyKind,
    Classification,
    OpenTo,
    RiskLevel,
    RiskSource,
    StatutoryKind,
    VisitKind,
)
from ..models import Case, RiskAssessment, StatutoryEpisode, Visit
from ..permissions import (
    ADD_RISK_ASSESSMENT,
    ADD_STATUTORY_EPISODE,
    ADD_VISIT,
    CHANGE_RISK_ASSESSMENT,
    CHANGE_STATUTORY_EPISODE,
    CHANGE_VISIT,
    VIEW_ALL_CASES,
    require_set_risk_level,
    require_work_on_case,
)
from ._common import (
    day_start,
    future_errors,
    lock_case,
    next_visit_due,
    not_in_future,
    refresh_next_visit_due,
    require_live,
    set_child_markers,
)
from .chronology import case_change, chronology_record
from .nrm import nrm_referral_create_due


def case_set_risk_level(
    *, case: Case, level: str, source: str, actor, reason: str, at: dt.datetime | None = None
) -> Case:
    """Set the case's current risk level. A panel decision outranks the worker's assessment:
    the current level is the latest panel decision where there is one, else the latest assessment."""
    require_set_risk_level(actor, case)
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
        case.next_visit_due_at = next_visit_due(case, service_settings())  # the frequency follows the level
        case_change(
            case,
            actor=actor,
            reason=reason,
            fields=["current_risk_level", "risk_level_source", "risk_level_set_at", "next_visit_due_at"],
            kind=ChronologyKind.RISK_LEVEL,
            occurred_at=at,
            summary=f"Risk level {previous} → {level.label} ({source.label.lower()})",
            detail=reason,
        )
    return case


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
    require_work_on_case(actor, case)
    open_to = OpenTo(open_to)
    with transaction.atomic():
        case = lock_case(case)
        check_version(case, expected_version)
        require_live(case)
        errors = {}
        if not (cse or cce or other_exploitation):
            errors["exploitation_types"] = "Select the types of exploitation"
        if classification not in Classification.values:
            errors["classification"] = "Select whether the child is a victim or at risk"
        if errors:
            raise ValidationError(errors)
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
        case_change(
            case,
            actor=actor,
            reason=reason,
            fields=fields,
            kind=ChronologyKind.OTHER,
            summary=f"Case details changed: {'; '.join(changes)}",
            detail=reason,
        )
        if case.is_open_to_cate and not was_open_to_cate and not case.nrm_referrals.exists():
            nrm_referral_create_due(case=case, actor=actor, settings=service_settings(), start=timezone.now())
        if case.is_open_to_cate != was_open_to_cate:
            set_child_markers(case, actor=actor, reason=f"CATE case {case.reference}: {reason}")
    return case


def statutory_episode_add(*, case: Case, kind: str, start: dt.date, end: dt.date | None, actor) -> StatutoryEpisode:
    """Record a statutory safeguarding episode of the child (child in need, child protection plan,
    child in care): a child can be open to CATE and to statutory safeguarding at once (000:L123)."""
    require_work_on_case(actor, case, ADD_STATUTORY_EPISODE)
    kind = StatutoryKind(kind)
    with transaction.atomic():
        case = lock_case(case)
        require_live(case)
        _check_statutory_dates(case.child_id, kind, start, end, exclude_pk=None)
        episode = StatutoryEpisode(child_id=case.child_id, kind=kind, start=start, end=end)
        audit.save(episode, actor=actor, reason=f"{kind.label} recorded")
        chronology_record(
            case=case,
            kind=ChronologyKind.STATUTORY,
            actor=actor,
            occurred_at=day_start(start),
            summary=f"{kind.label} from {start:%-d %B %Y}" + (f" to {end:%-d %B %Y}" if end else ""),
        )
    return episode


def _check_statutory_dates(child_id, kind, start, end, *, exclude_pk) -> None:
    errors = future_errors(("start", "The start date", start), ("end", "The end date", end))
    if end is not None and end < start:
        errors.setdefault("end", "The end date must be on or after the start date")
    if errors:
        raise ValidationError(errors)
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
    require_work_on_case(actor, case, CHANGE_STATUTORY_EPISODE)
    with transaction.atomic():
        case = lock_case(case)
        episode = StatutoryEpisode.objects.select_for_update().get(pk=episode.pk, child_id=case.child_id)
        check_version(episode, expected_version)
        if (start, end) == (episode.start, episode.end):
            return episode
        _check_statutory_dates(case.child_id, episode.kind, start, end, exclude_pk=episode.pk)
        ended = end is not None and episode.end is None
        episode.start, episode.end = start, end
        audit.save_change(
            episode, actor=actor, reason="Statutory episode ended" if ended else "Statutory episode dates changed"
        )
        chronology_record(
            case=case,
            kind=ChronologyKind.STATUTORY,
            actor=actor,
            occurred_at=day_start(end) if ended else timezone.now(),
            summary=(
                f"{episode.get_kind_display()} ended on {end:%-d %B %Y}"
                if ended
                else f"{episode.get_kind_display()} dates changed"
            ),
        )
    return episode


def _check_visit(case: Case, visited_at: dt.datetime) -> None:
    not_in_future(visited_at, "The date and time of the visit", "visited_at")
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
    require_work_on_case(actor, case, ADD_VISIT)
    kind = VisitKind(kind)
    with transaction.atomic():
        case = lock_case(case)
        require_live(case)
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
        refresh_next_visit_due(case, actor=actor, reason="Visit recorded")
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
    require_work_on_case(actor, case, CHANGE_VISIT)
    kind = VisitKind(kind)
    with transaction.atomic():
        case = lock_case(case)
        visit = Visit.objects.select_for_update().get(pk=visit.pk)
        check_version(visit, expected_version)
        require_live(case)
        new = (visited_at, kind, location, seen_alone, notes)
        if new == (visit.visited_at, visit.kind, visit.location, visit.seen_alone, visit.notes):
            return visit
        _check_visit(case, visited_at)
        visit.visited_at, visit.kind, visit.location, visit.seen_alone, visit.notes = new
        audit.save_change(visit, actor=actor, reason="Visit corrected")
        chronology_record(
            case=case,
            kind=ChronologyKind.VISIT,
            actor=actor,
            summary=f"Visit of {clock.local(visited_at):%-d %B %Y} corrected",
        )
        refresh_next_visit_due(case, actor=actor, reason="Visit corrected")
    return visit


def _check_risk_assessment(case, assessed_at, factors, overall_level, young_person_views, family_views) -> None:
    errors = rules.factor_errors(factors)
    if overall_level not in RiskLevel.values:
        errors["overall_level"] = "Select the overall risk level"
    if not young_person_views.strip():
        errors["young_person_views"] = "Enter the young person's views"
    if not family_views.strip():
        errors["family_views"] = "Enter the family's views"
    errors.update(future_errors(("assessed_at", "The date of the assessment", assessed_at)))
    if "assessed_at" not in errors and clock.local_date(assessed_at) < clock.local_date(case.opened_at):
        errors["assessed_at"] = "The date of the assessment must be on or after the day the case was opened"
    if errors:
        raise ValidationError(errors)


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
    require_work_on_case(actor, case, ADD_RISK_ASSESSMENT)
    with transaction.atomic():
        case = lock_case(case)
        require_live(case)
        _check_risk_assessment(case, assessed_at, factors, overall_level, young_person_views, family_views)
        assessment = RiskAssessment(
            case=case,
            assessed_at=assessed_at,
            author=actor,
            factors=rules.clean_factors(factors),
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
    require_work_on_case(actor, case, CHANGE_RISK_ASSESSMENT)
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason for the revision"})
    with transaction.atomic():
        case = lock_case(case)
        assessment = RiskAssessment.objects.select_for_update().get(pk=assessment.pk)
        check_version(assessment, expected_version)
        require_live(case)
        _check_risk_assessment(case, assessed_at, factors, overall_level, young_person_views, family_views)
        new = (assessed_at, rules.clean_factors(factors), overall_level, summary, young_person_views.strip())
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
        audit.save_change(assessment, actor=actor, reason=reason.strip())
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

"""Missing episodes and return home interviews: the interview is due once the child is back (72
clock hours by default), and episodes starting before the previous interview is due are back-to-back."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit, clock
from core.concurrency import check_version
from core.selectors import ServiceSettings, service_settings
from core.workflow import transition

from .. import rules
from ..choices import ALLOWED_RHI_TRANSITIONS, ChronologyKind, RhiLateReason, RhiStatus
from ..models import Case, MissingEpisode, ReturnHomeInterview
from ..permissions import ADD_MISSING_EPISODE, ADD_RHI, CHANGE_MISSING_EPISODE, CHANGE_RHI, require_work_on_case
from ._common import future_errors, lock_case, require_live
from .chronology import chronology_record

# The moments of a return home interview, as its form names them.
RHI_MOMENTS = {
    "offered_at": "When it was offered",
    "completed_at": "When it was held",
    "declined_at": "When the young person declined",
}


def _check_episode(case: Case, missing_from, returned_at, rhi_eligible, rhi_ineligible_reason, exclude_pk) -> None:
    errors = {}
    if returned_at is not None and returned_at < missing_from:
        errors["returned_at"] = "The return must be after the child went missing"
    if not rhi_eligible and not rhi_ineligible_reason.strip():
        errors["rhi_ineligible_reason"] = "Enter why no return home interview is due"
    for field, message in future_errors(
        ("missing_from", "When the young person went missing", missing_from),
        ("returned_at", "When they returned or were found", returned_at),
    ).items():
        errors.setdefault(field, message)
    if errors:
        raise ValidationError(errors)
    others = MissingEpisode.objects.filter(child_id=case.child_id).exclude(pk=exclude_pk)
    for other in others:
        if rules.episodes_overlap(missing_from, returned_at, other.missing_from, other.returned_at):
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
            audit.save_change(
                episode,
                actor=actor,
                reason="Back-to-back: started before the previous return home interview was due"
                if wanted
                else "No longer back-to-back",
                fields=["back_to_back"],
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
    require_work_on_case(actor, case, ADD_MISSING_EPISODE)
    with transaction.atomic():
        case = lock_case(case)
        require_live(case)
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
    require_work_on_case(actor, case, CHANGE_MISSING_EPISODE)
    with transaction.atomic():
        case = lock_case(case)
        episode = MissingEpisode.objects.select_for_update().get(pk=episode.pk)
        check_version(episode, expected_version)
        require_live(case)
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
        audit.save_change(
            episode,
            actor=actor,
            reason="Return recorded" if returning else "Missing episode corrected",
            fields=changed,
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
    require_work_on_case(actor, case, CHANGE_RHI if existing else ADD_RHI)
    status = RhiStatus(status)
    with transaction.atomic():
        case = lock_case(case)
        episode = MissingEpisode.objects.select_for_update().get(pk=episode.pk)
        interview = ReturnHomeInterview.objects.select_for_update().filter(episode=episode).first()
        require_live(case)
        if episode.returned_at is None:
            raise ValidationError("Record when the child returned before the return home interview.")
        if not episode.rhi_eligible:
            raise ValidationError("No return home interview is due for this episode.")
        if interview is not None:
            check_version(interview, expected_version)
            if status != interview.status:
                transition(interview.status, status, ALLOWED_RHI_TRANSITIONS, "return home interview")
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
                errors.setdefault(field, f"{RHI_MOMENTS[field]} must be after the child returned")
        for field, message in future_errors(
            *(
                (field, RHI_MOMENTS[field], value)
                for field, value in (
                    ("offered_at", offered_at),
                    ("completed_at", completed_at),
                    ("declined_at", declined_at),
                )
            )
        ).items():
            errors.setdefault(field, message)
        if errors:
            raise ValidationError(errors)
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
        save = audit.save if interview.pk is None else audit.save_change  # a change moves the version on
        save(interview, actor=actor, reason=f"Return home interview {status.label.lower()}")
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

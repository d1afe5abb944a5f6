"""CATE's part of the import from a council's previous system: cases, allocations (and who holds
each case), statutory episodes, missing episodes with their return home interviews, NRM referrals.

Called by the importer (imports/), which checks who may import, record by record inside its one
transaction. Each record is saved with history (the acting user, normally the system user, and the
import's reason); each event of a case's life is written to its chronology dated when it happened
in the previous system (an update found by a re-import, when it is imported); the worker a case is
allocated to alone holds its object permissions, as cate's allocation gives. A refusal raises
ValidationError for the importer to report against the record.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from core import audit, clock
from core.imports import (
    REASON_CREATED,
    REASON_UPDATED,
    Imported,
    Outcome,
    assign,
    error_text,
    references_after,
    save_imported,
)
from core.selectors import ServiceSettings, service_settings

from ..choices import CaseStatus, ChronologyKind, RhiStatus
from ..models import Allocation, Case, MissingEpisode, NrmReferral, ReturnHomeInterview, StatutoryEpisode
from .allocation import _give_access, _take_access
from .chronology import chronology_record

CASE_REFERENCE_PREFIX = "CATE-IMP-"


def _start_of(day: date | None) -> datetime | None:
    """A date of the previous system as the moment that day starts in Europe/London (in UTC)."""
    return None if day is None else clock.start_of_local_day(day).astimezone(clock.UTC)


def _chronology(case: Case, kind: str, summary: str, at: datetime, actor) -> None:
    chronology_record(case=case, kind=kind, summary=summary, actor=actor, occurred_at=at)


# --- Cases -------------------------------------------------------------------------------------


def case_import_references() -> Iterator[str]:
    """The references of the cases an import creates: CATE-IMP-00001 and on, after those used."""
    return references_after(Case, CASE_REFERENCE_PREFIX, 5)


def _transition_due_on(child, opened_at: datetime, settings: ServiceSettings) -> date | None:
    """The post-17 transition meeting: 3 months (the setting) after the 17th birthday, or after
    opening when the child was older."""
    if child.date_of_birth is None:
        return None
    start = max(clock.birthday(child.date_of_birth, 17), clock.local_date(opened_at))
    return clock.local_date(settings.due("post17_transition", _start_of(start)))


def case_import(
    *,
    case: Case | None,
    legacy_key: str,
    references: Iterator[str],
    child,
    contact,
    opened_at: datetime,
    closed_at: datetime | None,
    open_to: str,
    cse: bool,
    cce: bool,
    other_exploitation: bool,
    classification: str,
    actor,
    now: datetime,
    settings: ServiceSettings | None = None,
) -> Imported[Case]:
    """A CATE case of the previous system (`case`: the one imported before with this key, or None:
    a new one takes the next of `references`). Closed when it has a closing time; a closure proposed
    here stays proposed. Its chronology gets its opening and closing (when they happened), a reopening
    and the fields a re-import changed (at `now`)."""
    settings = settings or service_settings()
    created = case is None
    if created:
        case = Case(legacy_key=legacy_key, reference=next(references))
    was_closed = case.closed_at is not None
    if closed_at is not None:
        status = CaseStatus.CLOSED
    elif not created and case.status == CaseStatus.CLOSURE_PROPOSED:
        status = CaseStatus.CLOSURE_PROPOSED
    else:
        status = CaseStatus.OPEN
    changed = assign(
        case,
        {
            "child": child,
            "contact": contact,
            "opened_at": opened_at,
            "closed_at": closed_at,
            "status": status,
            "open_to": open_to,
            "cse": cse,
            "cce": cce,
            "other_exploitation": other_exploitation,
            "classification": classification,
            "allocation_due_at": settings.due("allocation", opened_at),
            "transition_due_on": _transition_due_on(child, opened_at, settings),
        },
    )
    result = save_imported(case, created=created, changed=changed, actor=actor)
    if created:
        _chronology(case, ChronologyKind.OPENED, "Case opened (recorded in the previous system)", opened_at, actor)
    elif changed and not (set(changed) <= {"closed_at", "status"}):
        labels = ", ".join(str(Case._meta.get_field(n).verbose_name) for n in changed)
        _chronology(case, ChronologyKind.OTHER, f"Case record updated from the previous system: {labels}", now, actor)
    if closed_at is not None and (created or not was_closed):
        _chronology(case, ChronologyKind.CLOSURE, "Case closed (recorded in the previous system)", closed_at, actor)
    elif closed_at is None and was_closed:
        _chronology(case, ChronologyKind.OPENED, "Case reopened (recorded in the previous system)", now, actor)
    return result


# --- Allocations -------------------------------------------------------------------------------


def allocation_import(
    *, allocation: Allocation | None, case: Case, worker, started_at: datetime, ended_at: datetime | None, actor
) -> Imported[Allocation]:
    """An allocation of the previous system (`allocation`: the one of this case, worker and first
    day imported before, or None). A new one is written to the case's chronology, dated when it began.
    Who holds the case afterwards is set by `cases_allocated_worker_import`."""
    created = allocation is None
    if created:
        allocation = Allocation(
            case=case, worker=worker, started_at=started_at, allocated_by=actor, reason=REASON_CREATED
        )
    changed = assign(allocation, {"ended_at": ended_at})
    result = save_imported(allocation, created=created, changed=changed, actor=actor)
    if created:
        summary = f"Allocated to {worker} (recorded in the previous system)"
        _chronology(case, ChronologyKind.ALLOCATION, summary, allocation.started_at, actor)
    return result


def cases_allocated_worker_import(*, cases: Iterable[Case], actor) -> None:
    """Each case's allocated worker is the worker of its current allocation (none once closed), who
    alone of the workers has access to it (as cate's allocation gives). A change of who may see the
    case is recorded as allocation records it: in the chronology, by `actor`."""
    cases = list(cases)
    current = {
        a.case_id: a for a in Allocation.objects.filter(case__in=cases, ended_at__isnull=True).select_related("worker")
    }
    for case in cases:
        allocation = current.get(case.pk) if case.closed_at is None else None
        worker = allocation.worker if allocation is not None else None
        previous = case.allocated_worker
        if previous != worker:
            case.allocated_worker = worker
            reason = f"Allocated to {worker} ({REASON_CREATED.lower()})" if worker else REASON_UPDATED
            audit.save_change(case, actor=actor, reason=reason, fields=["allocated_worker"])
            if previous is not None:
                _take_access(case, previous, actor=actor, reason=REASON_UPDATED, at=case.closed_at)
            if worker is not None:
                _give_access(case, worker, actor=actor, reason=REASON_CREATED, at=allocation.started_at)


# --- Statutory episodes, missing episodes, NRM referrals ------------------------------------------


def statutory_episode_import(
    *, episode: StatutoryEpisode | None, child, kind: str, start: date, end: date | None, actor
) -> Imported[StatutoryEpisode]:
    """A child protection, child in need or looked-after episode (`episode`: the one of this child,
    kind and start imported before, or None)."""
    created = episode is None
    if created:
        episode = StatutoryEpisode(child=child, kind=kind, start=start)
    changed = assign(episode, {"end": end})
    return save_imported(episode, created=created, changed=changed, actor=actor)


def _case_open_at(child, moment: datetime) -> Case | None:
    """The child's CATE case open when the child went missing (the latest opened, if several)."""
    candidates = [
        case
        for case in Case.objects.filter(child=child, opened_at__lte=moment).order_by("-opened_at", "-id")
        if case.closed_at is None or case.closed_at >= moment
    ]
    return candidates[0] if candidates else None


def missing_episode_import(
    *,
    episode: MissingEpisode | None,
    legacy_key: str,
    child,
    missing_from: datetime,
    returned_at: datetime | None,
    rhi_eligible: bool,
    rhi_completed_at: datetime | None,
    actor,
    settings: ServiceSettings | None = None,
) -> Imported[MissingEpisode]:
    """A missing episode (`episode`: the one imported before with this key, or None), on the case
    open when the child went missing, with its return home interview due as one recorded here, and
    completed when the previous system says so. A new one on a case is written to its chronology."""
    settings = settings or service_settings()
    created = episode is None
    if created:
        episode = MissingEpisode(legacy_key=legacy_key, recorded_by=actor)
    due = settings.due("return_home_interview", returned_at) if returned_at and rhi_eligible else None
    changed = assign(
        episode,
        {
            "child": child,
            "case": _case_open_at(child, missing_from),
            "missing_from": missing_from,
            "returned_at": returned_at,
            "rhi_eligible": rhi_eligible,
            "rhi_due_at": due,
        },
    )
    result = save_imported(episode, created=created, changed=changed, actor=actor)
    if created and episode.case is not None:
        when = f", returned {clock.local(returned_at):%-d %b %Y %H:%M}" if returned_at else ""
        summary = (
            f"Missing from {clock.local(episode.missing_from):%-d %b %Y %H:%M}{when} (recorded in the previous system)"
        )
        _chronology(episode.case, ChronologyKind.MISSING, summary, episode.missing_from, actor)
    if rhi_completed_at:
        _interview_import(episode, completed_at=rhi_completed_at, actor=actor)
    return result


def _interview_import(episode: MissingEpisode, *, completed_at: datetime, actor) -> None:
    interview = ReturnHomeInterview.objects.filter(episode=episode).first()
    created = interview is None
    if created:
        interview = ReturnHomeInterview(episode=episode)
    changed = assign(interview, {"status": RhiStatus.COMPLETED, "completed_at": completed_at})
    if not created and not changed:
        return
    try:
        with transaction.atomic():
            if created:
                audit.save(interview, actor=actor, reason=REASON_CREATED)
            else:
                audit.save_change(interview, actor=actor, reason=REASON_UPDATED)
    except ValidationError as exc:
        raise ValidationError(f"rhi_completed_at: {error_text(exc)}") from None


def nrm_referral_import(
    *, referral: NrmReferral | None, case: Case, referred_on: date, actor, settings: ServiceSettings | None = None
) -> Imported[NrmReferral]:
    """A National Referral Mechanism referral (`referral`: the one of this case and day imported
    before, which stays as it is, or None). A new one is due as one made here would be, and written to
    the case's chronology dated the day it was made."""
    if referral is not None:
        return Imported(referral, Outcome.UNCHANGED)
    settings = settings or service_settings()
    referral = NrmReferral(case=case, referred_on=referred_on, due_at=settings.due("nrm_referral", case.opened_at))
    result = save_imported(referral, created=True, changed=[], actor=actor)
    summary = "NRM referral made (recorded in the previous system)"
    _chronology(case, ChronologyKind.NRM, summary, _start_of(referred_on), actor)
    return result

"""Allocation of cases to workers, and the access to a case that goes with it.

Who may see a case is a change of the record like any other: each grant or removal of a worker's
object permissions writes a chronology event on the case, saved with history naming the acting
user (see `_give_access`). The worker who held a case when it closed keeps read-only access to it
until it is allocated again; the worker then allocated works on it."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from contacts.selectors import children_visible_to
from core import audit
from core.concurrency import check_version
from core.permissions import require
from core.selectors import service_settings

from .. import selectors
from ..choices import ChronologyKind, GpLetterTrigger
from ..models import Allocation, Case, CaseUserObjectPermission
from ..permissions import ALLOCATE_CASE, CASE_READER_OBJECT_PERMISSIONS, CASE_WORKER_OBJECT_PERMISSIONS
from ._common import lock_case, next_visit_due, require_live
from .chronology import case_change, chronology_record
from .letters import gp_letter_create


def _record_access_change(case: Case, summary: str, *, actor, reason: str, at: dt.datetime | None) -> None:
    """A change of who may see or work on the case, in its chronology: an event recorded by
    `actor`, whose history row names them, with `reason` as its detail."""
    chronology_record(
        case=case, kind=ChronologyKind.ALLOCATION, actor=actor, occurred_at=at, summary=summary, detail=reason
    )


def _give_access(case: Case, worker, *, actor, reason: str, at: dt.datetime | None = None) -> None:
    """The worker may now see and work on the case (its object permissions)."""
    for codename in CASE_WORKER_OBJECT_PERMISSIONS:
        assign_perm(codename, worker, case)
    _record_access_change(case, f"{worker} given access to the case", actor=actor, reason=reason, at=at)


def _take_access(case: Case, worker, *, actor, reason: str, at: dt.datetime | None = None) -> None:
    """The worker may no longer see the case."""
    for codename in CASE_WORKER_OBJECT_PERMISSIONS:
        remove_perm(codename, worker, case)
    _record_access_change(case, f"{worker}'s access to the case removed", actor=actor, reason=reason, at=at)


def _leave_read_access(case: Case, worker, *, actor, reason: str, at: dt.datetime | None = None) -> None:
    """The worker who held a case that closes may still read it, and no longer change it."""
    for codename in CASE_WORKER_OBJECT_PERMISSIONS:
        if codename not in CASE_READER_OBJECT_PERMISSIONS:
            remove_perm(codename, worker, case)
    _record_access_change(case, f"{worker} keeps read-only access to the case", actor=actor, reason=reason, at=at)


def _end_read_access(case: Case, *, keep, actor, reason: str, at: dt.datetime) -> None:
    """Who kept reading the case after an earlier closure no longer does once it is allocated again
    (to someone else): a worker sees the cases allocated to them."""
    readers = (
        CaseUserObjectPermission.objects.filter(
            content_object=case, permission__codename__in=CASE_READER_OBJECT_PERMISSIONS
        )
        .exclude(user=keep)
        .select_related("user")
    )
    for reader in sorted({row.user for row in readers}, key=lambda user: user.pk):
        _take_access(case, reader, actor=actor, reason=reason, at=at)


def case_allocate(
    *, case: Case, worker, actor, reason: str = "", over_limit_reason: str = "", expected_version: int | None = None
) -> Allocation:
    """Allocate (or reallocate) a case to a worker. Past the caseload limit a reason is needed.
    The new worker gets the case's object permissions and the previous worker loses them; the
    first allocation of an opening generates the letter to the child's GP practice."""
    require(actor, ALLOCATE_CASE, "Only a team leader can allocate cases.")
    with transaction.atomic():
        case = lock_case(case)
        check_version(case, expected_version)
        require_live(case)
        if not selectors.case_holder_choices().filter(pk=worker.pk).exists():
            raise ValidationError({"worker": "Choose a member of the CATE team who holds cases and can sign in"})
        if not children_visible_to(worker).filter(pk=case.child_id).exists():
            # A restricted child's case goes only to staff named on the child (they could not open it).
            raise ValidationError({"worker": "This child's record is restricted: choose someone named on it"})
        if case.allocated_worker_id == worker.pk:
            raise ValidationError({"worker": f"This case is already allocated to {worker}"})
        # One allocation at a time per worker, so two team leaders cannot both take the last place.
        get_user_model().objects.select_for_update().filter(pk=worker.pk).first()
        settings = service_settings()
        limit = settings["caseload_limit"]
        holding = selectors.live_caseload(worker)
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
            ended = f"Reallocated to {worker}: {reason}".rstrip(": ")
            audit.save(previous, actor=actor, reason=ended)
            _take_access(case, previous.worker, actor=actor, reason=ended, at=now)
        allocation = Allocation(
            case=case,
            worker=worker,
            started_at=now,
            allocated_by=actor,
            reason=reason,
            over_limit_reason=over_limit_reason.strip() if over_limit else "",
        )
        audit.save(allocation, actor=actor, reason=reason or "Allocated")
        _give_access(case, worker, actor=actor, reason=reason or "Allocated", at=now)
        _end_read_access(case, keep=worker, actor=actor, reason=f"The case is allocated to {worker}", at=now)
        case.allocated_worker = worker
        case.worker_likely_witness = case.disclosures.filter(made_to_worker=True, worker=worker).exists()
        case.next_visit_due_at = next_visit_due(case, settings)
        summary = (
            f"Reallocated from {previous.worker} to {worker}" if previous is not None else f"Allocated to {worker}"
        )
        if over_limit:
            summary += f" (past the caseload limit: {holding} of {limit})"
        case_change(
            case,
            actor=actor,
            reason=summary,
            fields=["allocated_worker", "worker_likely_witness", "next_visit_due_at"],
            kind=ChronologyKind.ALLOCATION,
            occurred_at=now,
            detail="\n".join(x for x in (reason, over_limit_reason.strip() if over_limit else "") if x),
        )
        if previous is None:  # the first allocation of this opening
            gp_letter_create(case=case, trigger=GpLetterTrigger.ALLOCATION, actor=actor)
    return allocation

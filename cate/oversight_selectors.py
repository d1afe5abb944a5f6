"""Reads of issue 24's oversight: who is due supervision, which children in care are due their CSE
risk review, and the audit list. Each list is a fixed number of queries; restricted children stay
hidden from anyone not named on them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Max, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from contacts.selectors import hidden_children
from core import clock
from core.clock import DueState
from core.roles import Role, has_role

from .choices import LIVE_CASE_STATUSES, StatutoryKind
from .models import AuditItem, Case, ChildInCareReview, StatutoryEpisode, Supervision
from .permissions import AUDIT_CLOSED_WORK, RECORD_SUPERVISION, VIEW_AUDIT, VIEW_CIC_REVIEW, VIEW_SUPERVISION

STATES = {"overdue": (DueState.OVERDUE,), "due_soon": (DueState.DUE_SOON,)}


def _due_by(settings, key: str, start: dt.date) -> dt.datetime:
    """The end of the day `key`'s interval after `start` (a date)."""
    return clock.end_of_local_day(clock.local_date(settings.due(key, clock.start_of_local_day(start))))


# --- Supervision -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SupervisionRow:
    worker: Any
    last_on: dt.date | None
    due_at: dt.datetime
    state: DueState


def cate_workers():
    """Active CATE workers (not the system user)."""
    return (
        get_user_model()
        .objects.filter(groups__name=Role.CATE_WORKER.label, is_active=True, is_system=False)
        .filter(Q(active_to__isnull=True) | Q(active_to__gte=timezone.localdate()))
        .distinct()
    )


def supervision_rows(*, now, settings, worker_ids=None) -> list[SupervisionRow]:
    """Each CATE worker's last supervision and when the next is due (from their first day in post,
    or the day the account was made, when they have had none). One query."""
    workers = cate_workers().annotate(last_on=Max("supervisions__held_on")).order_by("first_name", "last_name", "pk")
    if worker_ids is not None:
        workers = workers.filter(pk__in=worker_ids)
    rows = []
    for worker in workers:
        start = worker.last_on or worker.active_from or clock.local_date(worker.date_joined)
        due = _due_by(settings, "supervision", start)
        rows.append(SupervisionRow(worker, worker.last_on, due, settings.classify("supervision", due, now=now)))
    return rows


def supervision_rows_for_user(user, *, now, settings, state: str = "") -> list[SupervisionRow]:
    """Team leaders and group managers: every CATE worker; a CATE worker: themself; others: none."""
    if user.has_perm(RECORD_SUPERVISION) or has_role(user, Role.GROUP_MANAGER):
        rows = supervision_rows(now=now, settings=settings)
    elif user.has_perm(VIEW_SUPERVISION) and has_role(user, Role.CATE_WORKER):
        rows = supervision_rows(now=now, settings=settings, worker_ids=[user.pk])
    else:
        rows = []
    wanted = STATES.get(state)
    return [row for row in rows if row.state in wanted] if wanted else rows


def supervision_worker_get(user, pk: int):
    """A CATE worker whose supervision `user` may see (404 otherwise)."""
    workers = cate_workers()
    if not (user.has_perm(RECORD_SUPERVISION) or has_role(user, Role.GROUP_MANAGER)):
        workers = workers.filter(pk=user.pk) if user.has_perm(VIEW_SUPERVISION) else workers.none()
    return get_object_or_404(workers, pk=pk)


def supervisions_of(worker) -> QuerySet[Supervision]:
    return Supervision.objects.filter(worker=worker).select_related("supervisor").prefetch_related("cases")


def supervision_cases(worker, viewer) -> QuerySet[Case]:
    """The live cases the worker holds, as the viewer may see them (to choose those discussed)."""
    return (
        Case.objects.filter(allocated_worker=worker, status__in=LIVE_CASE_STATUSES)
        .exclude(child__in=hidden_children(viewer))
        .select_related("child")
        .order_by("reference")
    )


# --- The CSE risk review of a child in care ---------------------------------------------------


@dataclass(frozen=True)
class CicRow:
    episode: StatutoryEpisode
    last_review: dt.date | None
    due_at: dt.datetime
    state: DueState


def cic_due(episode_start: dt.date, last_review: dt.date | None, settings) -> dt.datetime:
    return _due_by(settings, "cic_cse_review", last_review or episode_start)


def children_in_care(today: dt.date) -> QuerySet[StatutoryEpisode]:
    return StatutoryEpisode.objects.filter(kind=StatutoryKind.CIC, start__lte=today).filter(
        Q(end__isnull=True) | Q(end__gte=today)
    )


def cic_rows_for_user(user, *, now, settings, state: str = "") -> list[CicRow]:
    """The children in care the user may see (IROs, CATE staff), each with its review due. One query."""
    if not user.has_perm(VIEW_CIC_REVIEW):
        return []
    episodes = (
        children_in_care(clock.local_date(now))
        .exclude(child__in=hidden_children(user))
        .annotate(last_review=Max("cse_reviews__reviewed_on"))
        .select_related("child")
        .order_by("start", "pk")
    )
    rows = []
    for episode in episodes:
        due = cic_due(episode.start, episode.last_review, settings)
        rows.append(CicRow(episode, episode.last_review, due, settings.classify("cic_cse_review", due, now=now)))
    wanted = STATES.get(state)
    rows = [row for row in rows if row.state in wanted] if wanted else rows
    return sorted(rows, key=lambda row: row.due_at)


def cic_episode_get(user, pk: int) -> StatutoryEpisode:
    if not user.has_perm(VIEW_CIC_REVIEW):
        from django.http import Http404

        raise Http404
    episodes = StatutoryEpisode.objects.filter(kind=StatutoryKind.CIC).exclude(child__in=hidden_children(user))
    return get_object_or_404(episodes.select_related("child"), pk=pk)


def cic_reviews_of_episode(episode) -> QuerySet[ChildInCareReview]:
    return ChildInCareReview.objects.filter(episode=episode).select_related("reviewer")


def cic_reviews_of_child(child_id: int) -> QuerySet[ChildInCareReview]:
    return ChildInCareReview.objects.filter(episode__child_id=child_id).select_related("reviewer", "episode")


# --- Audits ------------------------------------------------------------------------------------


AUDIT_STATES = {"awaiting": Q(judgement=""), "done": ~Q(judgement="")}


def audit_items_for_user(user, state: str = "") -> QuerySet[AuditItem]:
    """The sampled items the user may audit or read (team leaders, group managers), without those
    about a child they may not know exists."""
    if not user.has_perm(VIEW_AUDIT):
        return AuditItem.objects.none()
    hidden = hidden_children(user)
    rows = (
        AuditItem.objects.exclude(contact__child__in=hidden)
        .exclude(case__child__in=hidden)
        .select_related("sample", "contact", "case", "judged_by")
    )
    if state in AUDIT_STATES:
        rows = rows.filter(AUDIT_STATES[state])
    return rows.order_by("-sample__month", "sample__kind", "id")


def audit_item_get(user, pk: int) -> AuditItem:
    return get_object_or_404(audit_items_for_user(user), pk=pk)


def can_audit(user) -> bool:
    return user.has_perm(AUDIT_CLOSED_WORK)

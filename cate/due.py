"""Due items of CATE cases for core.due: allocation, visits, the post-17 transition meeting, the
NRM referral, GP letters, return home interviews and support referral follow-ups.

Each provider works on many cases at once with one query, and gives items only for live cases.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from core import clock
from core.due import DueItem, case_due_provider

from . import rules
from .choices import LIVE_CASE_STATUSES, RhiStatus, SupportStatus
from .models import Case, GpLetter, MissingEpisode, NrmReferral, SupportReferral, TransitionMeeting


def _case_url(case_id: int, name: str = "cate:case_detail", *args) -> str:
    return reverse(name, args=[case_id, *args])


@case_due_provider
def case_clocks(case_ids, *, now, settings) -> dict[int, list[DueItem]]:
    """Allocation of an unallocated case, the next visit, and the post-17 transition meeting."""
    rows = (
        Case.objects.filter(pk__in=case_ids, status__in=LIVE_CASE_STATUSES)
        .annotate(transition_held=Exists(TransitionMeeting.objects.filter(case=OuterRef("pk"))))
        .values(
            "pk",
            "allocated_worker_id",
            "allocation_due_at",
            "next_visit_due_at",
            "transition_due_on",
            "transition_held",
        )
    )
    items: dict[int, list[DueItem]] = {}
    for row in rows:
        case_id, found = row["pk"], []
        if row["allocated_worker_id"] is None and row["allocation_due_at"]:
            due = row["allocation_due_at"]
            found.append(
                DueItem(
                    "allocation",
                    "Allocation",
                    due,
                    settings.classify("allocation", due, now=now),
                    url=_case_url(case_id, "cate:case_allocate"),
                    case_id=case_id,
                )
            )
        if row["next_visit_due_at"]:
            due = row["next_visit_due_at"]
            found.append(
                DueItem(
                    "visit",
                    "Visit",
                    due,
                    clock.classify(due, now=now),
                    url=_case_url(case_id, "cate:visit_add"),
                    case_id=case_id,
                )
            )
        if row["transition_due_on"] and not row["transition_held"]:
            due = rules.end_of_local_day(row["transition_due_on"])
            found.append(
                DueItem(
                    "transition",
                    "Post-17 transition meeting",
                    due,
                    settings.classify("post17_transition", due, now=now),
                    url=_case_url(case_id, "cate:transition_meeting_add"),
                    case_id=case_id,
                )
            )
        if found:
            items[case_id] = found
    return items


@case_due_provider
def nrm_referrals(case_ids, *, now, settings) -> dict[int, list[DueItem]]:
    items: dict[int, list[DueItem]] = {}
    rows = NrmReferral.objects.filter(
        case_id__in=case_ids, case__status__in=LIVE_CASE_STATUSES, referred_on__isnull=True, due_at__isnull=False
    ).values("pk", "case_id", "due_at")
    for row in rows:
        items.setdefault(row["case_id"], []).append(
            DueItem(
                "nrm",
                "NRM referral",
                row["due_at"],
                settings.classify("nrm_referral", row["due_at"], now=now),
                url=_case_url(row["case_id"], "cate:nrm_edit", row["pk"]),
                case_id=row["case_id"],
            )
        )
    return items


@case_due_provider
def gp_letters(case_ids, *, now, settings) -> dict[int, list[DueItem]]:
    items: dict[int, list[DueItem]] = {}
    rows = GpLetter.objects.filter(
        case_id__in=case_ids, case__status__in=LIVE_CASE_STATUSES, sent_on__isnull=True, due_at__isnull=False
    ).values("pk", "case_id", "due_at")
    for row in rows:
        items.setdefault(row["case_id"], []).append(
            DueItem(
                "gp_letter",
                "GP letter",
                row["due_at"],
                settings.classify("gp_letter", row["due_at"], now=now),
                url=_case_url(row["case_id"], "cate:gp_letter_detail", row["pk"]),
                case_id=row["case_id"],
            )
        )
    return items


@case_due_provider
def return_home_interviews(case_ids, *, now, settings) -> dict[int, list[DueItem]]:
    items: dict[int, list[DueItem]] = {}
    rows = (
        MissingEpisode.objects.filter(
            case_id__in=case_ids, case__status__in=LIVE_CASE_STATUSES, rhi_eligible=True, rhi_due_at__isnull=False
        )
        .exclude(interview__status__in=[RhiStatus.COMPLETED, RhiStatus.DECLINED])
        .values("pk", "case_id", "rhi_due_at")
    )
    for row in rows:
        items.setdefault(row["case_id"], []).append(
            DueItem(
                "rhi",
                "Return home interview",
                row["rhi_due_at"],
                settings.classify("return_home_interview", row["rhi_due_at"], now=now),
                url=_case_url(row["case_id"], "cate:missing_episode_detail", row["pk"]),
                case_id=row["case_id"],
            )
        )
    return items


@case_due_provider
def support_follow_ups(case_ids, *, now, settings) -> dict[int, list[DueItem]]:
    items: dict[int, list[DueItem]] = {}
    rows = (
        SupportReferral.objects.filter(
            case_id__in=case_ids, case__status__in=LIVE_CASE_STATUSES, follow_up_on__isnull=False
        )
        .filter(~Q(status__in=[SupportStatus.ENDED, SupportStatus.DECLINED]))
        .values("pk", "case_id", "follow_up_on", "service", "service_other")
    )
    for row in rows:
        due = rules.end_of_local_day(row["follow_up_on"])
        items.setdefault(row["case_id"], []).append(
            DueItem(
                "support_follow_up",
                "Support referral follow-up",
                due,
                clock.classify(due, now=now),
                url=_case_url(row["case_id"], "cate:support_referral_edit", row["pk"]),
                case_id=row["case_id"],
            )
        )
    return items

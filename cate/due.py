"""Due items of CATE cases for core.due: allocation, visits, the post-17 transition meeting, the
sexual health check of a CSE case, the NRM referral, GP letters, return home interviews, support
referral follow-ups and support to offer again.

The two providers work on many cases at once with one query each, and give items only for live cases.
"""

from __future__ import annotations

from django.db.models import CharField, DateField, DateTimeField, Exists, F, OuterRef, Value
from django.db.models.functions import Cast
from django.urls import reverse_lazy

from core import clock
from core.due import DueItem

from . import rules
from .choices import LIVE_CASE_STATUSES, SEXUAL_HEALTH_SERVICES, RhiStatus, SupportStatus
from .models import Case, GpLetter, MissingEpisode, NrmReferral, SupportReferral, TransitionMeeting


def _case_url(case_id: int, name: str = "cate:case_detail", *args) -> str:
    # Lazy: the dashboard counts thousands of due items and shows none of their links.
    return reverse_lazy(name, args=[case_id, *args])


def case_clocks(case_ids, *, now, settings) -> dict[int, list[DueItem]]:
    """Allocation of an unallocated case, the next visit, and the post-17 transition meeting."""
    rows = (
        Case.objects.filter(pk__in=case_ids, status__in=LIVE_CASE_STATUSES)
        .annotate(
            transition_held=Exists(TransitionMeeting.objects.filter(case=OuterRef("pk"))),
            sexual_health_referred=Exists(
                SupportReferral.objects.filter(case=OuterRef("pk"), service__in=SEXUAL_HEALTH_SERVICES)
            ),
        )
        .values(
            "pk",
            "cse",
            "opened_at",
            "last_reopened_at",
            "child__date_of_birth",
            "child__estimated_age",
            "sexual_health_referred",
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
            due = clock.end_of_local_day(row["transition_due_on"])
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
        if row["cse"] and not row["sexual_health_referred"]:
            due = settings.due("sexual_health_check", row["last_reopened_at"] or row["opened_at"])
            found.append(
                DueItem(
                    "sexual_health",
                    sexual_health_check_label(row["child__date_of_birth"], row["child__estimated_age"], now=now),
                    due,
                    settings.classify("sexual_health_check", due, now=now),
                    url=_case_url(case_id, "cate:support_referral_add"),
                    case_id=case_id,
                )
            )
        if found:
            items[case_id] = found
    return items


def sexual_health_check_label(date_of_birth, estimated_age, *, now) -> str:
    """Rec 9: through the sexual health service from 13, through the SARC under 13."""
    return (
        f"Sexual health check: {rules.sexual_health_route(date_of_birth, estimated_age, today=clock.local_date(now))}"
    )


# The records of a case with a clock, read together with one query (UNION ALL).
RECORD_KINDS = {
    "nrm": ("NRM referral", "nrm_referral", "cate:nrm_edit"),
    "gp_letter": ("GP letter", "gp_letter", "cate:gp_letter_detail"),
    "rhi": ("Return home interview", "return_home_interview", "cate:missing_episode_detail"),
    "support_follow_up": ("Support referral follow-up", None, "cate:support_referral_edit"),
    "support_reoffer": ("Support to offer again", "support_reoffer", "cate:support_referral_edit"),
}


def _columns(kind: str, due_at, due_on) -> dict:
    return {
        "kind": Value(kind, output_field=CharField()),
        "record_id": F("pk"),
        "case_ref": F("case_id"),
        "due_at_value": due_at,
        "due_on_value": due_on,
    }


# Typed NULLs, so that the UNION's columns agree on every database.
NO_DATETIME = Cast(Value(None), output_field=DateTimeField())
NO_DATE = Cast(Value(None), output_field=DateField())


def case_records(case_ids, *, now, settings) -> dict[int, list[DueItem]]:
    """The NRM referral not yet made, GP letters not yet sent, return home interviews not yet held
    or declined, and support referrals to follow up."""
    live = {"case_id__in": case_ids, "case__status__in": LIVE_CASE_STATUSES}
    nrm = NrmReferral.objects.filter(referred_on__isnull=True, due_at__isnull=False, **live).values(
        **_columns("nrm", F("due_at"), NO_DATE)
    )
    letters = GpLetter.objects.filter(sent_on__isnull=True, due_at__isnull=False, **live).values(
        **_columns("gp_letter", F("due_at"), NO_DATE)
    )
    interviews = (
        MissingEpisode.objects.filter(rhi_eligible=True, rhi_due_at__isnull=False, **live)
        .exclude(interview__status__in=[RhiStatus.COMPLETED, RhiStatus.DECLINED])
        .values(**_columns("rhi", F("rhi_due_at"), NO_DATE))
    )
    follow_ups = (
        SupportReferral.objects.filter(follow_up_on__isnull=False, **live)
        .exclude(status__in=[SupportStatus.ENDED, SupportStatus.DECLINED])
        .values(**_columns("support_follow_up", NO_DATETIME, F("follow_up_on")))
    )
    reoffers = SupportReferral.objects.filter(reoffer_due_on__isnull=False, reoffered_on__isnull=True, **live).values(
        **_columns("support_reoffer", NO_DATETIME, F("reoffer_due_on"))
    )
    items: dict[int, list[DueItem]] = {}
    parts = [
        qs.order_by() for qs in (nrm, letters, interviews, follow_ups, reoffers)
    ]  # SQLite: no ORDER BY in a UNION part
    for row in parts[0].union(*parts[1:], all=True):
        label, timescale, url_name = RECORD_KINDS[row["kind"]]
        due = row["due_at_value"] or clock.end_of_local_day(row["due_on_value"])
        state = settings.classify(timescale, due, now=now) if timescale else clock.classify(due, now=now)
        items.setdefault(row["case_ref"], []).append(
            DueItem(
                row["kind"],
                label,
                due,
                state,
                url=_case_url(row["case_ref"], url_name, row["record_id"]),
                case_id=row["case_ref"],
            )
        )
    return items

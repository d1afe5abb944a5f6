"""Timescale alerts of CATE casework (core.alerts): return home interviews, detailed assessments,
allocations, NRM referrals, GP letters, visits and post-17 transitions.

Each rule reads only live items from the records (stored due times), so a met item is no longer
found and a run after an outage finds everything still due. Titles name the case by reference
only: e-mails never carry a child's name."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef
from django.urls import reverse

from core import clock
from core.alerts import AlertRule, Candidate, Stage
from core.clock import DueState
from core.selectors import ServiceSettings
from core.timescales import REGISTRY

from . import rules
from .choices import LIVE_CASE_STATUSES, SEXUAL_HEALTH_SERVICES, ReferralStatus, RhiStatus, SupportService
from .models import Case, GpLetter, MissingEpisode, NrmReferral, Referral, SupportReferral, TransitionMeeting

STAGES = {DueState.DUE_SOON: Stage.DUE_SOON, DueState.OVERDUE: Stage.OVERDUE}
TRANSITION_NOTICE = timedelta(weeks=4)  # "coming up" four weeks before the 17th birthday (DESIGN §5)


def _what(stage: Stage) -> str:
    return "due soon" if stage == Stage.DUE_SOON else "overdue"


def _owner(worker_id: int | None) -> tuple[int, ...]:
    return (worker_id,) if worker_id else ()  # nobody holds it: the team leaders are told


def return_home_interviews(now: datetime, settings: ServiceSettings):
    horizon = now + REGISTRY["return_home_interview"].soon
    episodes = (
        MissingEpisode.objects.filter(
            rhi_eligible=True, returned_at__isnull=False, rhi_due_at__lte=horizon, case__status__in=LIVE_CASE_STATUSES
        )
        .exclude(interview__status__in=[RhiStatus.COMPLETED, RhiStatus.DECLINED])
        .values_list("pk", "rhi_due_at", "case_id", "case__reference", "case__allocated_worker_id")
    )
    for pk, due, case_id, reference, worker in episodes:
        stage = STAGES.get(settings.classify("return_home_interview", due, now=now))
        if stage is None:
            continue
        yield Candidate(
            record_key=f"cate.missingepisode:{pk}",
            due_at=due,
            stage=stage,
            title=f"{reference}: return home interview {_what(stage)}",
            url=reverse("cate:missing_episode_detail", args=[case_id, pk]),
            owner_ids=_owner(worker),
        )


def detailed_assessments(now: datetime, settings: ServiceSettings):
    horizon = now + REGISTRY["detailed_assessment"].soon
    referrals = (
        Referral.objects.exclude(status=ReferralStatus.COMPLETED)
        .filter(assessment_due_at__lte=horizon)
        .values_list("pk", "assessment_due_at", "assessment__author_id")
    )
    for pk, due, author in referrals:
        stage = STAGES.get(settings.classify("detailed_assessment", due, now=now))
        if stage is None:
            continue
        yield Candidate(
            record_key=f"cate.referral:{pk}",
            due_at=due,
            stage=stage,
            title=f"CATE referral {pk}: detailed assessment {_what(stage)}",
            url=reverse("cate:referral_detail", args=[pk]),
            owner_ids=_owner(author),
        )


def allocations(now: datetime, settings: ServiceSettings):
    horizon = now + REGISTRY["allocation"].soon
    cases = Case.objects.filter(
        status__in=LIVE_CASE_STATUSES, allocated_worker__isnull=True, allocation_due_at__lte=horizon
    ).values_list("pk", "reference", "allocation_due_at")
    for pk, reference, due in cases:
        stage = STAGES.get(settings.classify("allocation", due, now=now))
        if stage is None:
            continue
        yield Candidate(
            record_key=f"cate.case:{pk}:allocation",
            due_at=due,
            stage=stage,
            title=f"{reference}: allocation {_what(stage)}",
            url=reverse("cate:case_allocate", args=[pk]),
            owner_ids=(),
        )


def _case_records(model, *, key: str, label: str, url_name: str, filters: dict, now, settings):
    horizon = now + REGISTRY[key].soon
    rows = model.objects.filter(due_at__lte=horizon, case__status__in=LIVE_CASE_STATUSES, **filters).values_list(
        "pk", "due_at", "case_id", "case__reference", "case__allocated_worker_id"
    )
    for pk, due, case_id, reference, worker in rows:
        stage = STAGES.get(settings.classify(key, due, now=now))
        if stage is None:
            continue
        yield Candidate(
            record_key=f"{model._meta.label_lower}:{pk}",
            due_at=due,
            stage=stage,
            title=f"{reference}: {label} {_what(stage)}",
            url=reverse(url_name, args=[case_id, pk]),
            owner_ids=_owner(worker),
        )


def nrm_referrals(now: datetime, settings: ServiceSettings):
    return _case_records(
        NrmReferral,
        key="nrm_referral",
        label="NRM referral",
        url_name="cate:nrm_edit",
        filters={"referred_on__isnull": True},
        now=now,
        settings=settings,
    )


def gp_letters(now: datetime, settings: ServiceSettings):
    return _case_records(
        GpLetter,
        key="gp_letter",
        label="GP letter",
        url_name="cate:gp_letter_detail",
        filters={"sent_on__isnull": True},
        now=now,
        settings=settings,
    )


def visits(now: datetime, settings: ServiceSettings):
    cases = Case.objects.filter(
        status__in=LIVE_CASE_STATUSES, allocated_worker__isnull=False, next_visit_due_at__lte=now + timedelta(hours=24)
    ).values_list("pk", "reference", "next_visit_due_at", "allocated_worker_id")
    for pk, reference, due, worker in cases:
        stage = STAGES.get(clock.classify(due, now=now))
        if stage is None:
            continue
        yield Candidate(
            record_key=f"cate.case:{pk}:visit",
            due_at=due,
            stage=stage,
            title=f"{reference}: visit {_what(stage)}",
            url=reverse("cate:visit_add", args=[pk]),
            owner_ids=_owner(worker),
        )


def transitions(now: datetime, settings: ServiceSettings):
    """Coming up from four weeks before the 17th birthday (or at once for a young person already
    older when the case opened); overdue after the day the meeting is due by."""
    today = clock.local_date(now)
    cases = (
        Case.objects.filter(status__in=LIVE_CASE_STATUSES, transition_due_on__isnull=False)
        .annotate(held=Exists(TransitionMeeting.objects.filter(case=OuterRef("pk"))))
        .filter(held=False)
        .values_list("pk", "reference", "transition_due_on", "allocated_worker_id", "child__date_of_birth")
    )
    for pk, reference, due_on, worker, date_of_birth in cases:
        due = clock.end_of_local_day(due_on)
        if now > due:
            stage = Stage.OVERDUE
        elif date_of_birth and today >= clock.birthday(date_of_birth, rules.TRANSITION_AGE) - TRANSITION_NOTICE:
            stage = Stage.DUE_SOON
        else:
            continue
        title = f"{reference}: post-17 transition meeting {'coming up' if stage == Stage.DUE_SOON else 'overdue'}"
        yield Candidate(
            record_key=f"cate.case:{pk}:transition",
            due_at=due,
            stage=stage,
            title=title,
            url=reverse("cate:transition_meeting_add", args=[pk]),
            owner_ids=_owner(worker),
        )


def support_reoffers(now: datetime, settings: ServiceSettings):
    """Support declined or not engaged with: offer it again (SCR Rec 8), due soon two weeks ahead."""
    today = clock.local_date(now)
    horizon = today + REGISTRY["support_reoffer"].soon
    rows = SupportReferral.objects.filter(
        reoffer_due_on__isnull=False,
        reoffered_on__isnull=True,
        reoffer_due_on__lte=horizon,
        case__status__in=LIVE_CASE_STATUSES,
    ).values_list("pk", "reoffer_due_on", "case_id", "case__reference", "case__allocated_worker_id", "service")
    for pk, due_on, case_id, reference, worker, service in rows:
        due = clock.end_of_local_day(due_on)
        stage = STAGES.get(settings.classify("support_reoffer", due, now=now))
        if stage is None:
            continue
        yield Candidate(
            record_key=f"cate.supportreferral:{pk}:reoffer",
            due_at=due,
            stage=stage,
            title=f"{reference}: offer {SupportService(service).label} support again {_what(stage)}",
            url=reverse("cate:support_referral_edit", args=[case_id, pk]),
            owner_ids=_owner(worker),
        )


def sexual_health_checks(now: datetime, settings: ServiceSettings):
    """Every open CSE case: a sexual health check (Rec 9), prompted once to the allocated worker
    (the team leaders while nobody holds the case), until a sexual health or SARC referral is made."""
    referred = SupportReferral.objects.filter(case=OuterRef("pk"), service__in=SEXUAL_HEALTH_SERVICES)
    cases = (
        Case.objects.filter(status__in=LIVE_CASE_STATUSES, cse=True)
        .annotate(referred=Exists(referred))
        .filter(referred=False)
        .values_list(
            "pk",
            "reference",
            "opened_at",
            "last_reopened_at",
            "allocated_worker_id",
            "child__date_of_birth",
            "child__estimated_age",
        )
    )
    today = clock.local_date(now)
    for pk, reference, opened_at, reopened_at, worker, date_of_birth, estimated_age in cases:
        route = rules.sexual_health_route(date_of_birth, estimated_age, today=today)
        yield Candidate(
            record_key=f"cate.case:{pk}:sexual_health",
            due_at=reopened_at or opened_at,
            stage=Stage.DUE_SOON,
            title=f"{reference}: arrange a sexual health check through {route}",
            url=reverse("cate:support_referral_add", args=[pk]),
            owner_ids=_owner(worker),
            escalate=False,
        )


# Declared in the AppConfig (`alert_rules`, the app contract of core.contract).
RULES = (
    AlertRule("rhi", "Return home interviews", return_home_interviews),
    AlertRule("detailed_assessment", "Detailed assessments of CATE referrals", detailed_assessments),
    AlertRule("allocation", "Allocation of opened cases", allocations),
    AlertRule("nrm_referral", "NRM referrals", nrm_referrals),
    AlertRule("gp_letter", "GP letters not sent", gp_letters),
    AlertRule("visits", "Visits past their expected frequency", visits),
    AlertRule("transition", "Post-17 transition meetings", transitions),
    AlertRule("support_reoffer", "Support to offer again", support_reoffers),
    AlertRule("sexual_health_check", "Sexual health checks of CSE cases", sexual_health_checks),
)

"""Timescale alerts of CATE casework (core.alerts): return home interviews, detailed assessments,
allocations, NRM referrals, GP letters, visits and post-17 transitions.

Each rule reads only live items from the records (stored due times), so a met item is no longer
found and a run after an outage finds everything still due. Titles name the case by reference
only: e-mails never carry a child's name."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Exists, Max, OuterRef, Q
from django.urls import reverse

from contacts.models import Child
from core import clock
from core.alerts import AlertRule, Candidate, Stage
from core.clock import DueState
from core.roles import Role
from core.selectors import ServiceSettings
from core.timescales import REGISTRY

from . import rules
from .choices import LIVE_CASE_STATUSES, ReferralStatus, RhiStatus
from .models import Case, CaseloadBreach, GpLetter, MissingEpisode, NrmReferral, Referral, TransitionMeeting
from .oversight_selectors import children_in_care, cic_due, supervision_rows

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


def caseload_breaches(now: datetime, settings: ServiceSettings):
    """A weighted caseload past the limit at the configured number of consecutive month-ends
    (scrutiny Rec 28: "consistently breached") alerts the group managers, once per breach."""
    months = settings["caseload_breach_months"]
    recent = now - timedelta(days=62)  # a breach ended since the last run is still told of
    breaches = CaseloadBreach.objects.filter(Q(ended_at__isnull=True) | Q(ended_at__gte=recent)).values_list(
        "pk", "worker_id", "started_at", "ended_at"
    )
    for pk, worker_id, started_at, ended_at in breaches:
        due = rules.consistently_breached_at(started_at, ended_at, now=now, months=months)
        if due is None:
            continue
        yield Candidate(
            record_key=f"cate.caseloadbreach:{pk}",
            due_at=due,
            stage=Stage.OVERDUE,
            title=f"A caseload has been past the limit at {months} month-ends in a row",
            body="A case holder's caseload, weighted by risk, has been past the caseload limit at the end of "
            f"each of the last {months} months. The caseload page says whose and by how much.",
            url=reverse("cate:caseload_detail", args=[worker_id]),
            owner_ids=(),
            escalate=False,
        )


def supervisions(now: datetime, settings: ServiceSettings):
    """A CATE worker's supervision overdue (Rec 33) tells the team leaders of the worker's team (all
    team leaders when the worker has none), once per due date."""
    overdue = [row for row in supervision_rows(now=now, settings=settings) if row.state == DueState.OVERDUE]
    if not overdue:
        return
    leaders: dict[int | None, list[int]] = {}
    for pk, team_id in (
        get_user_model()
        .objects.filter(groups__name=Role.TEAM_LEADER.label, is_active=True, is_system=False)
        .values_list("pk", "team_id")
    ):
        leaders.setdefault(team_id, []).append(pk)
    for row in overdue:
        yield Candidate(
            record_key=f"core.user:{row.worker.pk}:supervision",
            due_at=row.due_at,
            stage=Stage.OVERDUE,
            title=f"Supervision of {row.worker} overdue",
            url=reverse("cate:supervision_worker", args=[row.worker.pk]),
            owner_ids=tuple(sorted(leaders.get(row.worker.team_id, ()))),
            escalate=False,
        )


def cic_reviews(now: datetime, settings: ServiceSettings):
    """The CSE risk review of a child in care (Rec 6) due soon or overdue tells the Independent
    Reviewing Officers (of a restricted child, only those named on it), once per due date and stage.
    No name in the title: the review page says who."""
    iros = set(
        get_user_model()
        .objects.filter(groups__name=Role.IRO.label, is_active=True, is_system=False)
        .values_list("pk", flat=True)
    )
    if not iros:
        return
    episodes = (
        children_in_care(clock.local_date(now))
        .annotate(last=Max("cse_reviews__reviewed_on"))
        .values_list("pk", "start", "last", "child_id", "child__is_restricted")
    )
    rows = list(episodes)
    restricted = {child for _, _, _, child, is_restricted in rows if is_restricted}
    named: dict[int, set[int]] = {}
    if restricted:
        through = Child.restricted_to.through
        for child_id, user_id in through.objects.filter(child_id__in=restricted).values_list("child_id", "user_id"):
            named.setdefault(child_id, set()).add(user_id)
    for pk, start, last, child_id, is_restricted in rows:
        due = cic_due(start, last, settings)
        stage = STAGES.get(settings.classify("cic_cse_review", due, now=now))
        if stage is None:
            continue
        owners = iros & named.get(child_id, set()) if is_restricted else iros
        if not owners:
            continue
        yield Candidate(
            record_key=f"cate.statutoryepisode:{pk}:cse_review",
            due_at=due,
            stage=stage,
            title=f"Child in care (episode {pk}): CSE risk review {_what(stage)}",
            url=reverse("cate:cic_review_add", args=[pk]),
            owner_ids=tuple(sorted(owners)),
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
    AlertRule(
        "caseload_breach",
        "Caseloads past the limit at consecutive month-ends",
        caseload_breaches,
        escalate_to=Role.GROUP_MANAGER,
    ),
    AlertRule("supervision", "Supervision of CATE workers", supervisions),
    AlertRule("cic_review", "CSE risk reviews of children in care", cic_reviews, escalate_to=Role.GROUP_MANAGER),
)

"""Reads of CATE casework, filtered by what the user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone
from guardian.shortcuts import get_objects_for_user

from contacts import selectors as front_door
from contacts.models import Contact, MaceEntry, ThresholdAssessment
from contacts.rules import factor_rows
from contacts.search import filter_by_name, name_words
from contacts.selectors import hidden_children
from core import clock, contract
from core import selectors as core_selectors
from core.clock import DueState
from core.contract import Outstanding
from core.due import DueItem, due_items_for_cases
from core.roles import has_role
from core.timescales import REGISTRY

from . import rules
from .choices import (
    LIVE_CASE_STATUSES,
    SEXUAL_HEALTH_SERVICES,
    CaseStatus,
    ClosureStatus,
    NrmDecision,
    ReferralStatus,
    RhiStatus,
    SupportService,
)
from .models import (
    Allocation,
    Case,
    CaseClosure,
    ChronologyEvent,
    ClosureItem,
    DetailedAssessment,
    Disclosure,
    GpLetter,
    MissingEpisode,
    NrmReferral,
    Referral,
    RiskAssessment,
    StatutoryEpisode,
    SupportReferral,
    TransitionMeeting,
    Visit,
)
from .permissions import CASE_HOLDING_ROLES, REFERRAL_TEAM_ROLES, VIEW_ALL_CASES, VIEW_REFERRAL


def cases_visible_to(user) -> QuerySet[Case]:
    """Cases allocated to a worker (object permission), or every case for managers; restricted
    children only for the staff named on them."""
    if not user.is_authenticated:
        return Case.objects.none()
    if user.has_perm(VIEW_ALL_CASES):
        cases = Case.objects.all()
    else:
        cases = get_objects_for_user(
            user, "cate.view_case", klass=Case, accept_global_perms=False, with_superuser=False
        )
    return cases.exclude(child__in=hidden_children(user).values("pk"))


def visible_cases_q(path: str, user) -> Q:
    """A filter on `path` (a foreign key to Case) keeping the rows of cases the user may see.

    The same rows as `Q(path__in=cases_visible_to(user))`; for those who see every case it leaves
    out only the hidden children's cases, so PostgreSQL does not scan every case for each list."""
    if user.is_authenticated and user.has_perm(VIEW_ALL_CASES):
        return Q(**{f"{path}__isnull": False}) & ~Q(**{f"{path}__child__in": hidden_children(user).values("pk")})
    return Q(**{f"{path}__in": cases_visible_to(user)})


def case_get_for_user(user, pk: int) -> Case:
    """One case, or 404 for a case that does not exist and for one the user may not see."""
    return get_object_or_404(
        cases_visible_to(user).select_related(
            "child", "allocated_worker", "classified_by", "opened_by", "closure_proposed_by", "closure_approved_by"
        ),
        pk=pk,
    )


# --- Referrals -----------------------------------------------------------------------------


def _worker_on_referral(user) -> Q:
    """The referrals whose detailed assessment the user writes, or whose case is allocated to them."""
    return Q(assessment__author=user) | Q(case__allocated_worker=user)


def referrals_visible_to(user) -> QuerySet[Referral]:
    """Team leaders and group managers see every referral; a worker sees the referrals whose detailed
    assessment they write or whose case is allocated to them. Restricted children only for the staff
    named on them."""
    if not user.is_authenticated or not user.has_perm(VIEW_REFERRAL):
        return Referral.objects.none()
    referrals = Referral.objects.all()
    if not user.has_perm(VIEW_ALL_CASES):
        referrals = referrals.filter(_worker_on_referral(user))
    return referrals.exclude(child__in=hidden_children(user).values("pk"))


def referrals_worked_on(user) -> QuerySet[Referral] | None:
    """The referrals the user works on: the assessment's author, the worker allocated the case opened
    from it, and the CATE team leaders (every referral). They read the contact a referral came from
    and its child at the front door (cate.involvement); None for anyone else. Restricted children
    are removed by the front door's selectors, which read this as a subquery."""
    if not user.is_authenticated or not user.has_perm(VIEW_REFERRAL):
        return None
    if has_role(user, *REFERRAL_TEAM_ROLES):
        return Referral.objects.all()
    return Referral.objects.filter(_worker_on_referral(user))


def referral_get_for_user(user, pk: int) -> Referral:
    return get_object_or_404(
        referrals_visible_to(user).select_related(
            "child",
            "contact__threshold_assessment__assessed_by",
            "contact__decided_by",
            "contact__early_help_agency",
            "referred_by",
            "assessment",
            "assessment__author",
            "case",
        ),
        pk=pk,
    )


@dataclass(frozen=True)
class FrontDoorRecord:
    """What the front door knew of a referral, as the reader may see it: the contact it came from,
    its threshold assessment, the decision, and every agency's answers to its enquiries (None for a
    reader who may see none of them); whether the reader may open the contact and the child."""

    contact: Contact | None
    threshold: ThresholdAssessment | None
    factor_rows: list
    decision_state: DueState | None
    mace_entries: list[MaceEntry] | None
    contact_readable: bool
    child_readable: bool


def front_door_of(referral: Referral, user, *, now: datetime, settings) -> FrontDoorRecord:
    """Read with a fixed number of queries, whatever the factors and answers (the referral read
    through `referral_get_for_user`)."""
    contact = referral.contact
    threshold = getattr(contact, "threshold_assessment", None) if contact is not None else None
    decision_state = None
    if contact is not None and contact.decided_at:
        due_at, met_at = contact.decision_due_at, contact.decided_at
        decision_state = settings.classify("contact_decision", due_at, now=now, met_at=met_at)
    return FrontDoorRecord(
        contact=contact,
        threshold=threshold,
        factor_rows=factor_rows(threshold),
        decision_state=decision_state,
        mace_entries=front_door.mace_pack_for_contact(user, contact) if contact is not None else None,
        contact_readable=front_door.contact_readable(user, referral.contact_id),
        child_readable=front_door.child_readable(user, referral.child_id),
    )


def referral_queue(user, *, completed: bool = False, status: str = "") -> QuerySet[Referral]:
    """Referrals awaiting or in assessment, earliest due first (or the completed ones, newest first);
    `status` keeps those awaiting an assessor or those in assessment."""
    rows = referrals_visible_to(user).select_related("child", "contact", "assessment", "assessment__author", "case")
    if completed:
        return rows.filter(status=ReferralStatus.COMPLETED).order_by("-referred_at", "-id")
    if status in (ReferralStatus.AWAITING_ASSESSMENT, ReferralStatus.ASSESSMENT_IN_PROGRESS):
        rows = rows.filter(status=status)
    return rows.exclude(status=ReferralStatus.COMPLETED).order_by("assessment_due_at", "id")


def referral_due_state(referral: Referral, *, now: datetime, settings) -> DueState:
    assessment = getattr(referral, "assessment", None)
    met_at = assessment.completed_at if assessment is not None and assessment.outcome else None
    return settings.classify("detailed_assessment", referral.assessment_due_at, now=now, met_at=met_at)


# --- Case lists and caseloads --------------------------------------------------------------


def _transition_overdue() -> Q:
    """Live cases past the post-17 transition date without a meeting (IITCSE Rec 11)."""
    held = TransitionMeeting.objects.filter(case=OuterRef("pk"))
    return Q(status__in=LIVE_CASE_STATUSES, transition_due_on__lt=timezone.localdate()) & ~Exists(held)


CASE_LIST_VIEWS = {
    "open": ("Open", lambda: Q(status=CaseStatus.OPEN)),
    "unallocated": ("Unallocated", lambda: Q(status__in=LIVE_CASE_STATUSES, allocated_worker__isnull=True)),
    "closure_proposed": ("Closure proposed", lambda: Q(status=CaseStatus.CLOSURE_PROPOSED)),
    "transition_overdue": ("Post-17 transition overdue", _transition_overdue),
    "closed": ("Closed", lambda: Q(status=CaseStatus.CLOSED)),
    "all": ("All", lambda: Q()),
}


def _rhi_due(now: datetime, *, soon: bool = False) -> Q:
    """Live cases with a return home interview past its 72 hours (or due soon), not yet held or declined."""
    due = {"rhi_due_at__gte": now, "rhi_due_at__lte": now + REGISTRY["return_home_interview"].soon}
    interviews = MissingEpisode.objects.filter(
        case=OuterRef("pk"), rhi_eligible=True, case__status__in=LIVE_CASE_STATUSES, **(due if soon else {})
    ).exclude(interview__status__in=[RhiStatus.COMPLETED, RhiStatus.DECLINED])
    return Q(status__in=LIVE_CASE_STATUSES) & Exists(interviews if soon else interviews.filter(rhi_due_at__lt=now))


def _visit_due(now: datetime, *, soon: bool = False) -> Q:
    """Live cases whose next visit is overdue (or due within a day, as the caseload shows it)."""
    due = (
        Q(next_visit_due_at__gte=now, next_visit_due_at__lte=now + VISIT_SOON) if soon else Q(next_visit_due_at__lt=now)
    )
    return Q(status__in=LIVE_CASE_STATUSES) & due


def _reoffer_due(now: datetime) -> Q:
    """Live cases with support declined, or not engaged with, due to be offered again (SCR Rec 8)."""
    due = SupportReferral.objects.filter(
        case=OuterRef("pk"), reoffered_on__isnull=True, reoffer_due_on__lte=clock.local_date(now)
    )
    return Q(status__in=LIVE_CASE_STATUSES) & Exists(due)


def _sexual_health_unchecked(now: datetime) -> Q:
    """Live CSE cases with no referral yet for the sexual health check (Rec 9)."""
    referred = SupportReferral.objects.filter(case=OuterRef("pk"), service__in=SEXUAL_HEALTH_SERVICES)
    return Q(status__in=LIVE_CASE_STATUSES, cse=True) & ~Exists(referred)


VISIT_SOON = dt.timedelta(hours=24)  # core.clock.classify's "due soon", which the caseload's visits use

# What is due or overdue on a case, as the list of cases filters it (?due=): the caseload's clocks.
CASE_DUE_FILTERS = {
    "visit": ("Visit overdue", _visit_due),
    "visit_soon": ("Visit due within a day", lambda now: _visit_due(now, soon=True)),
    "rhi": ("Return home interview overdue", _rhi_due),
    "rhi_soon": ("Return home interview due soon", lambda now: _rhi_due(now, soon=True)),
    "allocation": (
        "Allocation overdue",
        lambda now: Q(status__in=LIVE_CASE_STATUSES, allocated_worker__isnull=True, allocation_due_at__lt=now),
    ),
    "reoffer": ("Support to offer again", _reoffer_due),
    "sexual_health": ("Sexual health check to arrange", _sexual_health_unchecked),
}


@dataclass(frozen=True)
class CaseFilters:
    """The search and filters of the list of cases (cate.forms.CaseListFilterForm)."""

    text: str = ""
    worker_id: int | None = None
    team_id: int | None = None
    risk: str = ""  # a RiskLevel, or "none" for no level yet
    due: str = ""  # a key of CASE_DUE_FILTERS


def _case_text(user, text: str) -> Q:
    """A child's name, a case reference or the allocated worker's name."""
    words = name_words(text)
    by_worker = Q()
    for word in words:
        by_worker &= (
            Q(allocated_worker__first_name__icontains=word)
            | Q(allocated_worker__last_name__icontains=word)
            | Q(allocated_worker__username__iexact=word)
        )
    by_name = filter_by_name(front_door.child_list_for_user(user), text).values("pk")
    found = Q(reference__iexact=text.strip()) | Q(child__in=by_name)
    return found | by_worker if words else found


def case_list_for_user(
    user, view: str = "open", *, filters: CaseFilters | None = None, now: datetime | None = None
) -> QuerySet[Case]:
    _, condition = CASE_LIST_VIEWS.get(view, CASE_LIST_VIEWS["open"])
    rows = cases_visible_to(user).filter(condition()).select_related("child", "allocated_worker")
    filters = filters or CaseFilters()
    if filters.text.strip():
        rows = rows.filter(_case_text(user, filters.text))
    if filters.worker_id:
        rows = rows.filter(allocated_worker_id=filters.worker_id)
    if filters.team_id:
        rows = rows.filter(allocated_worker__team_id=filters.team_id)
    if filters.risk == "none":
        rows = rows.filter(current_risk_level="")
    elif filters.risk:
        rows = rows.filter(current_risk_level=filters.risk)
    if filters.due in CASE_DUE_FILTERS:
        rows = rows.filter(CASE_DUE_FILTERS[filters.due][1](now or timezone.now()))
    if view == "unallocated":
        return rows.order_by("allocation_due_at", "id")
    if view == "transition_overdue":
        return rows.order_by("transition_due_on", "id")
    return rows.order_by("-opened_at", "-id")


@dataclass
class CaseloadRow:
    case: Case
    items: list[DueItem] = field(default_factory=list)

    @property
    def next_item(self) -> DueItem | None:
        return self.items[0] if self.items else None

    @property
    def overdue_count(self) -> int:
        return sum(1 for item in self.items if item.state == DueState.OVERDUE)


def caseload_rows(cases: QuerySet[Case], *, now: datetime, settings) -> list[CaseloadRow]:
    """Each case with its open due items, the case with the earliest next item first."""
    cases = list(cases.select_related("child"))
    due = due_items_for_cases([c.pk for c in cases], now=now, settings=settings)
    rows = [CaseloadRow(case=c, items=due.get(c.pk, [])) for c in cases]
    far = datetime.max.replace(tzinfo=clock.UTC)
    rows.sort(key=lambda r: (r.next_item.due_at if r.next_item else far, r.case.reference))
    return rows


def caseload_of(viewer, worker) -> QuerySet[Case]:
    """The live cases allocated to `worker`, as `viewer` may see them."""
    return cases_visible_to(viewer).filter(allocated_worker=worker, status__in=LIVE_CASE_STATUSES)


def manager_summary(user, *, now: datetime) -> dict[str, int]:
    """What the landing page tells a manager: unallocated cases (and how many are overdue), closures
    to decide, and young people past the post-17 transition date without a meeting."""
    cases = cases_visible_to(user)
    unallocated = list(
        cases.filter(status__in=LIVE_CASE_STATUSES, allocated_worker__isnull=True).values_list(
            "allocation_due_at", flat=True
        )
    )
    return {
        "unallocated_count": len(unallocated),
        "unallocated_overdue": sum(1 for due in unallocated if due and due < now),
        "closures_count": cases.filter(status=CaseStatus.CLOSURE_PROPOSED).count(),
        "transitions_overdue": case_list_for_user(user, "transition_overdue").count(),
    }


def case_holders():
    """Staff who may hold CATE cases: active CATE workers and team leaders, and case holders."""
    labels = [role.label for role in CASE_HOLDING_ROLES]
    return (
        get_user_model()
        .objects.filter(is_active=True, is_system=False)
        .filter(Q(groups__name__in=labels) | Q(case_holder=True))
        .distinct()
    )


def case_holder_choices():
    """Who can be given a case, an assessment or a return home interview to hold: case holders
    (CATE workers, team leaders, and staff marked as case holders) who can sign in today."""
    return core_selectors.staff_who_can_hold(roles=CASE_HOLDING_ROLES, also=Q(case_holder=True))


def case_holders_by_name():
    return case_holders().order_by("first_name", "last_name", "username")


def case_holder_get(pk: int):
    """One case holder, or 404."""
    return get_object_or_404(case_holders(), pk=pk)


def live_caseload(worker) -> int:
    """How many live cases are allocated to the worker."""
    return Case.objects.filter(allocated_worker=worker, status__in=LIVE_CASE_STATUSES).count()


def caseload_counts(worker_ids) -> dict[int, int]:
    rows = (
        Case.objects.filter(allocated_worker_id__in=list(worker_ids), status__in=LIVE_CASE_STATUSES)
        .values("allocated_worker_id")
        .annotate(n=Count("id"))
    )
    return {row["allocated_worker_id"]: row["n"] for row in rows}


def case_holders_with_caseloads(*, past_limit: int | None = None) -> list[tuple]:
    """Every case holder with the number of live cases they hold (only those holding more than
    `past_limit`, when given)."""
    holders = list(case_holders_by_name())
    counts = caseload_counts(h.pk for h in holders)
    rows = [(holder, counts.get(holder.pk, 0)) for holder in holders]
    return rows if past_limit is None else [row for row in rows if row[1] > past_limit]


def case_holders_past_limit_count(limit: int) -> int:
    """How many case holders hold more live cases than the limit (one query)."""
    live = (
        Case.objects.filter(allocated_worker=OuterRef("pk"), status__in=LIVE_CASE_STATUSES)
        .order_by()
        .values("allocated_worker")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return case_holders().annotate(live=Subquery(live)).filter(live__gt=limit).count()


# --- One case ------------------------------------------------------------------------------


@dataclass
class EpisodeRow:
    episode: MissingEpisode
    state: DueState | None

    @property
    def interview(self):
        return getattr(self.episode, "interview", None)


def episode_rows(episodes, *, now: datetime, settings) -> list[EpisodeRow]:
    rows = []
    for episode in episodes:
        state = None
        if episode.rhi_eligible and episode.rhi_due_at:
            interview = getattr(episode, "interview", None)
            met_at = interview.met_at if interview is not None else None
            state = settings.classify("return_home_interview", episode.rhi_due_at, now=now, met_at=met_at)
        rows.append(EpisodeRow(episode=episode, state=state))
    return rows


def episode_state(episode: MissingEpisode, *, now: datetime, settings) -> DueState | None:
    return episode_rows([episode], now=now, settings=settings)[0].state


def missing_episodes_of(case: Case) -> QuerySet[MissingEpisode]:
    return case.missing_episodes.select_related("interview", "interview__conducted_by").order_by("-missing_from")


def date_met(day) -> datetime | None:
    return clock.start_of_local_day(day) if day else None


@dataclass
class CasePage:
    """Everything the case page shows, read with a fixed number of queries."""

    case: Case
    due_items: list[DueItem]
    chronology: list[ChronologyEvent]
    visits: list[Visit]
    risk_assessments: list[RiskAssessment]
    episodes: list[EpisodeRow]
    nrm_referrals: list[tuple[NrmReferral, DueState]]
    gp_letters: list[tuple[GpLetter, DueState]]
    support_referrals: list[SupportReferral]
    disclosures: list[Disclosure]
    transition_meetings: list[TransitionMeeting]
    statutory_episodes: list[StatutoryEpisode]
    allocations: list[Allocation]
    closures: list[CaseClosure]
    allocation_state: DueState | None
    transition_state: DueState | None
    transition_held_on: date | None
    transition_from: date | None
    isva_referral_needed: bool
    assessment: DetailedAssessment | None
    counts: dict[str, int]


RECENT = 5


def case_page(case: Case, *, now: datetime, settings) -> CasePage:
    """The case page: recent rows of each kind (the full lists have their own pages)."""
    live = case.status != CaseStatus.CLOSED
    due_items = due_items_for_cases([case.pk], now=now, settings=settings).get(case.pk, []) if live else []
    counts = {
        "chronology": case.chronology.count(),
        "visits": case.visits.count(),
        "episodes": case.missing_episodes.count(),
        "risk_assessments": case.risk_assessments.count(),
    }
    chronology = list(case.chronology.select_related("recorded_by")[:RECENT])
    visits = list(case.visits.select_related("recorded_by")[:RECENT])
    risk_assessments = list(case.risk_assessments.select_related("author")[:RECENT])
    episodes = episode_rows(missing_episodes_of(case)[:RECENT], now=now, settings=settings)
    nrm = [
        (n, settings.classify("nrm_referral", n.due_at, now=now, met_at=date_met(n.referred_on)) if n.due_at else None)
        for n in case.nrm_referrals.all()
    ]
    letters = [
        (g, settings.classify("gp_letter", g.due_at, now=now, met_at=date_met(g.sent_on)) if g.due_at else None)
        for g in case.gp_letters.select_related("sent_by")
    ]
    support = list(case.support_referrals.all())
    disclosures = list(case.disclosures.select_related("worker"))
    meetings = list(case.transition_meetings.prefetch_related("attending_agencies"))
    statutory = list(StatutoryEpisode.objects.filter(child_id=case.child_id).order_by("-start"))
    allocations = list(case.allocations.select_related("worker", "allocated_by"))
    closures = list(case.closures.select_related("proposed_by", "decided_by", "reopened_by").prefetch_related("items"))
    first_allocation = min((a.started_at for a in allocations if a.started_at >= case.live_since), default=None)
    allocation_state = (
        settings.classify("allocation", case.allocation_due_at, now=now, met_at=first_allocation)
        if case.allocation_due_at and live
        else None
    )
    transition_state = None
    held = min((m.held_on for m in meetings), default=None)
    transition_from = None
    if case.child.date_of_birth:
        transition_from = rules.transition_meeting_from(date_of_birth=case.child.date_of_birth, settings=settings)
    if case.transition_due_on and live:
        transition_state = settings.classify(
            "post17_transition", clock.end_of_local_day(case.transition_due_on), now=now, met_at=date_met(held)
        )
    latest_disclosure = max((d.disclosed_on for d in disclosures), default=None)
    isva_needed = latest_disclosure is not None and not any(
        s.service == SupportService.ISVA and s.referred_on >= latest_disclosure for s in support
    )
    assessment = None
    if case.referral_id:
        assessment = DetailedAssessment.objects.filter(referral_id=case.referral_id).select_related("author").first()
    return CasePage(
        case=case,
        due_items=due_items,
        chronology=chronology,
        visits=visits,
        risk_assessments=risk_assessments,
        episodes=episodes,
        nrm_referrals=nrm,
        gp_letters=letters,
        support_referrals=support,
        disclosures=disclosures,
        transition_meetings=meetings,
        statutory_episodes=statutory,
        allocations=allocations,
        closures=closures,
        allocation_state=allocation_state,
        transition_state=transition_state,
        transition_held_on=held,
        transition_from=transition_from,
        isva_referral_needed=isva_needed,
        assessment=assessment,
        counts=counts,
    )


def chronology_of(case: Case, *, significant_only: bool = False) -> QuerySet[ChronologyEvent]:
    rows = case.chronology.select_related("recorded_by")
    return rows.filter(significant=True) if significant_only else rows


def visits_of(case: Case) -> QuerySet[Visit]:
    return case.visits.select_related("recorded_by")


def risk_assessment_revisions(assessment: RiskAssessment):
    """Every saved state of an assessment, newest first, with who saved it and why."""
    return assessment.history.select_related("history_user").order_by("-history_date", "-history_id")


# --- Records of one case (the case already read through case_get_for_user) ----------------


def visit_get_on_case(case: Case, pk: int) -> Visit:
    return get_object_or_404(case.visits, pk=pk)


def risk_assessment_get_on_case(case: Case, pk: int) -> RiskAssessment:
    return get_object_or_404(case.risk_assessments.select_related("author"), pk=pk)


def risk_assessment_latest(case: Case) -> RiskAssessment | None:
    """The assessment a review starts from: the latest one."""
    return case.risk_assessments.order_by("-assessed_at", "-id").first()


def missing_episode_get_on_case(case: Case, pk: int) -> MissingEpisode:
    return get_object_or_404(missing_episodes_of(case).select_related("recorded_by"), pk=pk)


def missing_episode_get_for_user(user, pk: int) -> MissingEpisode:
    """A missing episode of a case the user may open (404 for one that does not exist and for one
    they may not see), with its child and case."""
    episodes = MissingEpisode.objects.filter(visible_cases_q("case", user)).select_related("child", "case__child")
    return get_object_or_404(episodes, pk=pk)


def nrm_referral_get_on_case(case: Case, pk: int) -> NrmReferral:
    return get_object_or_404(case.nrm_referrals, pk=pk)


def gp_letter_get_on_case(case: Case, pk: int) -> GpLetter:
    return get_object_or_404(
        case.gp_letters.select_related("generated_by", "sent_by", "sender__team", "case__child"), pk=pk
    )


def support_referral_get_on_case(case: Case, pk: int) -> SupportReferral:
    return get_object_or_404(case.support_referrals, pk=pk)


def statutory_episode_get_on_case(case: Case, pk: int) -> StatutoryEpisode:
    """A statutory episode of the case's child (episodes belong to the child, not the case)."""
    return get_object_or_404(StatutoryEpisode, pk=pk, child_id=case.child_id)


def closure_proposed(case: Case) -> CaseClosure | None:
    """The closure of the case waiting for a decision, if there is one."""
    return case.closures.filter(status=ClosureStatus.PROPOSED).select_related("proposed_by").first()


def closure_latest(case: Case) -> CaseClosure | None:
    return case.closures.select_related("proposed_by").order_by("-id").first()


# --- Closure: what is outstanding ----------------------------------------------------------


def closure_outstanding(case: Case, *, now: datetime, settings) -> list[Outstanding]:
    """Everything still outstanding on the case that closing it would leave behind: what every app
    declares (core.contract hook `closure_outstanding`), the items no reason overrides first."""
    items = [
        item
        for provider in contract.contributions("closure_outstanding")
        for item in provider(case, now=now, settings=settings)
    ]
    return sorted(items, key=lambda item: item.overridable)


def closure_items(closure: CaseClosure | None) -> list[ClosureItem]:
    """What was outstanding when the closure was proposed, with the worker's reasons and the decisions."""
    if closure is None:
        return []
    return list(closure.items.select_related("decided_by").order_by("id"))


# --- NRM referrals awaiting a decision (on open and closed cases alike) --------------------


def nrm_awaiting_decision_for_user(user) -> QuerySet[NrmReferral]:
    """NRM referrals made and waiting for the reasonable- or conclusive-grounds decision, on the cases
    the user may see, closed ones included (a decision comes after the case closes as before),
    the longest waiting first."""
    undecided = sorted(rules.NRM_UNDECIDED)
    awaiting = Q(reasonable_grounds__in=undecided) | Q(
        reasonable_grounds=NrmDecision.POSITIVE, conclusive_grounds__in=undecided
    )
    return (
        NrmReferral.objects.filter(visible_cases_q("case", user), awaiting, referred_on__isnull=False)
        .select_related("case", "case__child", "case__allocated_worker")
        .order_by("referred_on", "id")
    )

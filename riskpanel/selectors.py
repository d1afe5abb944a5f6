"""Reads of the risk panel, filtered by what the user may see.

Panels: team leaders and group managers see every panel; a panel member sees a panel only while it
is open and they are invited; nobody else sees any. Agenda items show only children the user may
know exist (contacts.selectors.children_visible_to). Strategy meetings, safety plans and actions
follow the case: a worker sees those of their own cases, managers those of every case. A partner
agency practitioner sees the actions their agency owns, of children they may know exist.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case as SqlCase
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Concat, Lower
from django.shortcuts import get_object_or_404

from cate.choices import RISK_ORDER, CaseStatus, RiskLevel
from cate.models import Allocation, Case, RiskAssessment
from cate.selectors import cases_visible_to, visible_cases_q
from contacts.selectors import hidden_children
from core import clock
from core import selectors as core_selectors
from core.due import DueItem, due_items_for_cases
from core.roles import Role

from .choices import AGENDA_EDITABLE, ActionStatus, AgencyActionsShown, ItemKind, PanelStatus, SafetyPlanStatus
from .models import (
    Action,
    ActionProgressNote,
    AgendaItem,
    MinutesAttendance,
    PanelDecision,
    PanelMeeting,
    PanelMinutes,
    SafetyPlan,
    StrategyMeeting,
)
from .permissions import (
    ACTION_OWNER_ROLES,
    AGENCY_ACTIONS,
    CHAIR_PANEL,
    VIEW_ACTION,
    VIEW_AGENDA_ITEM,
    VIEW_DECISION,
    VIEW_SAFETY_PLAN,
    VIEW_STRATEGY_MEETING,
    is_panel_member,
    sees_every_panel,
)

# --- Panels and agendas ----------------------------------------------------------------------


def panels_visible_to(user) -> QuerySet[PanelMeeting]:
    """Every panel for those who hold the view permission; for a panel member, only the open
    panels they are invited to (before and after, nothing)."""
    if not user.is_authenticated:
        return PanelMeeting.objects.none()
    if sees_every_panel(user):
        return PanelMeeting.objects.all()
    if is_panel_member(user):
        return PanelMeeting.objects.filter(status=PanelStatus.OPEN, members=user)
    return PanelMeeting.objects.none()


def panel_list_for_user(user) -> QuerySet[PanelMeeting]:
    return (
        panels_visible_to(user)
        .select_related("chair")
        .annotate(item_count=Count("items", filter=Q(items__withdrawn_at__isnull=True), distinct=True))
        .order_by("-meets_at")
    )


def panel_get_for_user(user, pk: int) -> PanelMeeting:
    """One panel with its chair, agencies and members, or 404 (missing and forbidden alike)."""
    return get_object_or_404(
        panels_visible_to(user).select_related("chair").prefetch_related("agencies", "members"), pk=pk
    )


def panel_latest() -> PanelMeeting | None:
    """The last panel on the schedule (the next ones follow it), with its chair."""
    return PanelMeeting.objects.order_by("-meets_at").select_related("chair").first()


def panels_upcoming(*, now: dt.datetime, limit: int = 3) -> list[PanelMeeting]:
    return list(
        PanelMeeting.objects.filter(meets_at__gte=now - dt.timedelta(hours=12))
        .exclude(status=PanelStatus.CLOSED)
        .select_related("chair")
        .order_by("meets_at")[:limit]
    )


def _items_visible_to(user) -> QuerySet[AgendaItem]:
    return AgendaItem.objects.exclude(case__child__in=hidden_children(user).values("pk"))  # items with no case stay


def agenda_item_list_for_user(user, meeting: PanelMeeting, *, include_withdrawn: bool = False) -> QuerySet[AgendaItem]:
    """The agenda of a panel the user may see, with the children they may know exist."""
    items = _items_visible_to(user).filter(meeting=meeting)
    if not include_withdrawn:
        items = items.filter(withdrawn_at__isnull=True)
    return items.select_related(
        "meeting", "case__child", "case__allocated_worker", "presenting_agency", "decision", "carried_to__meeting"
    ).order_by("position", "id")


def panel_agenda(
    user, meeting: PanelMeeting, *, include_withdrawn: bool, now: dt.datetime, settings
) -> list[AgendaItem]:
    """The agenda as the panel's page shows it: each item with the state of its first-panel
    deadline (met by the decision, if any)."""
    items = list(agenda_item_list_for_user(user, meeting, include_withdrawn=include_withdrawn))
    for item in items:
        item.first_panel_state = (
            settings.classify(
                "first_panel",
                item.first_panel_due_at,
                now=now,
                met_at=item.decision.decided_at if hasattr(item, "decision") else None,
            )
            if item.first_panel_due_at
            else None
        )
    return items


def agenda_for_minutes(user, meeting: PanelMeeting) -> list[AgendaItem]:
    """The items the minutes cover (not withdrawn), each with its decision, the panel it was
    carried to, its discussion in the minutes (`minutes_discussion`) and the actions agreed with
    its decision (`decision_actions`): four queries whatever the length of the agenda."""
    items = list(
        agenda_item_list_for_user(user, meeting).select_related(
            "decision__decided_by", "carried_to__meeting", "minutes_entry"
        )
    )
    decision_ids = [item.decision.pk for item in items if hasattr(item, "decision")]
    actions: dict[int, list[Action]] = {}
    for action in Action.objects.filter(decision_id__in=decision_ids).select_related("owner_agency", "owner"):
        actions.setdefault(action.decision_id, []).append(action)
    for item in items:
        decision = getattr(item, "decision", None)
        item.decision_actions = actions.get(decision.pk, []) if decision is not None else []
        entry = getattr(item, "minutes_entry", None)
        item.minutes_discussion = entry.discussion if entry is not None else ""
    return items


def minutes_for_meeting(meeting: PanelMeeting) -> PanelMinutes | None:
    """The panel's minutes, with who last changed and who finalised them, and the attendance."""
    return (
        PanelMinutes.objects.filter(meeting=meeting)
        .select_related("updated_by", "finalised_by")
        .prefetch_related(Prefetch("attendance", queryset=MinutesAttendance.objects.select_related("agency")))
        .first()
    )


def agenda_item_get_for_user(user, meeting_pk: int, pk: int) -> AgendaItem:
    meeting = panel_get_for_user(user, meeting_pk)
    item = get_object_or_404(
        _items_visible_to(user)
        .filter(meeting=meeting)
        .select_related(
            "case__child",
            "case__allocated_worker",
            "presenting_agency",
            "paper_assessment",
            "added_by",
            "carried_to__meeting",
        ),
        pk=pk,
    )
    item.meeting = meeting
    return item


def items_carried_into(item: AgendaItem) -> list[AgendaItem]:
    """The items of earlier panels that were not decided and were carried to this one."""
    return list(AgendaItem.objects.filter(carried_to=item).select_related("meeting").order_by("meeting__meets_at"))


def decision_for_item(item: AgendaItem) -> PanelDecision | None:
    return (
        PanelDecision.objects.filter(item=item).select_related("decided_by", "gp_letter").first() if item.pk else None
    )


def actions_for_decision(decision: PanelDecision | None) -> list[Action]:
    """The actions agreed with a panel decision (none before the decision)."""
    if decision is None:
        return []
    return list(Action.objects.filter(decision=decision).select_related("owner_agency", "owner"))


@dataclass(frozen=True)
class AgendaCandidate:
    """A case the records say is due at a panel."""

    case: Case
    kind: str
    first_panel_due_at: dt.datetime | None = None
    review_due_on: dt.date | None = None

    @property
    def due_on(self) -> dt.date:
        """The day the case is due at a panel (its first panel, or its review)."""
        return clock.local_date(self.first_panel_due_at) if self.first_panel_due_at else self.review_due_on

    @property
    def last_risk_label(self) -> str:
        """The risk level of the case's last panel decision ("" before its first panel)."""
        level = self.case.last_risk_level
        return RiskLevel(level).label if level else ""

    @property
    def risk_rank(self) -> int:
        """Higher for a higher risk level: the panel's last decision, else the worker's assessment."""
        level = self.case.last_risk_level or self.case.current_risk_level
        return RISK_ORDER.index(level) + 1 if level in RISK_ORDER else 0


def review_horizon(meeting: PanelMeeting, settings) -> dt.date:
    """Reviews falling due before the following panel are due at this one (else they would be late)."""
    following = (
        PanelMeeting.objects.filter(meets_at__gt=meeting.meets_at)
        .order_by("meets_at")
        .values_list("meets_at", flat=True)
        .first()
    )
    return clock.local_date(following or settings.due("panel_schedule_interval", meeting.meets_at))


def agenda_candidates(*, meeting: PanelMeeting, user, settings) -> list[AgendaCandidate]:
    """Open cases due at this panel: their first panel (allocated, never discussed) or a review
    (the last decision's review date falls before the following panel). Cases already on this
    agenda, or waiting on another panel's agenda that has not closed, are left out. The most
    urgent first: by the day they are due, then the highest risk (the last decision's level, else
    the worker's), each with its last decision (`case.last_risk_level`, `last_colour`,
    `last_decided_at`)."""
    decisions = PanelDecision.objects.filter(item__case=OuterRef("pk")).order_by("-decided_at", "-id")
    first_allocation = Allocation.objects.filter(case=OuterRef("pk")).order_by("started_at", "id")
    waiting = AgendaItem.objects.filter(
        case=OuterRef("pk"),
        decision__isnull=True,
        withdrawn_at__isnull=True,
        meeting__status__in=AGENDA_EDITABLE,
    )
    on_this_agenda = AgendaItem.objects.filter(case=OuterRef("pk"), meeting=meeting)
    horizon = review_horizon(meeting, settings)
    cases = (
        cases_visible_to(user)
        .exclude(status=CaseStatus.CLOSED)
        .annotate(
            first_allocated_at=Subquery(first_allocation.values("started_at")[:1]),
            discussed=Exists(decisions),
            last_review_on=Subquery(decisions.values("next_review_on")[:1]),
            last_risk_level=Subquery(decisions.values("risk_level")[:1]),
            last_colour=Subquery(decisions.values("colour")[:1]),
            last_decided_at=Subquery(decisions.values("decided_at")[:1]),
            waiting=Exists(waiting),
            on_this_agenda=Exists(on_this_agenda),
        )
        .filter(
            first_allocated_at__isnull=False,
            first_allocated_at__lte=meeting.meets_at,
            waiting=False,
            on_this_agenda=False,
        )
        .filter(Q(discussed=False) | Q(last_review_on__lt=horizon))
        .select_related("child", "allocated_worker")
    )
    candidates = []
    for case in cases:
        if not case.discussed:
            due = settings.due("first_panel", case.first_allocated_at)
            candidates.append(AgendaCandidate(case=case, kind=ItemKind.FIRST_PANEL, first_panel_due_at=due))
        else:
            candidates.append(AgendaCandidate(case=case, kind=ItemKind.REVIEW, review_due_on=case.last_review_on))
    candidates.sort(key=lambda c: (c.due_on, -c.risk_rank, c.first_panel_due_at is None, c.case.pk))
    return candidates


def panel_next_after(meeting: PanelMeeting) -> PanelMeeting | None:
    """The next panel on the schedule after this one that has not met yet (where items not decided
    here are carried), with its chair."""
    return (
        PanelMeeting.objects.filter(meets_at__gt=meeting.meets_at, status=PanelStatus.SCHEDULED)
        .select_related("chair")
        .order_by("meets_at")
        .first()
    )


def agenda_places_taken(meeting: PanelMeeting) -> int:
    """Items on the agenda that take a place (withdrawn and carried-away ones do not)."""
    return meeting.items.filter(withdrawn_at__isnull=True, carried_to__isnull=True).count()


def undecided_items(user, meeting: PanelMeeting) -> list[AgendaItem]:
    """Items of the panel with no decision (a case) or outcome (no case), not withdrawn nor already
    carried: those closing the panel carries to the next one."""
    return list(
        agenda_item_list_for_user(user, meeting).filter(decision__isnull=True, outcome="", carried_to__isnull=True)
    )


def latest_assessments(case_ids) -> dict[int, RiskAssessment]:
    """The latest risk assessment of each case, with its author (one query)."""
    latest: dict[int, RiskAssessment] = {}
    rows = (
        RiskAssessment.objects.filter(case_id__in=list(case_ids))
        .select_related("author")
        .order_by("case_id", "-assessed_at", "-id")
    )
    for assessment in rows:
        latest.setdefault(assessment.case_id, assessment)
    return latest


# --- Cases -----------------------------------------------------------------------------------


def case_list_for_user(user, *, review_overdue_on: dt.date | None = None) -> QuerySet[Case]:
    """Open cases the user may see, with their last panel decision (colour and next review);
    `review_overdue_on` keeps those whose panel review was due before that day."""
    decisions = PanelDecision.objects.filter(item__case=OuterRef("pk")).order_by("-decided_at", "-id")
    cases = (
        cases_visible_to(user)
        .exclude(status=CaseStatus.CLOSED)
        .select_related("child", "allocated_worker")
        .annotate(
            last_colour=Subquery(decisions.values("colour")[:1]),
            last_decided_at=Subquery(decisions.values("decided_at")[:1]),
            next_review_on=Subquery(decisions.values("next_review_on")[:1]),
        )
    )
    if review_overdue_on is not None:
        cases = cases.filter(next_review_on__lt=review_overdue_on)
    return cases.order_by("reference")


def open_case_by_reference(user, reference: str) -> Case | None:
    """An open case the user may see, by its reference (in any case of letters)."""
    return cases_visible_to(user).exclude(status=CaseStatus.CLOSED).filter(reference__iexact=reference).first()


def case_due_items(case: Case, *, now: dt.datetime, settings) -> list[DueItem]:
    """What falls due on one case, from every app (core.due)."""
    return due_items_for_cases([case.pk], now=now, settings=settings).get(case.pk, [])


def agenda_items_for_case(user, case: Case) -> QuerySet[AgendaItem]:
    """A case's appearances at panels, newest first (decisions only for those who may read them)."""
    if not (user.has_perm(VIEW_DECISION) or user.has_perm(VIEW_AGENDA_ITEM)):
        return AgendaItem.objects.none()
    return (
        AgendaItem.objects.filter(case=case)
        .select_related("meeting", "decision", "decision__decided_by", "decision__gp_letter")
        .order_by("-meeting__meets_at", "-id")
    )


# --- Strategy meetings -----------------------------------------------------------------------


def strategy_meetings_visible_to(user) -> QuerySet[StrategyMeeting]:
    if not user.is_authenticated or not user.has_perm(VIEW_STRATEGY_MEETING):
        return StrategyMeeting.objects.none()
    return StrategyMeeting.objects.filter(case__in=cases_visible_to(user))


def strategy_meeting_list_for_user(user, *, held: bool) -> QuerySet[StrategyMeeting]:
    meetings = strategy_meetings_visible_to(user).filter(held_at__isnull=not held)
    order = ("-held_at", "-id") if held else ("due_at", "id")
    return meetings.select_related("case__child", "case__allocated_worker", "decision").order_by(*order)


def strategy_meeting_get_for_user(user, pk: int) -> StrategyMeeting:
    return get_object_or_404(
        strategy_meetings_visible_to(user)
        .select_related("case__child", "case__allocated_worker", "decision__item__meeting", "recorded_by")
        .prefetch_related("attending_agencies"),
        pk=pk,
    )


def strategy_meetings_for_case(user, case: Case) -> QuerySet[StrategyMeeting]:
    return (
        strategy_meetings_visible_to(user)
        .filter(case=case)
        .select_related("decision")
        .prefetch_related("attending_agencies")
        .order_by("-due_at", "-id")
    )


def actions_for_strategy_meeting(meeting: StrategyMeeting) -> list[Action]:
    return list(meeting.actions.select_related("owner_agency", "owner"))


# --- Safety plans ----------------------------------------------------------------------------


def safety_plans_visible_to(user) -> QuerySet[SafetyPlan]:
    if not user.is_authenticated or not user.has_perm(VIEW_SAFETY_PLAN):
        return SafetyPlan.objects.none()
    return SafetyPlan.objects.filter(case__in=cases_visible_to(user))


def safety_plan_get_for_user(user, pk: int) -> SafetyPlan:
    return get_object_or_404(
        safety_plans_visible_to(user).select_related("case__child", "author", "agreed_by"),
        pk=pk,
    )


def safety_plans_for_case(user, case: Case) -> QuerySet[SafetyPlan]:
    return safety_plans_visible_to(user).filter(case=case).select_related("author", "agreed_by").order_by("-number")


def safety_plan_current(case: Case, status: str = SafetyPlanStatus.AGREED) -> SafetyPlan | None:
    return SafetyPlan.objects.filter(case=case, status=status).first()


# --- Actions ---------------------------------------------------------------------------------


def _agency_actions_q(user) -> Q | None:
    """The actions of a partner's agency, leaving out those of children hidden from them (an action
    with no case stays); None for anyone else."""
    if not user.has_perm(AGENCY_ACTIONS) or user.agency_id is None:
        return None
    return Q(owner_agency_id=user.agency_id) & ~Q(case__child__in=hidden_children(user).values("pk"))


def actions_visible_to(user) -> QuerySet[Action]:
    """Actions of the cases the user may see; actions without a case (a placing authority's
    request, say) only for those who see every case; and for a partner agency's practitioner, the
    actions their agency owns."""
    if not user.is_authenticated:
        return Action.objects.none()
    visible = None
    if user.has_perm(VIEW_ACTION):
        visible = visible_cases_q("case", user)
        if user.has_perm("cate.view_all_cases"):
            visible |= Q(case__isnull=True)
    agency = _agency_actions_q(user)
    if agency is not None:
        visible = agency if visible is None else visible | agency
    return Action.objects.none() if visible is None else Action.objects.filter(visible)


def action_list_for_user(
    user,
    *,
    by: str = "agency",
    agency_id: int | None = None,
    owner_id: int | None = None,
    overdue_on: dt.date | None = None,
    status: str = ActionStatus.OPEN,
) -> QuerySet[Action]:
    """Actions by agency or by owner, earliest due first within each; `overdue_on` keeps only
    those due before that day."""
    actions = actions_visible_to(user).filter(status=status)
    if agency_id:
        actions = actions.filter(owner_agency_id=agency_id)
    if owner_id:
        actions = actions.filter(owner_id=owner_id)
    if overdue_on is not None:
        actions = actions.filter(due_on__lt=overdue_on)
    actions = actions.select_related("owner_agency", "owner", "case__child", "decision", "strategy_meeting")
    if by == "owner":
        owner_sort = SqlCase(
            When(owner__isnull=False, then=Concat("owner__first_name", Value(" "), "owner__last_name")),
            default="owner_name",
        )
        return actions.annotate(owner_sort=Lower(owner_sort)).order_by("owner_sort", "owner_id", "due_on", "id")
    return actions.order_by("owner_agency__name", "due_on", "id")


def action_counts_by_agency(user, *, today: dt.date) -> list[dict]:
    """Open and overdue actions per agency (one query)."""
    return list(
        actions_visible_to(user)
        .filter(status=ActionStatus.OPEN)
        .values("owner_agency_id", "owner_agency__name")
        .annotate(open=Count("id"), overdue=Count("id", filter=Q(due_on__lt=today)))
        .order_by("owner_agency__name")
    )


def action_get_for_user(user, pk: int) -> Action:
    return get_object_or_404(
        actions_visible_to(user).select_related(
            "owner_agency",
            "owner",
            "case__child",
            "case__allocated_worker__team",
            "decision__item__meeting",
            "strategy_meeting",
            "completed_by",
            "created_by",
        ),
        pk=pk,
    )


def partner_action_list_for_user(user, *, show: str, today: dt.date) -> QuerySet[Action]:
    """The actions the user's agency owns (a partner's own list): open ones earliest due first,
    overdue ones (open, due before today), or done ones latest first; with what the list shows of the
    child and the case's worker."""
    agency = _agency_actions_q(user)
    if agency is None:
        return Action.objects.none()
    actions = Action.objects.filter(agency).select_related("case__child", "case__allocated_worker", "owner")
    if show == AgencyActionsShown.DONE:
        return actions.filter(status=ActionStatus.DONE).order_by("-completed_at", "-id")
    actions = actions.filter(status=ActionStatus.OPEN)
    if show == AgencyActionsShown.OVERDUE:
        actions = actions.filter(due_on__lt=today)
    return actions.order_by("due_on", "id")


def partner_action_counts(user, *, today: dt.date) -> dict[str, int]:
    """How many of the user's agency's actions are open, overdue and done (one query)."""
    agency = _agency_actions_q(user)
    if agency is None:
        return dict.fromkeys(AgencyActionsShown.values, 0)
    return Action.objects.filter(agency).aggregate(
        **{
            AgencyActionsShown.OPEN: Count("id", filter=Q(status=ActionStatus.OPEN)),
            AgencyActionsShown.OVERDUE: Count("id", filter=Q(status=ActionStatus.OPEN, due_on__lt=today)),
            AgencyActionsShown.DONE: Count("id", filter=Q(status=ActionStatus.DONE)),
        }
    )


def action_progress_notes(action: Action) -> list[ActionProgressNote]:
    """The progress recorded on an action (of a record the user can see), oldest first."""
    return list(action.progress_notes.select_related("recorded_by").order_by("recorded_at", "id"))


def actions_for_case(user, case: Case) -> QuerySet[Action]:
    return (
        actions_visible_to(user)
        .filter(case=case)
        .select_related("owner_agency", "owner")
        .order_by("status", "due_on", "id")
    )


# --- Pickers of people who can hold the work -------------------------------------------------


def panel_chair_choices() -> QuerySet:
    """Who can chair a risk panel: people holding the chair permission who can sign in."""
    return core_selectors.staff_who_can_hold(permission=CHAIR_PANEL)


def panel_member_choices() -> QuerySet:
    """Who can be invited to a panel: panel members who can sign in."""
    return core_selectors.staff_who_can_hold(roles=[Role.PANEL_MEMBER])


def action_owner_choices() -> QuerySet:
    """Who can own a multi-agency action: people who can sign in and work on cases, in a partner
    agency or at the panel."""
    return core_selectors.staff_who_can_hold(roles=ACTION_OWNER_ROLES)

"""Writes of the multi-agency part of the pathway: panel schedule and agenda, decisions,
strategy meetings, safety plans and actions.

Every service takes the acting user, checks the permission, locks what changes, records history
with a reason and writes the case chronology (cate.services.chronology_record).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from cate.choices import ChronologyKind, GpLetterTrigger, RiskLevel, RiskSource
from cate.models import Case
from cate.selectors import cases_visible_to
from cate.services import case_set_risk_level, chronology_record, gp_letter_create
from core import audit, clock
from core.concurrency import bump, check_version
from core.exceptions import TransitionNotAllowed
from core.roles import Role, has_role
from core.selectors import ServiceSettings, service_settings

from .. import selectors
from ..choices import (
    AGENDA_EDITABLE,
    ALLOWED_ACTION_TRANSITIONS,
    ALLOWED_PANEL_TRANSITIONS,
    ALLOWED_SAFETY_PLAN_TRANSITIONS,
    DECISIONS_ALLOWED,
    MANUAL_ITEM_KINDS,
    STRATEGY_MEETING_COLOURS,
    ActionStatus,
    ItemKind,
    PanelStatus,
    RagColour,
    SafetyPlanStatus,
)
from ..models import Action, AgendaItem, PanelDecision, PanelMeeting, SafetyPlan, StrategyMeeting
from ..papers import paper_from_assessment
from ..permissions import (
    ADD_ACTION,
    ADD_SAFETY_PLAN,
    AGREE_SAFETY_PLAN,
    CHAIR_PANEL,
    CHANGE_ACTION,
    CHANGE_SAFETY_PLAN,
    RECORD_STRATEGY_MEETING,
)

MAX_SCHEDULED_AT_ONCE = 26


def _day(moment: dt.datetime) -> str:
    return f"{clock.local(moment):%-d %b %Y}"


def _date(day: dt.date) -> str:
    return f"{day:%-d %b %Y}"


def _require(actor, perm: str, message: str) -> None:
    if not actor.has_perm(perm):
        raise PermissionDenied(message)


def _require_case(actor, case: Case, perm: str, message: str) -> None:
    """The permission, and the case among those the actor may see (their own, or all for managers)."""
    if not actor.has_perm(perm) or not cases_visible_to(actor).filter(pk=case.pk).exists():
        raise PermissionDenied(message)


def _transition(current: str, target: str, table: dict[str, frozenset[str]], what: str) -> None:
    if target not in table[current]:
        raise TransitionNotAllowed(f"A {current} {what} cannot become {target}.")


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


# --- Schedule --------------------------------------------------------------------------------


def _check_people(*, chair, members: Iterable) -> dict:
    errors = {}
    if chair is not None and not chair.has_perm(CHAIR_PANEL):
        errors["chair"] = f"{chair} cannot chair the risk panel"
    outsiders = [str(m) for m in members if not has_role(m, Role.PANEL_MEMBER)]
    if outsiders:
        errors["members"] = f"Only panel members can be invited: {', '.join(outsiders)}"
    return errors


def panel_schedule(
    *,
    actor,
    count: int = 1,
    first_meets_at: dt.datetime | None = None,
    location: str | None = None,
    chair=None,
    agencies: Iterable | None = None,
    members: Iterable | None = None,
    now: dt.datetime | None = None,
) -> list[PanelMeeting]:
    """Create the next `count` panels on the schedule (every `panel_schedule_interval` after the
    last panel, or from `first_meets_at`). Chair, agencies and members follow the last panel
    unless given."""
    _require(actor, CHAIR_PANEL, "Only a team leader can schedule risk panels.")
    now = now or timezone.now()
    if not 1 <= count <= MAX_SCHEDULED_AT_ONCE:
        raise ValidationError({"count": f"Enter a number of panels from 1 to {MAX_SCHEDULED_AT_ONCE}"})
    settings = service_settings()
    with transaction.atomic():
        latest = PanelMeeting.objects.select_for_update().order_by("-meets_at").first()
        if first_meets_at is not None:
            if first_meets_at <= now:
                raise ValidationError({"first_meets_at": "The first panel must be in the future"})
            if latest is not None and first_meets_at <= latest.meets_at:
                last = _day(latest.meets_at)
                raise ValidationError({"first_meets_at": f"The first panel must be after the last one ({last})"})
            meets_at = first_meets_at
        elif latest is None:
            raise ValidationError({"first_meets_at": "Enter the date and time of the first panel"})
        else:
            meets_at = settings.due("panel_schedule_interval", latest.meets_at)
            while meets_at <= now:  # after a gap, the schedule resumes at its next date
                meets_at = settings.due("panel_schedule_interval", meets_at)
        if chair is None and latest is not None:
            chair = latest.chair
        agencies = list(agencies) if agencies is not None else (list(latest.agencies.all()) if latest else [])
        members = list(members) if members is not None else (list(latest.members.all()) if latest else [])
        if location is None:
            location = latest.location if latest else ""
        _raise(_check_people(chair=chair, members=members))
        created = []
        for _ in range(count):
            meeting = PanelMeeting(meets_at=meets_at, chair=chair, location=location)
            audit.save(meeting, actor=actor, reason="Risk panel scheduled")
            meeting.agencies.set(agencies)
            meeting.members.set(members)
            created.append(meeting)
            meets_at = settings.due("panel_schedule_interval", meets_at)
    return created


def panel_update(
    *,
    meeting: PanelMeeting,
    actor,
    meets_at: dt.datetime,
    location: str,
    chair,
    agencies: Iterable,
    members: Iterable,
    expected_version: int | None = None,
) -> PanelMeeting:
    """Change a panel's date, place, chair, attending agencies or invited members (until it closes)."""
    _require(actor, CHAIR_PANEL, "Only a team leader can change a risk panel.")
    agencies, members = list(agencies), list(members)
    with transaction.atomic():
        meeting = PanelMeeting.objects.select_for_update().get(pk=meeting.pk)
        check_version(meeting, expected_version)
        if meeting.status == PanelStatus.CLOSED:
            raise ValidationError("A closed panel cannot change.")
        _raise(_check_people(chair=chair, members=members))
        if PanelMeeting.objects.filter(meets_at=meets_at).exclude(pk=meeting.pk).exists():
            raise ValidationError({"meets_at": "Another panel meets at that time"})
        moved = meeting.meets_at != meets_at
        same_people = set(meeting.agencies.values_list("pk", flat=True)) == {a.pk for a in agencies} and set(
            meeting.members.values_list("pk", flat=True)
        ) == {m.pk for m in members}
        if not moved and same_people and (meeting.location, meeting.chair_id) == (location, getattr(chair, "pk", None)):
            return meeting
        meeting.meets_at, meeting.location, meeting.chair = meets_at, location, chair
        bump(meeting)
        audit.save(meeting, actor=actor, reason="Risk panel details changed")
        meeting.agencies.set(agencies)
        meeting.members.set(members)
        if moved:
            _reflag_first_panels(meeting, actor=actor)
    return meeting


def _reflag_first_panels(meeting: PanelMeeting, *, actor) -> None:
    """A panel moved: its first-panel items are late or not against the new date."""
    changed = []
    for item in meeting.items.filter(first_panel_due_at__isnull=False, decision__isnull=True):
        missed = meeting.meets_at > item.first_panel_due_at
        if item.first_panel_deadline_missed != missed:
            item.first_panel_deadline_missed = missed
            bump(item)
            changed.append(item)
    if changed:
        audit.bulk_update(
            AgendaItem, changed, ["first_panel_deadline_missed", "version"], actor=actor, reason="Risk panel moved"
        )


def _panel_move(meeting: PanelMeeting, *, actor, target: str, now: dt.datetime | None) -> PanelMeeting:
    _require(actor, CHAIR_PANEL, "Only the chair can open or close a risk panel.")
    now = now or timezone.now()
    with transaction.atomic():
        meeting = PanelMeeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.status == target:
            return meeting
        _transition(meeting.status, target, ALLOWED_PANEL_TRANSITIONS, "panel")
        meeting.status = target
        fields = ["status"]
        if target == PanelStatus.OPEN:
            meeting.opened_at = now
            fields.append("opened_at")
        else:
            meeting.closed_at = now
            fields.append("closed_at")
        bump(meeting)
        reason = "Risk panel opened" if target == PanelStatus.OPEN else "Risk panel closed"
        audit.save(meeting, actor=actor, reason=reason, update_fields=fields)
    return meeting


def panel_open(*, meeting: PanelMeeting, actor, now: dt.datetime | None = None) -> PanelMeeting:
    """Open the panel: invited panel members can now see its agenda and papers."""
    return _panel_move(meeting, actor=actor, target=PanelStatus.OPEN, now=now)


def panel_close(*, meeting: PanelMeeting, actor, now: dt.datetime | None = None) -> PanelMeeting:
    """Close the panel: panel members reach nothing of it any more."""
    return _panel_move(meeting, actor=actor, target=PanelStatus.CLOSED, now=now)


# --- Agenda ----------------------------------------------------------------------------------


def _lock_editable_meeting(meeting: PanelMeeting) -> PanelMeeting:
    meeting = PanelMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status not in AGENDA_EDITABLE:
        raise ValidationError("The agenda of a closed panel cannot change.")
    return meeting


def _next_position(meeting: PanelMeeting) -> int:
    return (meeting.items.aggregate(last=Max("position"))["last"] or 0) + 1


def agenda_build(*, meeting: PanelMeeting, actor, now: dt.datetime | None = None) -> list[AgendaItem]:
    """Add to the agenda every case the records say is due: first panels (allocated, never
    discussed; flagged when the panel meets after the first-panel deadline) and reviews. Each item
    carries the worker's latest risk assessment as its paper, frozen as it is now."""
    _require(actor, CHAIR_PANEL, "Only a team leader can build a panel's agenda.")
    now = now or timezone.now()
    settings = service_settings()
    with transaction.atomic():
        meeting = _lock_editable_meeting(meeting)
        candidates = selectors.agenda_candidates(meeting=meeting, user=actor, settings=settings)
        papers = selectors.latest_assessments(c.case.pk for c in candidates)
        position = _next_position(meeting)
        created = []
        for candidate in candidates:
            case = candidate.case
            assessment = papers.get(case.pk)
            due = candidate.first_panel_due_at
            item = AgendaItem(
                meeting=meeting,
                case=case,
                kind=candidate.kind,
                paper=paper_from_assessment(assessment),
                paper_assessment=assessment,
                paper_taken_at=now,
                first_panel_due_at=due,
                first_panel_deadline_missed=due is not None and meeting.meets_at > due,
                review_due_on=candidate.review_due_on,
                position=position,
                added_by=actor,
            )
            position += 1
            label = "first panel" if candidate.kind == ItemKind.FIRST_PANEL else "review"
            audit.save(item, actor=actor, reason=f"Added to the agenda from the records ({label})")
            summary = f"Listed for the risk panel on {_day(meeting.meets_at)} ({label})"
            if item.first_panel_deadline_missed:
                summary += f": after the first-panel deadline of {_day(due)}"
            chronology_record(case=case, kind=ChronologyKind.PANEL, summary=summary, actor=actor, occurred_at=now)
            created.append(item)
    return created


def agenda_item_add(
    *,
    meeting: PanelMeeting,
    kind: str,
    actor,
    case: Case | None = None,
    title: str = "",
    details: str = "",
    placing_authority: str = "",
    presenting_agency=None,
    paper: str = "",
    now: dt.datetime | None = None,
) -> AgendaItem:
    """Add an item by hand: information sharing, or a placing authority asking for a CATE service."""
    _require(actor, CHAIR_PANEL, "Only a team leader can add items to a panel's agenda.")
    now = now or timezone.now()
    errors = {}
    if kind not in MANUAL_ITEM_KINDS:
        errors["kind"] = "Choose information sharing or a placing authority request"
    if case is None and not title.strip():
        errors["title"] = "Enter what the item is about, or the reference of the case"
    if kind == ItemKind.PLACING_AUTHORITY_REQUEST and not placing_authority.strip():
        errors["placing_authority"] = "Enter the placing authority"
    if not details.strip():
        errors["details"] = "Enter what the panel is asked to consider"
    _raise(errors)
    if case is not None:
        _require_case(actor, case, CHAIR_PANEL, "You cannot add this case to a panel.")
    with transaction.atomic():
        meeting = _lock_editable_meeting(meeting)
        assessment = None
        if case is not None:
            if meeting.items.filter(case=case).exists():
                raise ValidationError({"case": "This case is already on the agenda of this panel"})
            if not paper.strip():
                assessment = selectors.latest_assessments([case.pk]).get(case.pk)
                paper = paper_from_assessment(assessment)
        item = AgendaItem(
            meeting=meeting,
            case=case,
            kind=kind,
            title=title.strip(),
            details=details.strip(),
            placing_authority=placing_authority.strip(),
            presenting_agency=presenting_agency,
            paper=paper.strip(),
            paper_assessment=assessment,
            paper_taken_at=now,
            position=_next_position(meeting),
            added_by=actor,
        )
        label = ItemKind(kind).label.lower()
        audit.save(item, actor=actor, reason=f"Added to the agenda by hand ({label})")
        if case is not None:
            chronology_record(
                case=case,
                kind=ChronologyKind.PANEL,
                summary=f"Added to the risk panel on {_day(meeting.meets_at)} ({label})",
                detail=item.details,
                actor=actor,
                occurred_at=now,
            )
    return item


def _lock_open_item(item: AgendaItem, *, expected_version: int | None = None) -> AgendaItem:
    item = AgendaItem.objects.select_for_update(of=("self",)).select_related("meeting", "case").get(pk=item.pk)
    check_version(item, expected_version)
    if item.meeting.status not in AGENDA_EDITABLE:
        raise ValidationError("The agenda of a closed panel cannot change.")
    if item.is_withdrawn:
        raise ValidationError("This item has been withdrawn from the agenda.")
    if PanelDecision.objects.filter(item=item).exists():
        raise ValidationError("The panel has already decided on this item.")
    return item


def agenda_item_withdraw(
    *, item: AgendaItem, actor, reason: str, now: dt.datetime | None = None, expected_version: int | None = None
) -> AgendaItem:
    """Take an item off the agenda before it is decided (it stays in the history); the case is
    due again at the next panel built."""
    _require(actor, CHAIR_PANEL, "Only a team leader can change a panel's agenda.")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the item is withdrawn"})
    now = now or timezone.now()
    with transaction.atomic():
        item = _lock_open_item(item, expected_version=expected_version)
        item.withdrawn_at, item.withdrawn_reason = now, reason.strip()
        bump(item)
        audit.save(item, actor=actor, reason=f"Withdrawn from the agenda: {reason.strip()}"[:500])
        if item.case is not None:
            chronology_record(
                case=item.case,
                kind=ChronologyKind.PANEL,
                summary=f"Withdrawn from the risk panel on {_day(item.meeting.meets_at)}",
                detail=reason.strip(),
                actor=actor,
                occurred_at=now,
            )
    return item


def agenda_item_refresh_paper(*, item: AgendaItem, actor, now: dt.datetime | None = None) -> AgendaItem:
    """Take the paper again from the worker's latest risk assessment (before the decision)."""
    _require(actor, CHAIR_PANEL, "Only a team leader can change a panel's papers.")
    now = now or timezone.now()
    with transaction.atomic():
        item = _lock_open_item(item)
        if item.case is None:
            raise ValidationError("Only an item about a case takes its paper from the risk assessment.")
        assessment = selectors.latest_assessments([item.case_id]).get(item.case_id)
        if assessment is not None and assessment.pk == item.paper_assessment_id:
            return item
        item.paper, item.paper_assessment, item.paper_taken_at = paper_from_assessment(assessment), assessment, now
        bump(item)
        audit.save(item, actor=actor, reason="Paper taken again from the latest risk assessment")
    return item


def agenda_item_record_outcome(
    *, item: AgendaItem, actor, outcome: str, expected_version: int | None = None
) -> AgendaItem:
    """What the panel agreed on an item without a case (information sharing, a placing authority)."""
    _require(actor, CHAIR_PANEL, "Only the chair can record the panel's outcomes.")
    if not outcome.strip():
        raise ValidationError({"outcome": "Enter what the panel agreed"})
    with transaction.atomic():
        item = AgendaItem.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=item.pk)
        check_version(item, expected_version)
        if item.case_id is not None:
            raise ValidationError("Record a decision for an item about a case.")
        if item.meeting.status not in DECISIONS_ALLOWED:
            raise ValidationError("Open the panel before recording what it agreed.")
        if item.outcome == outcome.strip():
            return item
        item.outcome = outcome.strip()
        bump(item)
        audit.save(item, actor=actor, reason="Panel outcome recorded", update_fields=["outcome"])
    return item


# --- Decisions -------------------------------------------------------------------------------


def rag_colour(level: str, settings: ServiceSettings) -> RagColour:
    """The red/amber/green colour of a risk level, from the council's mapping setting."""
    return RagColour(settings["rag_mapping"][RiskLevel(level)])


def default_next_review_on(level: str, decided_at: dt.datetime, settings: ServiceSettings) -> dt.date:
    """The next panel review: `panel_review_<level>` after the decision."""
    return clock.local_date(settings.due(f"panel_review_{RiskLevel(level)}", decided_at))


def panel_decision_record(
    *,
    item: AgendaItem,
    actor,
    risk_level: str,
    rationale: str,
    next_review_on: dt.date | None = None,
    send_gp_letter: bool = True,
    now: dt.datetime | None = None,
    expected_version: int | None = None,
) -> PanelDecision:
    """The panel's decision on a case: risk level and colour, rationale, next review. The level
    becomes the case's current risk level; red or amber makes a strategy meeting due; the GP
    letter is generated when asked (002:L314)."""
    _require(actor, CHAIR_PANEL, "Only the chair can record the panel's decisions.")
    now = now or timezone.now()
    settings = service_settings()
    errors = {}
    if risk_level not in RiskLevel.values:
        errors["risk_level"] = "Choose the risk level the panel agreed"
    if not rationale.strip():
        errors["rationale"] = "Enter the reasons for the panel's decision"
    if next_review_on is not None and next_review_on <= clock.local_date(now):
        errors["next_review_on"] = "The next review date must be in the future"
    _raise(errors)
    level = RiskLevel(risk_level)
    with transaction.atomic():
        locked = AgendaItem.objects.select_for_update(of=("self",))
        item = locked.select_related("meeting", "case__child").get(pk=item.pk)
        check_version(item, expected_version)
        if item.case is None:
            raise ValidationError("An item without a case has an outcome, not a risk decision.")
        _require_case(actor, item.case, CHAIR_PANEL, "You cannot record a decision on this case.")
        if item.meeting.status not in DECISIONS_ALLOWED:
            raise ValidationError("Open the panel before recording its decisions.")
        if item.is_withdrawn:
            raise ValidationError("This item has been withdrawn from the agenda.")
        if PanelDecision.objects.filter(item=item).exists():
            raise ValidationError("The panel's decision on this item has already been recorded.")
        colour = rag_colour(level, settings)
        review_on = next_review_on or default_next_review_on(level, now, settings)
        letter = None
        if send_gp_letter:
            letter = gp_letter_create(case=item.case, trigger=GpLetterTrigger.PANEL, actor=actor)
        decision = PanelDecision(
            item=item,
            risk_level=level,
            colour=colour,
            rationale=rationale.strip(),
            next_review_on=review_on,
            decided_at=now,
            decided_by=actor,
            gp_letter=letter,
        )
        audit.save(decision, actor=actor, reason=f"Risk panel decision: {level.label} ({colour.label.lower()})")
        panel_day = _day(item.meeting.meets_at)
        case_set_risk_level(
            case=item.case,
            level=level,
            source=RiskSource.PANEL,
            actor=actor,
            reason=f"Risk panel on {panel_day}: {level.label} ({colour.label.lower()})",
            at=now,
        )
        chronology_record(
            case=item.case,
            kind=ChronologyKind.PANEL,
            summary=(
                f"Risk panel on {panel_day} agreed {level.label} ({colour.label.lower()}); "
                f"next review by {_date(review_on)}"
            ),
            detail=decision.rationale,
            actor=actor,
            occurred_at=now,
            significant=True,
        )
        if colour in STRATEGY_MEETING_COLOURS:
            _strategy_meeting_make_due(decision, actor=actor, settings=settings, now=now)
    return decision


def panel_decision_send_gp_letter(*, decision: PanelDecision, actor) -> PanelDecision:
    """Answer the prompt after the decision: generate the GP letter for the discussion at panel."""
    _require(actor, CHAIR_PANEL, "Only the chair can send the panel's GP letters.")
    with transaction.atomic():
        locked = PanelDecision.objects.select_for_update(of=("self",))
        decision = locked.select_related("item__case").get(pk=decision.pk)
        if decision.gp_letter_id is not None:
            return decision
        decision.gp_letter = gp_letter_create(case=decision.item.case, trigger=GpLetterTrigger.PANEL, actor=actor)
        bump(decision)
        audit.save(decision, actor=actor, reason="GP letter generated after the panel", update_fields=["gp_letter"])
    return decision


# --- Strategy meetings -----------------------------------------------------------------------


def _strategy_meeting_make_due(
    decision: PanelDecision, *, actor, settings: ServiceSettings, now: dt.datetime
) -> StrategyMeeting:
    """A red or amber decision makes a strategy meeting due (`strategy_meeting` after it). A case
    has one strategy meeting due at a time: one already due later is brought forward."""
    case = decision.item.case
    due = settings.due("strategy_meeting", now)
    colour = decision.get_colour_display().lower()
    pending = StrategyMeeting.objects.select_for_update().filter(case=case, held_at__isnull=True).first()
    if pending is None:
        meeting = StrategyMeeting(case=case, decision=decision, is_review=False, due_at=due)
        audit.save(meeting, actor=actor, reason=f"Strategy meeting due after a {colour} panel decision")
        summary = f"Strategy meeting due by {_day(due)} after the panel's {colour} decision"
    elif pending.due_at > due:
        meeting = pending
        meeting.due_at, meeting.decision, meeting.is_review = due, decision, False
        bump(meeting)
        audit.save(
            meeting,
            actor=actor,
            reason=f"Strategy meeting brought forward after a {colour} panel decision",
            update_fields=["due_at", "decision", "is_review"],
        )
        summary = f"Strategy meeting brought forward to {_day(due)} after the panel's {colour} decision"
    else:
        return pending
    chronology_record(case=case, kind=ChronologyKind.STRATEGY_MEETING, summary=summary, actor=actor, occurred_at=now)
    return meeting


def strategy_meeting_record(
    *,
    meeting: StrategyMeeting,
    actor,
    held_at: dt.datetime,
    attending_agencies: Iterable,
    attendees: str,
    discussion: str,
    support_for_parents: str,
    disruption_actions: str,
    resolution_reached: bool,
    exit_plan: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> StrategyMeeting:
    """Record a strategy meeting (or review). Until the case reaches resolution with an exit plan,
    the next review falls due `strategy_meeting_review` after it."""
    _require(actor, RECORD_STRATEGY_MEETING, "Only a team leader can record strategy meetings.")
    now = now or timezone.now()
    agencies = list(attending_agencies)
    errors = {}
    if held_at is None:
        errors["held_at"] = "Enter the date and time the meeting was held"
    elif held_at > now:
        errors["held_at"] = "The meeting must have been held already"
    if not agencies:
        errors["attending_agencies"] = "Choose the agencies that attended"
    if not attendees.strip():
        errors["attendees"] = "Enter who attended, by agency"
    if not discussion.strip():
        errors["discussion"] = "Enter what was discussed"
    if not support_for_parents.strip():
        errors["support_for_parents"] = "Enter the support for parents or carers, or why there is none"
    if not disruption_actions.strip():
        errors["disruption_actions"] = "Enter the action against those exploiting the child, or why there is none"
    if resolution_reached and not exit_plan.strip():
        errors["exit_plan"] = "Enter the exit plan"
    _raise(errors)
    settings = service_settings()
    with transaction.atomic():
        meeting = StrategyMeeting.objects.select_for_update(of=("self",)).select_related("case").get(pk=meeting.pk)
        _require_case(actor, meeting.case, RECORD_STRATEGY_MEETING, "You cannot record a meeting for this case.")
        check_version(meeting, expected_version)
        if meeting.held_at is not None:
            raise ValidationError("This meeting has already been recorded.")
        meeting.held_at = held_at
        meeting.attendees = attendees.strip()
        meeting.discussion = discussion.strip()
        meeting.support_for_parents = support_for_parents.strip()
        meeting.disruption_actions = disruption_actions.strip()
        meeting.resolution_reached = resolution_reached
        meeting.exit_plan = exit_plan.strip() if resolution_reached else ""
        meeting.recorded_by = actor
        bump(meeting)
        audit.save(meeting, actor=actor, reason=f"{meeting.kind_label} recorded")
        meeting.attending_agencies.set(agencies)
        summary = f"{meeting.kind_label} held on {_day(held_at)}"
        if resolution_reached:
            summary += ": resolution reached and exit plan agreed"
        else:
            review_due = settings.due("strategy_meeting_review", held_at)
            review = StrategyMeeting(case=meeting.case, decision=meeting.decision, is_review=True, due_at=review_due)
            audit.save(review, actor=actor, reason="Strategy meeting review due")
            summary += f"; review due by {_day(review_due)}"
        chronology_record(
            case=meeting.case,
            kind=ChronologyKind.STRATEGY_MEETING,
            summary=summary,
            detail=meeting.discussion,
            actor=actor,
            occurred_at=held_at,
            significant=True,
        )
    return meeting


# --- Safety plans ----------------------------------------------------------------------------

SAFETY_PLAN_FIELDS = (
    "risks",
    "keeping_safe",
    "who_does_what",
    "key_worker",
    "key_worker_contact",
    "out_of_hours_contacts",
    "other_contacts",
    "young_person_involvement",
    "young_person_said",
    "family_involvement",
    "family_said",
    "on_child_protection_plan",
)


def _plan_fields(fields: dict) -> dict:
    unknown = set(fields) - set(SAFETY_PLAN_FIELDS)
    if unknown:
        raise TypeError(f"Not safety plan sections: {', '.join(sorted(unknown))}")
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}


def safety_plan_start(*, case: Case, actor, now: dt.datetime | None = None, **fields) -> SafetyPlan:
    """Draft the next version of a case's safety plan (one draft at a time)."""
    _require_case(actor, case, ADD_SAFETY_PLAN, "You cannot write a safety plan for this case.")
    now = now or timezone.now()
    fields = _plan_fields(fields)
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()  # one new version at a time per case
        draft = SafetyPlan.objects.filter(case=case, status=SafetyPlanStatus.DRAFT).first()
        if draft is not None:
            raise ValidationError(f"Version {draft.number} of this safety plan is already a draft: change that.")
        number = (SafetyPlan.objects.filter(case=case).aggregate(last=Max("number"))["last"] or 0) + 1
        plan = SafetyPlan(case=case, number=number, author=actor, status=SafetyPlanStatus.DRAFT, **fields)
        try:
            with transaction.atomic():
                audit.save(plan, actor=actor, reason=f"Safety plan version {number} drafted")
        except IntegrityError:
            raise ValidationError("Someone else started a new version of this safety plan at the same time.") from None
        chronology_record(
            case=case,
            kind=ChronologyKind.SAFETY_PLAN,
            summary=f"Safety plan version {number} drafted",
            actor=actor,
            occurred_at=now,
        )
    return plan


def safety_plan_update(*, plan: SafetyPlan, actor, expected_version: int | None = None, **fields) -> SafetyPlan:
    """Change a draft. An agreed plan never changes: a new version replaces it."""
    _require_case(actor, plan.case, CHANGE_SAFETY_PLAN, "You cannot change this safety plan.")
    fields = _plan_fields(fields)
    with transaction.atomic():
        plan = SafetyPlan.objects.select_for_update().get(pk=plan.pk)
        check_version(plan, expected_version)
        if plan.status != SafetyPlanStatus.DRAFT:
            raise ValidationError("An agreed safety plan cannot change: start a new version instead.")
        if all(getattr(plan, k) == v for k, v in fields.items()):
            return plan
        for key, value in fields.items():
            setattr(plan, key, value)
        bump(plan)
        audit.save(plan, actor=actor, reason=f"Safety plan version {plan.number} draft changed")
    return plan


def default_safety_plan_review_on(agreed_at: dt.datetime, settings: ServiceSettings) -> dt.date:
    return clock.local_date(settings.due("safety_plan_review", agreed_at))


def safety_plan_agree(
    *,
    plan: SafetyPlan,
    actor,
    expected_version: int | None = None,
    review_due_on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> SafetyPlan:
    """Agree a draft: it becomes the case's safety plan, the one agreed before is superseded, and
    its review falls due `safety_plan_review` later (or earlier, when the team leader says so)."""
    _require_case(actor, plan.case, AGREE_SAFETY_PLAN, "Only a team leader can agree a safety plan.")
    now = now or timezone.now()
    settings = service_settings()
    latest_review = default_safety_plan_review_on(now, settings)
    if review_due_on is not None and not clock.local_date(now) < review_due_on <= latest_review:
        raise ValidationError(
            {"review_due_on": f"The review date must be after today and no later than {_date(latest_review)}"}
        )
    with transaction.atomic():
        plans = {p.pk: p for p in SafetyPlan.objects.select_for_update().filter(case_id=plan.case_id)}
        plan = plans[plan.pk]
        check_version(plan, expected_version)
        _transition(plan.status, SafetyPlanStatus.AGREED, ALLOWED_SAFETY_PLAN_TRANSITIONS, "safety plan")
        superseded = [p for p in plans.values() if p.status == SafetyPlanStatus.AGREED]
        for old in superseded:
            _transition(old.status, SafetyPlanStatus.SUPERSEDED, ALLOWED_SAFETY_PLAN_TRANSITIONS, "safety plan")
            old.status, old.superseded_at = SafetyPlanStatus.SUPERSEDED, now
            bump(old)
            audit.save(
                old,
                actor=actor,
                reason=f"Superseded by version {plan.number}",
                update_fields=["status", "superseded_at"],
            )
        plan.status, plan.agreed_at, plan.agreed_by = SafetyPlanStatus.AGREED, now, actor
        plan.review_due_on = review_due_on or latest_review
        bump(plan)
        audit.save(
            plan,
            actor=actor,
            reason=f"Safety plan version {plan.number} agreed",
            update_fields=["status", "agreed_at", "agreed_by", "review_due_on"],
        )
        summary = f"Safety plan version {plan.number} agreed; review due by {_date(plan.review_due_on)}"
        if superseded:
            summary += f" (replaces version {superseded[0].number})"
        chronology_record(
            case=plan.case,
            kind=ChronologyKind.SAFETY_PLAN,
            summary=summary,
            actor=actor,
            occurred_at=now,
            significant=True,
        )
    return plan


# --- Actions ---------------------------------------------------------------------------------


def _check_action(*, description: str, owner_agency, owner, owner_name: str, due_on, today: dt.date) -> dict:
    errors = {}
    if not description.strip():
        errors["description"] = "Enter what is to be done"
    if owner_agency is None:
        errors["owner_agency"] = "Choose the agency that owns the action"
    if owner is None and not owner_name.strip():
        errors["owner"] = "Choose the person who owns the action, or enter their name"
    elif owner is not None and owner_agency is not None and owner.agency_id not in (None, owner_agency.pk):
        errors["owner"] = f"{owner} does not work for {owner_agency}"
    if due_on is None:
        errors["due_on"] = "Enter the date the action is due"
    elif due_on < today:
        errors["due_on"] = "The due date must be today or in the future"
    return errors


def _action_chronology_kind(action: Action) -> str:
    if action.decision_id:
        return ChronologyKind.PANEL
    if action.strategy_meeting_id:
        return ChronologyKind.STRATEGY_MEETING
    return ChronologyKind.OTHER


def _require_action_rights(actor, *, case: Case | None, perm: str) -> None:
    if case is None:
        _require(actor, CHAIR_PANEL, "Only a team leader can manage actions that belong to no case.")
        _require(actor, perm, "You cannot manage this action.")
    else:
        _require_case(actor, case, perm, "You cannot manage actions of this case.")


def action_create(
    *,
    actor,
    description: str,
    owner_agency,
    due_on: dt.date,
    owner=None,
    owner_name: str = "",
    case: Case | None = None,
    decision: PanelDecision | None = None,
    strategy_meeting: StrategyMeeting | None = None,
    now: dt.datetime | None = None,
) -> Action:
    """An action with an owning agency and person and a due date: from a panel decision, a
    strategy meeting, or a case's safety planning."""
    if decision is not None:
        _require(actor, CHAIR_PANEL, "Only the chair can add actions to a panel decision.")
        case = decision.item.case
    elif strategy_meeting is not None:
        _require(actor, RECORD_STRATEGY_MEETING, "Only a team leader can add actions to a strategy meeting.")
        case = strategy_meeting.case
    _require_action_rights(actor, case=case, perm=ADD_ACTION)
    now = now or timezone.now()
    _raise(
        _check_action(
            description=description,
            owner_agency=owner_agency,
            owner=owner,
            owner_name=owner_name,
            due_on=due_on,
            today=clock.local_date(now),
        )
    )
    with transaction.atomic():
        action = Action(
            case=case,
            decision=decision,
            strategy_meeting=strategy_meeting,
            description=description.strip(),
            owner_agency=owner_agency,
            owner=owner,
            owner_name="" if owner is not None else owner_name.strip(),
            due_on=due_on,
            created_by=actor,
        )
        audit.save(action, actor=actor, reason="Action agreed")
        if case is not None:
            chronology_record(
                case=case,
                kind=_action_chronology_kind(action),
                summary=f"Action for {owner_agency} ({action.owner_label}) due {_date(due_on)}: {action.description}",
                actor=actor,
                occurred_at=now,
            )
    return action


def action_update(
    *,
    action: Action,
    actor,
    description: str,
    owner_agency,
    due_on: dt.date,
    owner=None,
    owner_name: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Action:
    """Change an open action: what, who or when."""
    _require_action_rights(actor, case=action.case, perm=CHANGE_ACTION)
    now = now or timezone.now()
    with transaction.atomic():
        action = Action.objects.select_for_update(of=("self",)).select_related("case").get(pk=action.pk)
        check_version(action, expected_version)
        if action.status != ActionStatus.OPEN:
            raise ValidationError("Only an open action can change.")
        errors = _check_action(
            description=description,
            owner_agency=owner_agency,
            owner=owner,
            owner_name=owner_name,
            due_on=due_on,
            today=min(clock.local_date(now), action.due_on),
        )
        _raise(errors)
        owner_name = "" if owner is not None else owner_name.strip()
        new = (description.strip(), owner_agency.pk, getattr(owner, "pk", None), owner_name, due_on)
        old = (action.description, action.owner_agency_id, action.owner_id, action.owner_name, action.due_on)
        if new == old:
            return action
        previous_due = action.due_on
        action.description, action.owner_agency, action.owner = description.strip(), owner_agency, owner
        action.owner_name, action.due_on = owner_name, due_on
        bump(action)
        audit.save(action, actor=actor, reason="Action changed")
        if action.case is not None and previous_due != due_on:
            chronology_record(
                case=action.case,
                kind=_action_chronology_kind(action),
                summary=f"Action due date moved from {_date(previous_due)} to {_date(due_on)}: {action.description}",
                actor=actor,
                occurred_at=now,
            )
    return action


def _action_close(
    *, action: Action, actor, target: str, note: str, expected_version: int | None, now: dt.datetime | None
) -> Action:
    _require_action_rights(actor, case=action.case, perm=CHANGE_ACTION)
    now = now or timezone.now()
    if not note.strip():
        if target == ActionStatus.DONE:
            raise ValidationError({"completion_note": "Enter what was done"})
        raise ValidationError({"reason": "Enter why the action is cancelled"})
    with transaction.atomic():
        action = Action.objects.select_for_update(of=("self",)).select_related("case", "owner_agency").get(pk=action.pk)
        check_version(action, expected_version)
        if action.status == target:
            return action
        _transition(action.status, target, ALLOWED_ACTION_TRANSITIONS, "action")
        action.status, action.completed_at, action.completed_by = target, now, actor
        action.completion_note = note.strip()
        bump(action)
        word = "done" if target == ActionStatus.DONE else "cancelled"
        audit.save(
            action,
            actor=actor,
            reason=f"Action {word}",
            update_fields=["status", "completed_at", "completed_by", "completion_note"],
        )
        if action.case is not None:
            chronology_record(
                case=action.case,
                kind=_action_chronology_kind(action),
                summary=f"Action {word} ({action.owner_agency}): {action.description}",
                detail=action.completion_note,
                actor=actor,
                occurred_at=now,
            )
    return action


def action_complete(
    *, action: Action, actor, completion_note: str, expected_version: int | None = None, now=None
) -> Action:
    return _action_close(
        action=action,
        actor=actor,
        target=ActionStatus.DONE,
        note=completion_note,
        expected_version=expected_version,
        now=now,
    )


def action_cancel(*, action: Action, actor, reason: str, expected_version: int | None = None, now=None) -> Action:
    return _action_close(
        action=action,
        actor=actor,
        target=ActionStatus.CANCELLED,
        note=reason,
        expected_version=expected_version,
        now=now,
    )

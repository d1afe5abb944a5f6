"""A panel's agenda: the cases the records say are due, items added by hand, withdrawals, papers
and the outcome of an item without a case."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from cate.choices import ChronologyKind
from cate.models import Case
from cate.services import chronology_record
from core import audit
from core.concurrency import check_version
from core.permissions import require
from core.selectors import service_settings

from .. import selectors
from ..choices import AGENDA_EDITABLE, DECISIONS_ALLOWED, MANUAL_ITEM_KINDS, ItemKind
from ..models import AgendaItem, PanelDecision, PanelMeeting
from ..papers import paper_from_assessment
from ..permissions import CHAIR_PANEL, require_chair_case
from ..rules import day_text
from ._common import refuse


def _lock_editable_meeting(meeting: PanelMeeting) -> PanelMeeting:
    meeting = PanelMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status not in AGENDA_EDITABLE:
        raise ValidationError("The agenda of a closed panel cannot change.")
    return meeting


def _next_position(meeting: PanelMeeting) -> int:
    return (meeting.items.aggregate(last=Max("position"))["last"] or 0) + 1


def agenda_build(
    *, meeting: PanelMeeting, actor, cases: Iterable[int] | None = None, now: dt.datetime | None = None
) -> list[AgendaItem]:
    """Add to the agenda the due cases the chair chose (`cases`, by id), within the panel's places
    (the `panel_capacity` setting, less the items already on it); with no choice, the most urgent
    due cases fill the places left. Due cases are first panels (allocated, never discussed; flagged
    when the panel meets after the first-panel deadline) and reviews. Those not chosen stay due
    and wait for the next panel. Each item carries the worker's latest risk assessment as its
    paper, frozen as it is now."""
    require(actor, CHAIR_PANEL, "Only a team leader can build a panel's agenda.")
    now = now or timezone.now()
    settings = service_settings()
    with transaction.atomic():
        meeting = _lock_editable_meeting(meeting)
        candidates = selectors.agenda_candidates(meeting=meeting, user=actor, settings=settings)
        capacity = settings["panel_capacity"]
        places = max(capacity - selectors.agenda_places_taken(meeting), 0)
        if cases is None:
            chosen = candidates[:places]
        else:
            wanted = {int(pk) for pk in cases}
            refuse(_choice_errors(wanted, candidates, places=places, capacity=capacity))
            chosen = [c for c in candidates if c.case.pk in wanted]  # most urgent first
        papers = selectors.latest_assessments(c.case.pk for c in chosen)
        position = _next_position(meeting)
        created = []
        for candidate in chosen:
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
            summary = f"Listed for the risk panel on {day_text(meeting.meets_at)} ({label})"
            if item.first_panel_deadline_missed:
                summary += f": after the first-panel deadline of {day_text(due)}"
            chronology_record(case=case, kind=ChronologyKind.PANEL, summary=summary, actor=actor, occurred_at=now)
            created.append(item)
    return created


def _choice_errors(wanted: set[int], candidates: list, *, places: int, capacity: int) -> dict:
    """What is wrong with the chair's choice of due cases, said as what to do."""
    if not wanted:
        return {"cases": "Choose at least one case to add to the agenda"}
    if places == 0:
        return {
            "cases": f"The agenda is full ({capacity} places): withdraw an item, or ask a group manager to "
            "raise the number of places in the settings"
        }
    if len(wanted) > places:
        return {
            "cases": f"You chose {len(wanted)} cases but this panel has {places} place{'s' if places != 1 else ''} "
            f"left: choose {places} or fewer, and the others wait for the next panel"
        }
    if wanted - {c.case.pk for c in candidates}:
        return {"cases": "Some of the cases you chose are no longer due at this panel: choose again from the list"}
    return {}


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
    require(actor, CHAIR_PANEL, "Only a team leader can add items to a panel's agenda.")
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
    refuse(errors)
    if case is not None:
        require_chair_case(actor, case, "You cannot add this case to a panel.")
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
                summary=f"Added to the risk panel on {day_text(meeting.meets_at)} ({label})",
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
    if item.is_carried:
        raise ValidationError("This item was carried to the next panel: change it on that panel's agenda.")
    if PanelDecision.objects.filter(item=item).exists():
        raise ValidationError("The panel has already decided on this item.")
    return item


def agenda_item_withdraw(
    *, item: AgendaItem, actor, reason: str, now: dt.datetime | None = None, expected_version: int | None = None
) -> AgendaItem:
    """Take an item off the agenda before it is decided (it stays in the history); the case is
    due again at the next panel built."""
    require(actor, CHAIR_PANEL, "Only a team leader can change a panel's agenda.")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the item is withdrawn"})
    now = now or timezone.now()
    with transaction.atomic():
        item = _lock_open_item(item, expected_version=expected_version)
        item.withdrawn_at, item.withdrawn_reason = now, reason.strip()
        audit.save_change(item, actor=actor, reason=f"Withdrawn from the agenda: {reason.strip()}"[:500])
        if item.case is not None:
            chronology_record(
                case=item.case,
                kind=ChronologyKind.PANEL,
                summary=f"Withdrawn from the risk panel on {day_text(item.meeting.meets_at)}",
                detail=reason.strip(),
                actor=actor,
                occurred_at=now,
            )
    return item


def agenda_item_refresh_paper(*, item: AgendaItem, actor, now: dt.datetime | None = None) -> AgendaItem:
    """Take the paper again from the worker's latest risk assessment (before the decision)."""
    require(actor, CHAIR_PANEL, "Only a team leader can change a panel's papers.")
    now = now or timezone.now()
    with transaction.atomic():
        item = _lock_open_item(item)
        if item.case is None:
            raise ValidationError("Only an item about a case takes its paper from the risk assessment.")
        assessment = selectors.latest_assessments([item.case_id]).get(item.case_id)
        if assessment is not None and assessment.pk == item.paper_assessment_id:
            return item
        item.paper, item.paper_assessment, item.paper_taken_at = paper_from_assessment(assessment), assessment, now
        audit.save_change(item, actor=actor, reason="Paper taken again from the latest risk assessment")
    return item


def agenda_item_record_outcome(
    *, item: AgendaItem, actor, outcome: str, expected_version: int | None = None
) -> AgendaItem:
    """What the panel agreed on an item without a case (information sharing, a placing authority)."""
    require(actor, CHAIR_PANEL, "Only the chair can record the panel's outcomes.")
    if not outcome.strip():
        raise ValidationError({"outcome": "Enter what the panel agreed"})
    with transaction.atomic():
        item = AgendaItem.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=item.pk)
        check_version(item, expected_version)
        if item.case_id is not None:
            raise ValidationError("Record a decision for an item about a case.")
        if item.meeting.status not in DECISIONS_ALLOWED:
            raise ValidationError("Open the panel before recording what it agreed.")
        if item.is_carried:
            raise ValidationError("This item was carried to the next panel: record what it agreed there.")
        if item.outcome == outcome.strip():
            return item
        item.outcome = outcome.strip()
        audit.save_change(item, actor=actor, reason="Panel outcome recorded", fields=["outcome"])
    return item

"""The panel schedule: scheduling panels, changing their details, opening and closing them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from cate.choices import ChronologyKind
from cate.services import chronology_record
from core import audit
from core.concurrency import check_version
from core.permissions import require
from core.selectors import service_settings
from core.workflow import transition

from .. import selectors
from ..choices import ALLOWED_PANEL_TRANSITIONS, PanelStatus
from ..models import AgendaItem, PanelMeeting
from ..papers import paper_from_assessment
from ..permissions import CHAIR_PANEL
from ..rules import MAX_SCHEDULED_AT_ONCE, day_text, next_meets_at
from ._common import refuse


def _check_people(*, chair, members: Iterable, keep: Iterable[int] = ()) -> dict:
    """The chair must be able to chair panels and the members be panel members, all able to sign
    in today; people already on the panel (`keep`, by id) may stay on it."""
    keep = set(keep)
    errors = {}
    if chair is not None and chair.pk not in keep and not selectors.panel_chair_choices().filter(pk=chair.pk).exists():
        errors["chair"] = f"{chair} cannot chair the risk panel"
    wanted = {m.pk for m in members} - keep
    allowed = set(selectors.panel_member_choices().filter(pk__in=wanted).values_list("pk", flat=True))
    outsiders = [str(m) for m in members if m.pk in wanted - allowed]
    if outsiders:
        errors["members"] = f"Choose only panel members who can sign in ({', '.join(outsiders)} cannot)"
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
    require(actor, CHAIR_PANEL, "Only a team leader can schedule risk panels.")
    now = now or timezone.now()
    errors = {}
    if not 1 <= count <= MAX_SCHEDULED_AT_ONCE:
        errors["count"] = f"Enter a number of panels from 1 to {MAX_SCHEDULED_AT_ONCE}"
    settings = service_settings()
    with transaction.atomic():
        latest = PanelMeeting.objects.select_for_update().order_by("-meets_at").first()
        meets_at = None
        if first_meets_at is not None:
            if first_meets_at <= now:
                errors["first_meets_at"] = "Enter a date and time in the future for the first panel"
            elif latest is not None and first_meets_at <= latest.meets_at:
                last = day_text(latest.meets_at)
                errors["first_meets_at"] = f"Enter a date and time after the last panel ({last}) for the first panel"
            meets_at = first_meets_at
        elif latest is None:
            errors["first_meets_at"] = "Enter the date and time of the first panel"
        else:
            meets_at = next_meets_at(latest.meets_at, settings, now=now)
        if errors:
            raise ValidationError(errors)
        if chair is None and latest is not None:
            # The last panel's chair and members carry on, if they can still sign in and do it.
            chair = selectors.panel_chair_choices().filter(pk=latest.chair_id).first()
        agencies = list(agencies) if agencies is not None else (list(latest.agencies.all()) if latest else [])
        if members is not None:
            members = list(members)
        else:
            members = list(selectors.panel_member_choices().filter(panel_meetings=latest)) if latest else []
        if location is None:
            location = latest.location if latest else ""
        refuse(_check_people(chair=chair, members=members))
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
    require(actor, CHAIR_PANEL, "Only a team leader can change a risk panel.")
    agencies, members = list(agencies), list(members)
    with transaction.atomic():
        meeting = PanelMeeting.objects.select_for_update().get(pk=meeting.pk)
        check_version(meeting, expected_version)
        if meeting.status == PanelStatus.CLOSED:
            raise ValidationError("A closed panel cannot change.")
        current = {*meeting.members.values_list("pk", flat=True), meeting.chair_id}
        refuse(_check_people(chair=chair, members=members, keep=current - {None}))
        if PanelMeeting.objects.filter(meets_at=meets_at).exclude(pk=meeting.pk).exists():
            raise ValidationError({"meets_at": "Another panel meets at that time"})
        moved = meeting.meets_at != meets_at
        same_people = set(meeting.agencies.values_list("pk", flat=True)) == {a.pk for a in agencies} and set(
            meeting.members.values_list("pk", flat=True)
        ) == {m.pk for m in members}
        if not moved and same_people and (meeting.location, meeting.chair_id) == (location, getattr(chair, "pk", None)):
            return meeting
        meeting.meets_at, meeting.location, meeting.chair = meets_at, location, chair
        audit.save_change(meeting, actor=actor, reason="Risk panel details changed")
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
            changed.append(item)
    if changed:
        audit.bulk_save_change(
            AgendaItem, changed, ["first_panel_deadline_missed"], actor=actor, reason="Risk panel moved"
        )


def panel_open(*, meeting: PanelMeeting, actor, now: dt.datetime | None = None) -> PanelMeeting:
    """Open the panel: invited panel members can now see its agenda and papers."""
    require(actor, CHAIR_PANEL, "Only the chair can open or close a risk panel.")
    now = now or timezone.now()
    with transaction.atomic():
        meeting = PanelMeeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.status == PanelStatus.OPEN:
            return meeting
        transition(meeting.status, PanelStatus.OPEN, ALLOWED_PANEL_TRANSITIONS, "panel")
        meeting.status, meeting.opened_at = PanelStatus.OPEN, now
        audit.save_change(meeting, actor=actor, reason="Risk panel opened", fields=["status", "opened_at"])
    return meeting


def panel_close(
    *,
    meeting: PanelMeeting,
    actor,
    reasons: dict[int, str] | None = None,
    reason_for_others: str = "",
    now: dt.datetime | None = None,
) -> PanelMeeting:
    """Close the panel: panel members reach nothing of it any more. Every item the panel did not
    decide (no decision, no outcome, not withdrawn) is carried to the next panel on the schedule,
    each with why it was not decided (`reasons` by item id, else `reason_for_others`); nothing is
    left behind silently. When no panel is scheduled after this one, the next one is scheduled
    first, at the `panel_schedule_interval`, with this panel's chair, agencies and members. The
    items carried are on the returned panel as `carried` (and the panel they went to as
    `carried_to_meeting`)."""
    require(actor, CHAIR_PANEL, "Only the chair can open or close a risk panel.")
    now = now or timezone.now()
    reasons = {int(pk): (text or "").strip() for pk, text in (reasons or {}).items()}
    reason_for_others = reason_for_others.strip()
    with transaction.atomic():
        locked = PanelMeeting.objects.select_for_update().get(pk=meeting.pk)
        if locked.status == PanelStatus.CLOSED:
            return locked
        transition(locked.status, PanelStatus.CLOSED, ALLOWED_PANEL_TRANSITIONS, "panel")
        undecided = list(
            AgendaItem.objects.select_for_update(of=("self",))
            .filter(meeting=locked, withdrawn_at__isnull=True, carried_to__isnull=True)
            .filter(decision__isnull=True, outcome="")
            .select_related("case__child")
            .order_by("position", "id")
        )
        errors = {
            f"reason_{item.pk}": f"Enter why {_item_label(item)} was not decided, or a reason for all the items left"
            for item in undecided
            if not (reasons.get(item.pk) or reason_for_others)
        }
        refuse(errors)
        carried, target = [], None
        if undecided:
            target = selectors.panel_next_after(locked)
            if target is None:
                (target,) = panel_schedule(actor=actor, count=1, now=now)
            target = PanelMeeting.objects.select_for_update().get(pk=target.pk)
            for item in undecided:
                carried.append(
                    _carry(item, to=target, reason=reasons.get(item.pk) or reason_for_others, actor=actor, now=now)
                )
        locked.status, locked.closed_at = PanelStatus.CLOSED, now
        reason = "Risk panel closed"
        if carried:
            reason += f": {len(carried)} item{'s' if len(carried) != 1 else ''} carried to {day_text(target.meets_at)}"
        audit.save_change(locked, actor=actor, reason=reason, fields=["status", "closed_at"])
    locked.carried, locked.carried_to_meeting = carried, target
    return locked


def _item_label(item: AgendaItem) -> str:
    return item.case.child.full_name if item.case_id else item.title


def _carry(item: AgendaItem, *, to: PanelMeeting, reason: str, actor, now: dt.datetime) -> AgendaItem:
    """Put an item not decided on the next panel's agenda (or point it at the case's item already
    there), say why on both, and write it in the case's chronology."""
    target = to.items.filter(case=item.case).first() if item.case_id else None
    if target is None:
        paper, assessment = item.paper, item.paper_assessment
        if item.case_id:  # the paper as it stands now
            assessment = selectors.latest_assessments([item.case_id]).get(item.case_id)
            paper = paper_from_assessment(assessment) if assessment else item.paper
        position = (to.items.aggregate(last=Max("position"))["last"] or 0) + 1
        target = AgendaItem(
            meeting=to,
            case=item.case,
            kind=item.kind,
            title=item.title,
            presenting_agency=item.presenting_agency,
            placing_authority=item.placing_authority,
            details=item.details,
            paper=paper,
            paper_assessment=assessment,
            paper_taken_at=now,
            first_panel_due_at=item.first_panel_due_at,
            first_panel_deadline_missed=item.first_panel_due_at is not None and to.meets_at > item.first_panel_due_at,
            review_due_on=item.review_due_on,
            position=position,
            added_by=actor,
        )
        came_from = day_text(item.meeting.meets_at)
        audit.save(target, actor=actor, reason=f"Carried from the panel of {came_from}: {reason}"[:500])
    item.carried_to, item.carried_reason = target, reason
    audit.save_change(
        item,
        actor=actor,
        reason=f"Not decided; carried to the panel of {day_text(to.meets_at)}: {reason}"[:500],
        fields=["carried_to", "carried_reason"],
    )
    if item.case_id:
        chronology_record(
            case=item.case,
            kind=ChronologyKind.PANEL,
            summary=(
                f"Not decided at the risk panel on {day_text(item.meeting.meets_at)}: "
                f"carried to the panel on {day_text(to.meets_at)}"
            ),
            detail=reason,
            actor=actor,
            occurred_at=now,
        )
    return item

"""The panel schedule: scheduling panels, changing their details, opening and closing them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit
from core.concurrency import check_version
from core.permissions import require
from core.selectors import service_settings
from core.workflow import transition

from .. import selectors
from ..choices import ALLOWED_PANEL_TRANSITIONS, PanelStatus
from ..models import AgendaItem, PanelMeeting
from ..permissions import CHAIR_PANEL
from ..rules import MAX_SCHEDULED_AT_ONCE, day_text
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
        errors["members"] = f"Only panel members who can sign in can be invited: {', '.join(outsiders)}"
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
    if not 1 <= count <= MAX_SCHEDULED_AT_ONCE:
        raise ValidationError({"count": f"Enter a number of panels from 1 to {MAX_SCHEDULED_AT_ONCE}"})
    settings = service_settings()
    with transaction.atomic():
        latest = PanelMeeting.objects.select_for_update().order_by("-meets_at").first()
        if first_meets_at is not None:
            if first_meets_at <= now:
                raise ValidationError({"first_meets_at": "The first panel must be in the future"})
            if latest is not None and first_meets_at <= latest.meets_at:
                last = day_text(latest.meets_at)
                raise ValidationError({"first_meets_at": f"The first panel must be after the last one ({last})"})
            meets_at = first_meets_at
        elif latest is None:
            raise ValidationError({"first_meets_at": "Enter the date and time of the first panel"})
        else:
            meets_at = settings.due("panel_schedule_interval", latest.meets_at)
            while meets_at <= now:  # after a gap, the schedule resumes at its next date
                meets_at = settings.due("panel_schedule_interval", meets_at)
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


def _panel_move(meeting: PanelMeeting, *, actor, target: str, now: dt.datetime | None) -> PanelMeeting:
    require(actor, CHAIR_PANEL, "Only the chair can open or close a risk panel.")
    now = now or timezone.now()
    with transaction.atomic():
        meeting = PanelMeeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.status == target:
            return meeting
        transition(meeting.status, target, ALLOWED_PANEL_TRANSITIONS, "panel")
        meeting.status = target
        fields = ["status"]
        if target == PanelStatus.OPEN:
            meeting.opened_at = now
            fields.append("opened_at")
        else:
            meeting.closed_at = now
            fields.append("closed_at")
        reason = "Risk panel opened" if target == PanelStatus.OPEN else "Risk panel closed"
        audit.save_change(meeting, actor=actor, reason=reason, fields=fields)
    return meeting


def panel_open(*, meeting: PanelMeeting, actor, now: dt.datetime | None = None) -> PanelMeeting:
    """Open the panel: invited panel members can now see its agenda and papers."""
    return _panel_move(meeting, actor=actor, target=PanelStatus.OPEN, now=now)


def panel_close(*, meeting: PanelMeeting, actor, now: dt.datetime | None = None) -> PanelMeeting:
    """Close the panel: panel members reach nothing of it any more."""
    return _panel_move(meeting, actor=actor, target=PanelStatus.CLOSED, now=now)

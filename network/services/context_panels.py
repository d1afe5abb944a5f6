"""The context panel ("contextual MACE"): scheduling a panel and changing it, opening and closing
it (the members' access window), its agenda of contexts, what it decided on each, the actions it
agreed (riskpanel's multi-agency actions, which the owning agency updates and completes there), the
attendance by agency and the minutes. Only a team leader (the chair) writes any of it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core import audit
from core.concurrency import check_version
from core.workflow import transition
from riskpanel.choices import AGENDA_EDITABLE, ALLOWED_PANEL_TRANSITIONS, MinutesStatus, PanelStatus
from riskpanel.services import action_create

from .. import panel_selectors
from ..choices import ContextItemKind
from ..models.panels import ContextPanel, ContextPanelAction, ContextPanelAttendance, ContextPanelItem
from ..panel_permissions import require_chair_context_panel
from ..rules import context_paper
from ._common import node_for, refuse


def _people_errors(*, chair, members: Iterable, keep: Iterable[int] = ()) -> dict:
    """The chair must chair context panels and the members be partners or panel members, all able
    to sign in today; people already on the panel (`keep`, by id) may stay."""
    keep, errors = set(keep), {}
    if (
        chair is not None
        and chair.pk not in keep
        and not panel_selectors.context_panel_chair_choices().filter(pk=chair.pk).exists()
    ):
        errors["chair"] = f"{chair} cannot chair a context panel"
    wanted = {member.pk for member in members} - keep
    allowed = set(panel_selectors.context_panel_member_choices().filter(pk__in=wanted).values_list("pk", flat=True))
    outsiders = [str(member) for member in members if member.pk in wanted - allowed]
    if outsiders:
        errors["members"] = f"Choose only partners or panel members who can sign in ({', '.join(outsiders)} cannot)"
    return errors


def context_panel_schedule(
    *,
    actor,
    meets_at: dt.datetime,
    location: str = "",
    chair=None,
    agencies: Iterable = (),
    members: Iterable = (),
    now: dt.datetime | None = None,
) -> ContextPanel:
    """A context panel on the schedule, with the agencies it expects and the people it invites."""
    require_chair_context_panel(actor)
    now = now or timezone.now()
    agencies, members = list(agencies), list(members)
    errors = _people_errors(chair=chair, members=members)
    if meets_at is None:
        errors["meets_at"] = "Enter the date and time of the panel"
    elif meets_at <= now:
        errors["meets_at"] = "Enter a date and time in the future"
    elif ContextPanel.objects.filter(meets_at=meets_at).exists():
        errors["meets_at"] = "Another context panel meets at that time"
    refuse(errors)
    with transaction.atomic():
        panel = ContextPanel(meets_at=meets_at, location=location.strip(), chair=chair, created_by=actor)
        audit.save(panel, actor=actor, reason="Context panel scheduled")
        panel.agencies.set(agencies)
        panel.members.set(members)
    return panel


def context_panel_update(
    *,
    panel: ContextPanel,
    actor,
    meets_at: dt.datetime,
    location: str,
    chair,
    agencies: Iterable,
    members: Iterable,
    expected_version: int | None = None,
) -> ContextPanel:
    """Change a panel's date, place, chair, agencies or invited members (until it closes)."""
    require_chair_context_panel(actor)
    agencies, members = list(agencies), list(members)
    with transaction.atomic():
        panel = ContextPanel.objects.select_for_update().get(pk=panel.pk)
        check_version(panel, expected_version)
        if panel.status == PanelStatus.CLOSED:
            raise ValidationError("A closed context panel cannot change.")
        current = {*panel.members.values_list("pk", flat=True), panel.chair_id} - {None}
        errors = _people_errors(chair=chair, members=members, keep=current)
        if meets_at is None:
            errors["meets_at"] = "Enter the date and time of the panel"
        elif ContextPanel.objects.filter(meets_at=meets_at).exclude(pk=panel.pk).exists():
            errors["meets_at"] = "Another context panel meets at that time"
        refuse(errors)
        same_people = set(panel.agencies.values_list("pk", flat=True)) == {a.pk for a in agencies} and set(
            panel.members.values_list("pk", flat=True)
        ) == {m.pk for m in members}
        location = location.strip()
        if same_people and (panel.meets_at, panel.location, panel.chair_id) == (
            meets_at,
            location,
            getattr(chair, "pk", None),
        ):
            return panel
        panel.meets_at, panel.location, panel.chair = meets_at, location, chair
        audit.save_change(panel, actor=actor, reason="Context panel details changed")
        panel.agencies.set(agencies)
        panel.members.set(members)
    return panel


def context_panel_open(*, panel: ContextPanel, actor, now: dt.datetime | None = None) -> ContextPanel:
    """Open the panel: its invited members can now see the agenda and the papers."""
    require_chair_context_panel(actor)
    now = now or timezone.now()
    with transaction.atomic():
        panel = ContextPanel.objects.select_for_update().get(pk=panel.pk)
        if panel.status == PanelStatus.OPEN:
            return panel
        transition(panel.status, PanelStatus.OPEN, ALLOWED_PANEL_TRANSITIONS, "context panel")
        panel.status, panel.opened_at = PanelStatus.OPEN, now
        audit.save_change(panel, actor=actor, reason="Context panel opened", fields=["status", "opened_at"])
    return panel


def context_panel_close(*, panel: ContextPanel, actor, now: dt.datetime | None = None) -> ContextPanel:
    """Close the panel: its members reach nothing of it any more. An item not decided stays so on
    the record (the chair lists the context again at a later panel)."""
    require_chair_context_panel(actor)
    now = now or timezone.now()
    with transaction.atomic():
        panel = ContextPanel.objects.select_for_update().get(pk=panel.pk)
        if panel.status == PanelStatus.CLOSED:
            return panel
        transition(panel.status, PanelStatus.CLOSED, ALLOWED_PANEL_TRANSITIONS, "context panel")
        panel.status, panel.closed_at = PanelStatus.CLOSED, now
        audit.save_change(panel, actor=actor, reason="Context panel closed", fields=["status", "closed_at"])
    return panel


# --- The agenda -------------------------------------------------------------------------------


def _lock_open_agenda(panel: ContextPanel) -> ContextPanel:
    panel = ContextPanel.objects.select_for_update().get(pk=panel.pk)
    if panel.status not in AGENDA_EDITABLE:
        raise ValidationError("The agenda of a closed context panel cannot change.")
    return panel


def context_item_add(
    *,
    panel: ContextPanel,
    actor,
    context,
    kind: str,
    presenting_agency=None,
    details: str = "",
    now: dt.datetime | None = None,
) -> ContextPanelItem:
    """List a place or peer group on the agenda, with the paper as it stands now."""
    require_chair_context_panel(actor)
    now = now or timezone.now()
    errors = {}
    if context is None:
        errors["context"] = "Choose the place or peer group the panel is to consider"
    if kind not in ContextItemKind.values:
        errors["kind"] = "Choose why the context is on the agenda"
    refuse(errors)
    with transaction.atomic():
        panel = _lock_open_agenda(panel)
        node = node_for(context)
        if panel.items.filter(node=node, withdrawn_at__isnull=True).exists():
            raise ValidationError({"context": f"{context} is already on this panel's agenda"})
        position = (panel.items.aggregate(last=Max("position"))["last"] or 0) + 1
        item = ContextPanelItem(
            panel=panel,
            node=node,
            kind=kind,
            presenting_agency=presenting_agency,
            details=details.strip(),
            paper=context_paper(context),
            paper_taken_at=now,
            position=position,
            added_by=actor,
        )
        audit.save(item, actor=actor, reason="Context listed at the context panel")
    return item


def context_item_withdraw(
    *, item: ContextPanelItem, actor, reason: str, expected_version: int | None = None, now: dt.datetime | None = None
) -> ContextPanelItem:
    """Take an item off the agenda, with the reason (it stays on the record)."""
    require_chair_context_panel(actor)
    now = now or timezone.now()
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter why the item is withdrawn"})
    with transaction.atomic():
        _lock_open_agenda(item.panel)
        item = ContextPanelItem.objects.select_for_update().get(pk=item.pk)
        check_version(item, expected_version)
        if item.is_withdrawn:
            return item
        if item.is_decided:
            raise ValidationError("The panel has decided on this item: it cannot be withdrawn.")
        item.withdrawn_at, item.withdrawn_reason = now, reason.strip()
        audit.save_change(item, actor=actor, reason=f"Withdrawn from the agenda: {item.withdrawn_reason}")
    return item


def context_item_decide(
    *,
    item: ContextPanelItem,
    actor,
    decision: str,
    discussion: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> ContextPanelItem:
    """What the panel agreed on a context, and what it discussed (once the panel has opened;
    changed until the minutes are final)."""
    require_chair_context_panel(actor)
    now = now or timezone.now()
    if not (decision or "").strip():
        raise ValidationError({"decision": "Enter what the panel agreed"})
    with transaction.atomic():
        panel = ContextPanel.objects.select_for_update().get(pk=item.panel_id)
        if panel.status == PanelStatus.SCHEDULED:
            raise ValidationError("Open the panel before recording what it decided.")
        if panel.minutes_final:
            raise ValidationError("The minutes of this panel are final: its decisions no longer change.")
        item = ContextPanelItem.objects.select_for_update().get(pk=item.pk)
        check_version(item, expected_version)
        if item.is_withdrawn:
            raise ValidationError("This item was withdrawn from the agenda.")
        decision, discussion = decision.strip(), (discussion or "").strip()
        if (item.decision, item.discussion) == (decision, discussion):
            return item
        first = not item.is_decided
        item.decision, item.discussion = decision, discussion
        if first:
            item.decided_at, item.decided_by = now, actor
        audit.save_change(item, actor=actor, reason="Context panel decision recorded" if first else "Decision changed")
    return item


def context_item_action_add(
    *,
    item: ContextPanelItem,
    actor,
    description: str,
    owner_agency,
    due_on: dt.date,
    owner=None,
    owner_name: str = "",
    now: dt.datetime | None = None,
) -> ContextPanelAction:
    """An action the panel agreed on a context: a multi-agency action (riskpanel's, belonging to no
    case: its owning agency's partners see it in their list, record progress and complete it)."""
    require_chair_context_panel(actor)
    if item.is_withdrawn:
        raise ValidationError("This item was withdrawn from the agenda.")
    if item.panel.status == PanelStatus.SCHEDULED:
        raise ValidationError("Open the panel before agreeing actions.")
    with transaction.atomic():
        action = action_create(
            actor=actor,
            description=description,
            owner_agency=owner_agency,
            due_on=due_on,
            owner=owner,
            owner_name=owner_name,
            now=now,
        )
        link = ContextPanelAction(item=item, action=action)
        audit.save(link, actor=actor, reason="Action agreed at the context panel")
    return link


# --- Attendance and minutes -----------------------------------------------------------------------


def context_attendance_record(
    *,
    panel: ContextPanel,
    actor,
    agency,
    present: str = "",
    apologies: str = "",
    expected_version: int | None = None,
) -> ContextPanelAttendance:
    """Who came from an agency and who sent apologies (one row per agency, changed in place). The
    panel's version moves on with each, so two people recording the same panel's attendance at once
    cannot overwrite each other unseen."""
    require_chair_context_panel(actor)
    present, apologies = (present or "").strip(), (apologies or "").strip()
    errors = {}
    if agency is None:
        errors["agency"] = "Choose the agency"
    if not present and not apologies:
        errors["present"] = "Enter who attended, or who sent apologies"
    refuse(errors)
    with transaction.atomic():
        panel = ContextPanel.objects.select_for_update().get(pk=panel.pk)
        check_version(panel, expected_version)
        if panel.minutes_final:
            raise ValidationError("The minutes of this panel are final: the attendance no longer changes.")
        if panel.status == PanelStatus.SCHEDULED:
            raise ValidationError("The panel has not met yet: open it before recording who attended.")
        row = ContextPanelAttendance.objects.filter(panel=panel, agency=agency).first()
        if row is None:
            row = ContextPanelAttendance(panel=panel, agency=agency)
        elif (row.present, row.apologies) == (present, apologies):
            return row
        row.present, row.apologies = present, apologies
        reason = f"Attendance of {agency} recorded"
        audit.save(row, actor=actor, reason=reason)
        panel.attendance_recorded_at = timezone.now()
        audit.save_change(panel, actor=actor, reason=reason, fields=["attendance_recorded_at"])
    return row


def context_minutes_record(
    *,
    panel: ContextPanel,
    actor,
    other_business: str = "",
    finalise: bool = False,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> ContextPanel:
    """Save the minutes' other business; finalising (once the panel has closed, every item not
    withdrawn decided) fixes the minutes, decisions and attendance."""
    require_chair_context_panel(actor)
    now = now or timezone.now()
    with transaction.atomic():
        panel = ContextPanel.objects.select_for_update().get(pk=panel.pk)
        check_version(panel, expected_version)
        if panel.minutes_final:
            raise ValidationError("These minutes are final.")
        panel.other_business = (other_business or "").strip()
        fields = ["other_business"]
        reason = "Context panel minutes saved"
        if finalise:
            errors = []
            if panel.status != PanelStatus.CLOSED:
                errors.append("Close the panel before finalising its minutes.")
            undecided = panel.items.filter(withdrawn_at__isnull=True, decided_at__isnull=True).count()
            if undecided:
                errors.append(f"Record what the panel decided on every item ({undecided} not decided).")
            if errors:
                raise ValidationError(errors)
            panel.minutes_status, panel.minutes_finalised_at, panel.minutes_finalised_by = (
                MinutesStatus.FINAL,
                now,
                actor,
            )
            fields += ["minutes_status", "minutes_finalised_at", "minutes_finalised_by"]
            reason = "Context panel minutes finalised"
        audit.save_change(panel, actor=actor, reason=reason, fields=fields)
    return panel

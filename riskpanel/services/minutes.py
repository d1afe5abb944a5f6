"""The minutes of a panel: attendance and apologies by agency, the discussion of each item (its
decision and actions are their own records), saved as a draft with any part filled and checked
for completeness when finalised."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit
from core.concurrency import check_version
from core.models import Agency
from core.permissions import require

from ..choices import MinutesStatus, PanelStatus
from ..models import AgendaItem, MinutesAttendance, MinutesEntry, PanelMeeting, PanelMinutes
from ..permissions import CHAIR_PANEL
from ._common import refuse


def _label(item: AgendaItem) -> str:
    return item.case.child.full_name if item.case_id else item.title


def _completeness_errors(meeting: PanelMeeting, attendance: dict, discussions: dict, items: list) -> dict:
    """What final minutes must hold, each said as what to do: the panel closed, who came from each
    agency invited (or their apologies), someone attending, and the discussion of every item the
    panel decided."""
    errors = {}
    if meeting.status != PanelStatus.CLOSED:
        errors["__all__"] = [
            "Close the panel before finalising its minutes (closing carries the items not decided to the next panel)"
        ]
    if not any(present for present, _ in attendance.values()):
        errors.setdefault("__all__", []).append("Enter who attended from at least one agency")
    for agency in meeting.agencies.all():
        present, apologies = attendance.get(agency.pk, ("", ""))
        if not present and not apologies:
            errors[f"present_{agency.pk}"] = f"Enter who attended from {agency}, or the apologies they sent"
    for item in items:
        if not item.is_carried and not discussions.get(item.pk):
            errors[f"discussion_{item.pk}"] = f"Enter what the panel discussed about {_label(item)}"
    return errors


def panel_minutes_save(
    *,
    meeting: PanelMeeting,
    actor,
    attendance: dict[int, tuple[str, str]],
    discussions: dict[int, str],
    other_business: str = "",
    finalise: bool = False,
    now: dt.datetime | None = None,
    expected_version: int | None = None,
) -> PanelMinutes:
    """Save the minutes as a draft, with whatever is filled (`attendance`: agency id to who came and
    who sent apologies; `discussions`: item id to what was discussed), or finalise them: then they
    must be complete, and they no longer change. Each save records who made it and when."""
    require(actor, CHAIR_PANEL, "Only the chair can write the panel's minutes.")
    now = now or timezone.now()
    attendance = {int(k): ((p or "").strip(), (a or "").strip()) for k, (p, a) in attendance.items()}
    discussions = {int(k): (v or "").strip() for k, v in discussions.items()}
    with transaction.atomic():
        meeting = PanelMeeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.status == PanelStatus.SCHEDULED:
            raise ValidationError("The panel has not met yet: open it before writing its minutes.")
        minutes = PanelMinutes.objects.select_for_update().filter(meeting=meeting).first()
        if minutes is not None:
            check_version(minutes, expected_version)
            if minutes.is_final:
                raise ValidationError("These minutes are final and no longer change.")
        items = list(
            AgendaItem.objects.filter(meeting=meeting, withdrawn_at__isnull=True)
            .select_related("case__child")
            .order_by("position", "id")
        )
        if set(discussions) - {i.pk for i in items}:
            raise ValidationError("Some items are no longer on this agenda: open the minutes again.")
        agencies = {a.pk: a for a in Agency.objects.filter(pk__in=list(attendance))}
        if set(attendance) - set(agencies):
            raise ValidationError("Some agencies no longer exist: open the minutes again.")
        if finalise:
            refuse(_completeness_errors(meeting, attendance, discussions, items))
        reason = "Minutes finalised" if finalise else "Minutes saved as a draft"
        if minutes is None:
            minutes = PanelMinutes(meeting=meeting, other_business=other_business.strip(), updated_by=actor)
            _finalise(minutes, finalise, actor, now)
            audit.save(minutes, actor=actor, reason=reason)
        else:
            minutes.other_business, minutes.updated_by = other_business.strip(), actor
            _finalise(minutes, finalise, actor, now)
            audit.save_change(minutes, actor=actor, reason=reason)
        _save_attendance(minutes, attendance, agencies, actor=actor)
        _save_entries(minutes, discussions, {i.pk: i for i in items}, actor=actor)
    return minutes


def _finalise(minutes: PanelMinutes, finalise: bool, actor, now: dt.datetime) -> None:
    if finalise:
        minutes.status, minutes.finalised_at, minutes.finalised_by = MinutesStatus.FINAL, now, actor


def _save_attendance(minutes: PanelMinutes, attendance: dict, agencies: dict, *, actor) -> None:
    rows = {row.agency_id: row for row in minutes.attendance.all()}
    for agency_id, (present, apologies) in attendance.items():
        row = rows.get(agency_id)
        if row is None:
            if present or apologies:
                row = MinutesAttendance(
                    minutes=minutes, agency=agencies[agency_id], present=present, apologies=apologies
                )
                audit.save(row, actor=actor, reason="Attendance recorded in the minutes")
        elif (row.present, row.apologies) != (present, apologies):
            row.present, row.apologies = present, apologies
            audit.save_change(row, actor=actor, reason="Attendance changed in the minutes")


def _save_entries(minutes: PanelMinutes, discussions: dict, items: dict, *, actor) -> None:
    entries = {entry.item_id: entry for entry in minutes.entries.all()}
    for item_id, discussion in discussions.items():
        entry = entries.get(item_id)
        if entry is None:
            if discussion:
                entry = MinutesEntry(minutes=minutes, item=items[item_id], discussion=discussion)
                audit.save(entry, actor=actor, reason="Discussion recorded in the minutes")
        elif entry.discussion != discussion:
            entry.discussion = discussion
            audit.save_change(entry, actor=actor, reason="Discussion changed in the minutes")

"""Writes of the multi-agency part of the pathway: panel schedule and agenda, decisions,
strategy meetings, safety plans and actions, one module each.

Every service takes the acting user, checks the permission, locks what changes, records history
with a reason and writes the case chronology (cate.services.chronology_record).
"""

from .actions import (
    action_cancel,
    action_complete,
    action_create,
    action_progress_record,
    action_update,
    register_action_close,
    register_action_create,
)
from .agenda import (
    agenda_build,
    agenda_item_add,
    agenda_item_record_outcome,
    agenda_item_refresh_paper,
    agenda_item_withdraw,
)
from .decisions import panel_decision_record, panel_decision_send_gp_letter
from .minutes import panel_minutes_save
from .panels import panel_close, panel_open, panel_schedule, panel_update
from .safety_plans import safety_plan_agree, safety_plan_start, safety_plan_update
from .strategy_meetings import strategy_meeting_record

__all__ = [
    "action_cancel",
    "action_complete",
    "action_create",
    "action_progress_record",
    "action_update",
    "agenda_build",
    "agenda_item_add",
    "agenda_item_record_outcome",
    "agenda_item_refresh_paper",
    "agenda_item_withdraw",
    "panel_close",
    "panel_decision_record",
    "panel_decision_send_gp_letter",
    "panel_minutes_save",
    "panel_open",
    "panel_schedule",
    "panel_update",
    "register_action_close",
    "register_action_create",
    "safety_plan_agree",
    "safety_plan_start",
    "safety_plan_update",
    "strategy_meeting_record",
]

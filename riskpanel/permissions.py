"""Who may do what in the multi-agency part of the pathway.

Team leaders schedule and chair panels, record decisions and strategy meetings, and agree safety
plans. CATE workers write safety plans and actions on their own cases (their case access comes from
cate: allocation grants object permissions). Group managers see everything and change nothing here.
Panel members hold no model permission: they see the agenda and papers of a panel only while it is
open and they are invited (riskpanel.selectors.panels_visible_to).
"""

from core.roles import Role

CHAIR_PANEL = "riskpanel.chair_panel"
VIEW_PANEL = "riskpanel.view_panelmeeting"
VIEW_AGENDA_ITEM = "riskpanel.view_agendaitem"
VIEW_DECISION = "riskpanel.view_paneldecision"
VIEW_STRATEGY_MEETING = "riskpanel.view_strategymeeting"
RECORD_STRATEGY_MEETING = "riskpanel.change_strategymeeting"
VIEW_SAFETY_PLAN = "riskpanel.view_safetyplan"
ADD_SAFETY_PLAN = "riskpanel.add_safetyplan"
CHANGE_SAFETY_PLAN = "riskpanel.change_safetyplan"
AGREE_SAFETY_PLAN = "riskpanel.agree_safetyplan"
VIEW_ACTION = "riskpanel.view_action"
ADD_ACTION = "riskpanel.add_action"
CHANGE_ACTION = "riskpanel.change_action"

# The roles that use this part of the service.
LANDING_ROLES = frozenset({Role.CATE_WORKER, Role.TEAM_LEADER, Role.GROUP_MANAGER, Role.PANEL_MEMBER})
# Roles that see panels (panel members only the open ones they are invited to).
PANEL_ROLES = frozenset({Role.TEAM_LEADER, Role.GROUP_MANAGER, Role.PANEL_MEMBER})
# Roles that work with cases here (their own cases, or all of them for managers).
CASEWORK_ROLES = frozenset({Role.CATE_WORKER, Role.TEAM_LEADER, Role.GROUP_MANAGER})

_READ = [VIEW_PANEL, VIEW_AGENDA_ITEM, VIEW_DECISION, VIEW_STRATEGY_MEETING, VIEW_SAFETY_PLAN, VIEW_ACTION]

ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.CATE_WORKER: [
        VIEW_DECISION,
        VIEW_STRATEGY_MEETING,
        VIEW_SAFETY_PLAN,
        ADD_SAFETY_PLAN,
        CHANGE_SAFETY_PLAN,
        VIEW_ACTION,
        ADD_ACTION,
        CHANGE_ACTION,
    ],
    Role.TEAM_LEADER: [
        *_READ,
        CHAIR_PANEL,
        "cate.record_panel_outcome",  # the panel's risk level and GP letter on the case (cate checks it)
        "riskpanel.add_panelmeeting",
        "riskpanel.change_panelmeeting",
        "riskpanel.add_agendaitem",
        "riskpanel.change_agendaitem",
        "riskpanel.add_paneldecision",
        RECORD_STRATEGY_MEETING,
        ADD_SAFETY_PLAN,
        CHANGE_SAFETY_PLAN,
        AGREE_SAFETY_PLAN,
        ADD_ACTION,
        CHANGE_ACTION,
    ],
    Role.GROUP_MANAGER: list(_READ),
}

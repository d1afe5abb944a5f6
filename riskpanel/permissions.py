"""Who may do what in the multi-agency part of the pathway.

Team leaders schedule and chair panels, record decisions and strategy meetings, and agree safety
plans. CATE workers write safety plans and actions on their own cases (their case access comes from
cate: allocation grants object permissions). Group managers see everything and change nothing here.
Panel members hold no model permission: they see the agenda and papers of a panel only while it is
open and they are invited (riskpanel.selectors.panels_visible_to). Partner agency practitioners see
the actions their agency owns (never the case record they come from), record progress on them and
complete them; a restricted child's actions only when they are named on the child.

Below the role grants: Django-style `(user, obj)` predicates, each a check (`can_*`, a bool) with
its refusal (`require_*`, PermissionDenied) for the services, and the permissions object each page
computes once for its template.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from cate.permissions import can_work_on_case
from cate.selectors import cases_visible_to
from contacts.permissions import can_see_child
from core.permissions import require
from core.roles import Role, has_role

from .choices import AGENDA_EDITABLE, DECISIONS_ALLOWED, ActionStatus, SafetyPlanStatus

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
AGENCY_ACTIONS = "riskpanel.work_agency_actions"  # a partner: the actions their agency owns

# The roles that use this part of the service.
LANDING_ROLES = frozenset({Role.CATE_WORKER, Role.TEAM_LEADER, Role.GROUP_MANAGER, Role.PANEL_MEMBER})
# Roles that see panels (panel members only the open ones they are invited to).
PANEL_ROLES = frozenset({Role.TEAM_LEADER, Role.GROUP_MANAGER, Role.PANEL_MEMBER})
# Roles that work with cases here (their own cases, or all of them for managers).
CASEWORK_ROLES = frozenset({Role.CATE_WORKER, Role.TEAM_LEADER, Role.GROUP_MANAGER})
# Who can own a multi-agency action: CATE casework, partner agencies' practitioners, panel members.
ACTION_OWNER_ROLES = (Role.CATE_WORKER, Role.TEAM_LEADER, Role.GROUP_MANAGER, Role.PARTNER, Role.PANEL_MEMBER)

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
    Role.PARTNER: [AGENCY_ACTIONS],
}


# --- Who sees panels -------------------------------------------------------------------------


def sees_every_panel(user) -> bool:
    """Team leaders and group managers see every panel, whatever its state."""
    return user.has_perm(VIEW_PANEL)


def is_panel_member(user) -> bool:
    """A panel member sees the open panels they are invited to, and nothing else."""
    return has_role(user, Role.PANEL_MEMBER)


# --- Predicates on cases and their records ---------------------------------------------------


def can_see_case(user, case) -> bool:
    """The case is among those the user may see: their own, or every case for managers; never a
    restricted child they are not named on."""
    return case is not None and cases_visible_to(user).filter(pk=case.pk).exists()


def _can_on_case(user, case, perm: str) -> bool:
    """Write on a case: seeing it is not enough (a worker keeps read-only access to a case they held
    when it closed); the user works on it (cate's allocation, or every case for managers)."""
    return user.has_perm(perm) and can_work_on_case(user, case) and can_see_case(user, case)


def can_chair_case(user, case) -> bool:
    """List a case at a panel, or record the panel's decision on it."""
    return _can_on_case(user, case, CHAIR_PANEL)


def require_chair_case(user, case, message: str = "You cannot bring this case to a panel.") -> None:
    if not can_chair_case(user, case):
        raise PermissionDenied(message)


def can_record_strategy_meeting(user, meeting) -> bool:
    return _can_on_case(user, meeting.case, RECORD_STRATEGY_MEETING)


def require_record_strategy_meeting(user, meeting) -> None:
    if not can_record_strategy_meeting(user, meeting):
        raise PermissionDenied("You cannot record a meeting for this case.")


def can_write_safety_plan(user, case) -> bool:
    """Draft a new version of a case's safety plan."""
    return _can_on_case(user, case, ADD_SAFETY_PLAN)


def require_write_safety_plan(user, case) -> None:
    if not can_write_safety_plan(user, case):
        raise PermissionDenied("You cannot write a safety plan for this case.")


def can_change_safety_plan(user, plan) -> bool:
    return _can_on_case(user, plan.case, CHANGE_SAFETY_PLAN)


def require_change_safety_plan(user, plan) -> None:
    if not can_change_safety_plan(user, plan):
        raise PermissionDenied("You cannot change this safety plan.")


def can_agree_safety_plan(user, plan) -> bool:
    return _can_on_case(user, plan.case, AGREE_SAFETY_PLAN)


def require_agree_safety_plan(user, plan) -> None:
    if not can_agree_safety_plan(user, plan):
        raise PermissionDenied("Only a team leader can agree a safety plan.")


def _can_manage_actions(user, case, perm: str) -> bool:
    if case is None:  # a placing authority's request, say: the chair's
        return user.has_perm(CHAIR_PANEL) and user.has_perm(perm)
    return _can_on_case(user, case, perm)


def _require_manage_actions(user, case, perm: str) -> None:
    if case is None:  # says which permission is missing
        require(user, CHAIR_PANEL, "Only a team leader can manage actions that belong to no case.")
        require(user, perm, "You cannot manage this action.")
    elif not _can_manage_actions(user, case, perm):
        raise PermissionDenied("You cannot manage actions of this case.")


def can_add_action(user, case) -> bool:
    """Add an action to a case (or, for the chair, one that belongs to no case)."""
    return _can_manage_actions(user, case, ADD_ACTION)


def require_add_action(user, case) -> None:
    _require_manage_actions(user, case, ADD_ACTION)


def can_change_action(user, action) -> bool:
    """Change, complete or cancel an action."""
    return _can_manage_actions(user, action.case, CHANGE_ACTION)


def require_change_action(user, action) -> None:
    _require_manage_actions(user, action.case, CHANGE_ACTION)


def acts_for_agency(user, action) -> bool:
    """A partner practitioner of the agency that owns the action, who may know its child exists
    (a restricted child only when they are named on it)."""
    return (
        user.has_perm(AGENCY_ACTIONS)
        and user.agency_id is not None
        and user.agency_id == action.owner_agency_id
        and (action.case_id is None or can_see_child(user, action.case.child))
    )


def can_update_action(user, action) -> bool:
    """Record progress on an action, or complete it: its agency's partners, or those who manage the
    actions of its case."""
    return acts_for_agency(user, action) or can_change_action(user, action)


def require_update_action(user, action) -> None:
    if not can_update_action(user, action):
        raise PermissionDenied("You cannot update this action: it belongs to another agency or case.")


# --- One permissions object per page ---------------------------------------------------------
#
# Each is computed once for a record the user can see (read through its permission-filtered
# getter, so its case is one they may see) and read by the page's template as `perms`.


@dataclass(frozen=True)
class LandingPermissions:
    sees_all_panels: bool
    can_chair: bool
    is_panel_member: bool
    does_casework: bool


def landing_permissions(user) -> LandingPermissions:
    return LandingPermissions(
        sees_all_panels=sees_every_panel(user),
        can_chair=user.has_perm(CHAIR_PANEL),
        is_panel_member=is_panel_member(user),
        does_casework=has_role(user, *CASEWORK_ROLES),
    )


@dataclass(frozen=True)
class PanelPermissions:
    can_chair: bool  # schedule panels; open, close and change this one
    agenda_editable: bool  # the panel has not closed


def panel_permissions(user, meeting=None) -> PanelPermissions:
    """On the list of panels (no meeting) or one panel."""
    return PanelPermissions(
        can_chair=user.has_perm(CHAIR_PANEL),
        agenda_editable=meeting is not None and meeting.status in AGENDA_EDITABLE,
    )


@dataclass(frozen=True)
class ItemPermissions:
    can_chair: bool
    can_see_case: bool  # the item's case, beyond what the panel shows of it
    can_decide: bool  # record the panel's decision (or outcome) now
    can_change_agenda: bool  # withdraw the item, take its paper again


def item_permissions(user, item, decision=None) -> ItemPermissions:
    can_chair = user.has_perm(CHAIR_PANEL)
    status, live = item.meeting.status, not item.is_withdrawn and not item.is_carried and decision is None
    return ItemPermissions(
        can_chair=can_chair,
        can_see_case=item.case_id is not None and can_see_case(user, item.case),
        can_decide=can_chair and status in DECISIONS_ALLOWED and live,
        can_change_agenda=can_chair and status in AGENDA_EDITABLE and live,
    )


def item_form_permissions(user, item) -> PanelPermissions:
    """The chair's forms on an item (decision, outcome, withdrawal, paper): those of its panel."""
    return panel_permissions(user, item.meeting)


@dataclass(frozen=True)
class CasePagePermissions:
    can_write_plan: bool
    can_add_action: bool


def case_page_permissions(user, case=None) -> CasePagePermissions:
    # Read-only access (the worker who held a closed case) offers nothing to write.
    works = case is None or can_work_on_case(user, case)
    return CasePagePermissions(
        can_write_plan=works and user.has_perm(ADD_SAFETY_PLAN),
        can_add_action=works and user.has_perm(ADD_ACTION),
    )


@dataclass(frozen=True)
class StrategyMeetingPermissions:
    can_record: bool  # the meeting is still to be recorded
    can_add_action: bool
    may_record: bool  # holds the permission, whether or not the meeting is recorded yet


def strategy_meeting_permissions(user, meeting) -> StrategyMeetingPermissions:
    may_record = user.has_perm(RECORD_STRATEGY_MEETING)
    return StrategyMeetingPermissions(
        can_record=may_record and meeting.held_at is None,
        can_add_action=may_record,
        may_record=may_record,
    )


@dataclass(frozen=True)
class SafetyPlanPermissions:
    can_edit: bool  # change this draft
    can_agree: bool  # agree this draft
    can_start_new: bool  # start the version after this agreed one
    may_change: bool  # hold the permissions, whatever the plan's state
    may_agree: bool


def safety_plan_permissions(user, plan) -> SafetyPlanPermissions:
    is_draft = plan.status == SafetyPlanStatus.DRAFT
    may_change, may_agree = user.has_perm(CHANGE_SAFETY_PLAN), user.has_perm(AGREE_SAFETY_PLAN)
    return SafetyPlanPermissions(
        can_edit=is_draft and may_change,
        can_agree=is_draft and may_agree,
        can_start_new=plan.status == SafetyPlanStatus.AGREED and user.has_perm(ADD_SAFETY_PLAN),
        may_change=may_change,
        may_agree=may_agree,
    )


@dataclass(frozen=True)
class ActionPermissions:
    can_change: bool  # the action is open and the user may change (or cancel) it
    may_change: bool  # holds the permission, whether or not the action is still open
    can_update: bool  # the action is open and the user may record progress on it and complete it
    may_update: bool  # may record progress and complete, whether or not the action is still open
    for_agency: bool  # sees it as a partner of the owning agency: what they need to act, not the case


def action_permissions(user, action) -> ActionPermissions:
    """For an action the user can see (read through its permission-filtered getter): a partner
    holding no case permission sees it because their agency owns it."""
    is_open = action.status == ActionStatus.OPEN
    may_change = user.has_perm(CHANGE_ACTION)
    for_agency = user.has_perm(AGENCY_ACTIONS) and not user.has_perm(VIEW_ACTION)
    may_update = may_change or for_agency
    return ActionPermissions(
        can_change=may_change and is_open,
        may_change=may_change,
        can_update=may_update and is_open,
        may_update=may_update,
        for_agency=for_agency,
    )

"""Who may see and change the exploitation network (issue: the network of people, places, vehicles
and numbers around children).

Persons, places, vehicles, identifiers and peer groups are read by the roles that work on
exploitation: CATE workers, team leaders and group managers, Family Connect screeners and managers
(`view_network`), police partners (a partner whose agency is the police), and panel members while
they are invited to an open panel (their access window). Other partners see only what an enquiry
or an action shares with them (the person an enquiry asks about), never the network itself. Adding
and changing: CATE workers and team leaders, screeners and Family Connect managers, and police
partners (`record_network`); group managers and panel members read. Merging duplicate persons:
team leaders and Family Connect managers. Hotspots and the cohort's profile: CATE team leaders,
group managers and Family Connect managers (`analyse_network`).

A child never shows through the network to anyone who may not know of it: restricted children do
not appear at all to anyone but their named staff (network.selectors cuts the walk there).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from core.choices import AgencyKind
from core.roles import Role, has_role

from .panel_permissions import ROLE_PERMISSIONS as PANEL_ROLE_PERMISSIONS

VIEW_NETWORK = "network.view_network"
RECORD_NETWORK = "network.record_network"
MERGE_PERSON = "network.merge_person"
ANALYSE_NETWORK = "network.analyse_network"
REFER_CONTEXT = "network.refer_context"
ASSESS_CONTEXT = "network.assess_context"
PLAN_CONTEXT = "network.plan_context"

# The roles that see the network through their group's permission.
_READERS = [VIEW_NETWORK]
_RECORDERS = [VIEW_NETWORK, RECORD_NETWORK]

ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.ADVISOR: [REFER_CONTEXT],
    Role.CATE_WORKER: [*_RECORDERS, ASSESS_CONTEXT],
    Role.TEAM_LEADER: [*_RECORDERS, MERGE_PERSON, ANALYSE_NETWORK, ASSESS_CONTEXT, PLAN_CONTEXT],
    Role.GROUP_MANAGER: [*_READERS, ANALYSE_NETWORK],
    Role.SCREENER: [*_RECORDERS, REFER_CONTEXT, ASSESS_CONTEXT],
    Role.FC_MANAGER: [*_RECORDERS, MERGE_PERSON, ANALYSE_NETWORK, REFER_CONTEXT, ASSESS_CONTEXT, PLAN_CONTEXT],
}
for _role, _perms in PANEL_ROLE_PERMISSIONS.items():  # the context panel's (network.panel_permissions)
    ROLE_PERMISSIONS[_role] = [*ROLE_PERMISSIONS.get(_role, []), *_perms]

LANDING_ROLES = frozenset(
    {
        Role.CATE_WORKER,
        Role.TEAM_LEADER,
        Role.GROUP_MANAGER,
        Role.SCREENER,
        Role.FC_MANAGER,
        Role.PARTNER,
        Role.PANEL_MEMBER,
    }
)


def is_police_partner(user) -> bool:
    """A partner agency practitioner whose agency is the police."""
    agency = getattr(user, "agency", None)
    return has_role(user, Role.PARTNER) and agency is not None and agency.kind == AgencyKind.POLICE


def in_panel_window(user) -> bool:
    """A panel member invited to a panel that is open now (their access window)."""
    if not has_role(user, Role.PANEL_MEMBER):
        return False
    from riskpanel.selectors import panels_visible_to

    return panels_visible_to(user).exists()


def can_read_network(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_network_reader", None)
    if cached is None:
        cached = user.has_perm(VIEW_NETWORK) or is_police_partner(user) or in_panel_window(user)
        user._network_reader = cached
    return cached


def require_read_network(user) -> None:
    if not can_read_network(user):
        raise PermissionDenied


def can_record_network(user) -> bool:
    return getattr(user, "is_authenticated", False) and (user.has_perm(RECORD_NETWORK) or is_police_partner(user))


def require_record_network(user) -> None:
    if not can_record_network(user):
        raise PermissionDenied


def can_merge_persons(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.has_perm(MERGE_PERSON)


def require_merge_persons(user) -> None:
    if not can_merge_persons(user):
        raise PermissionDenied


def can_analyse_network(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.has_perm(ANALYSE_NETWORK)


def require_analyse_network(user) -> None:
    if not can_analyse_network(user):
        raise PermissionDenied


@dataclass(frozen=True)
class NetworkPermissions:
    """What a network page's template may offer, computed once per page."""

    can_record: bool
    can_merge: bool
    can_analyse: bool


def network_permissions(user, record=None) -> NetworkPermissions:
    return NetworkPermissions(
        can_record=can_record_network(user), can_merge=can_merge_persons(user), can_analyse=can_analyse_network(user)
    )


# --- Contexts as subjects (issue 19) ------------------------------------------------------------


def can_refer_context(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.has_perm(REFER_CONTEXT)


def require_refer_context(user) -> None:
    if not can_refer_context(user):
        raise PermissionDenied("You cannot link contacts to places or groups.")


def can_assess_context(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.has_perm(ASSESS_CONTEXT) and can_read_network(user)


def require_assess_context(user) -> None:
    if not can_assess_context(user):
        raise PermissionDenied("You cannot assess places or groups.")


def can_plan_context(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.has_perm(PLAN_CONTEXT) and can_read_network(user)


def require_plan_context(user) -> None:
    if not can_plan_context(user):
        raise PermissionDenied("You cannot plan for places or groups.")


@dataclass(frozen=True)
class ContextPermissions:
    """What a context's pages may offer, computed once per page."""

    can_assess: bool
    can_plan: bool
    can_add_actions: bool
    can_record: bool


def context_permissions(user, record=None) -> ContextPermissions:
    from riskpanel.permissions import can_add_action

    can_plan = can_plan_context(user)
    return ContextPermissions(
        can_assess=can_assess_context(user),
        can_plan=can_plan,
        can_add_actions=can_plan and can_add_action(user, None),
        can_record=can_record_network(user),
    )

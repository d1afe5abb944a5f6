"""Who may do what at the context panel (a "contextual MACE").

CATE team leaders schedule and chair context panels: the agenda, the decisions, the actions agreed
(riskpanel's actions without a case, which only a chair may add), the attendance and the minutes.
Group managers and Family Connect managers see every context panel and change nothing. Invited
members, partner agency practitioners of any agency (police, licensing, housing, transport, schools,
youth services ...) and panel members, see a panel's agenda and the papers of its items only while
it is open (their access window), never before or after; nobody else sees a context panel at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from core.roles import Role, has_role
from riskpanel.choices import PanelStatus

CHAIR_CONTEXT_PANEL = "network.chair_context_panel"
VIEW_CONTEXT_PANEL = "network.view_contextpanel"

ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.TEAM_LEADER: [VIEW_CONTEXT_PANEL, CHAIR_CONTEXT_PANEL],
    Role.GROUP_MANAGER: [VIEW_CONTEXT_PANEL],
    Role.FC_MANAGER: [VIEW_CONTEXT_PANEL],
}

# Who can be invited to a context panel: partners of any agency and panel members.
MEMBER_ROLES = (Role.PARTNER, Role.PANEL_MEMBER)
# The roles with a page of context panels (members see only the open ones they are invited to).
LANDING_ROLES = frozenset({Role.TEAM_LEADER, Role.GROUP_MANAGER, Role.FC_MANAGER, *MEMBER_ROLES})


def sees_every_context_panel(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.has_perm(VIEW_CONTEXT_PANEL)


def may_be_invited(user) -> bool:
    return getattr(user, "is_authenticated", False) and has_role(user, *MEMBER_ROLES)


def can_chair_context_panel(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.has_perm(CHAIR_CONTEXT_PANEL)


def require_chair_context_panel(user) -> None:
    if not can_chair_context_panel(user):
        raise PermissionDenied("Only a team leader can chair a context panel.")


@dataclass(frozen=True)
class ContextPanelPermissions:
    """What a context panel's pages may offer, computed once per page."""

    can_chair: bool
    sees_all: bool
    is_open: bool
    is_closed: bool

    @property
    def can_change_agenda(self) -> bool:
        return self.can_chair and not self.is_closed

    @property
    def can_decide(self) -> bool:
        return self.can_chair and self.is_open


def context_panel_permissions(user, panel=None) -> ContextPanelPermissions:
    status = getattr(panel, "status", None)
    return ContextPanelPermissions(
        can_chair=can_chair_context_panel(user),
        sees_all=sees_every_context_panel(user),
        is_open=status == PanelStatus.OPEN,
        is_closed=status == PanelStatus.CLOSED,
    )


def context_item_permissions(user, item) -> ContextPanelPermissions:
    return context_panel_permissions(user, item.panel)

"""The personas every permission test uses, in one table. Their order is the column order of the
permission matrix (tests/test_permission_matrix.py)."""

from __future__ import annotations

from dataclasses import dataclass

from core.roles import Role


@dataclass(frozen=True)
class Persona:
    name: str
    role: Role | None  # None: not signed in
    username: str = ""
    agency: str = ""  # "police" or "health": a partner agency's member; otherwise the council
    in_team: bool = False  # a member of the CATE team
    is_staff: bool = False
    rich_world_only: bool = False  # made only for the rich world (tests/world.py)


PERSONAS: tuple[Persona, ...] = (
    Persona("anonymous", None),
    Persona("advisor", Role.ADVISOR, "p_advisor"),
    Persona("screener", Role.SCREENER, "p_screener"),
    Persona("police", Role.PARTNER, "p_police", agency="police"),
    Persona("health", Role.PARTNER, "p_health", agency="health"),
    Persona("cate_worker", Role.CATE_WORKER, "p_worker", in_team=True),  # allocated the world's case
    Persona("other_worker", Role.CATE_WORKER, "p_worker2", in_team=True),  # a CATE worker without it
    Persona("team_leader", Role.TEAM_LEADER, "p_leader", in_team=True),
    Persona("group_manager", Role.GROUP_MANAGER, "p_manager"),
    Persona("panel_member", Role.PANEL_MEMBER, "p_panel", agency="police"),  # invited to the world's open panel
    Persona("panel_outsider", Role.PANEL_MEMBER, "p_panel_out", agency="health", rich_world_only=True),
    Persona("auditor", Role.AUDITOR, "p_auditor"),
    Persona("administrator", Role.ADMINISTRATOR, "p_admin", is_staff=True),
    Persona("fc_manager", Role.FC_MANAGER, "p_fc_manager"),  # the front door's team manager
    Persona("intelligence_reviewer", Role.INTELLIGENCE_REVIEWER, "p_analyst"),  # a CATE analyst (council)
)

NAMES: tuple[str, ...] = tuple(p.name for p in PERSONAS)
SIGNED_IN: tuple[str, ...] = tuple(p.name for p in PERSONAS if p.role is not None and not p.rich_world_only)

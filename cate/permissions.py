from core.roles import Role

# The roles that use this part of the service.
LANDING_ROLES = frozenset({Role.CATE_WORKER, Role.TEAM_LEADER, Role.GROUP_MANAGER})

ROLE_PERMISSIONS: dict[Role, list[str]] = {}

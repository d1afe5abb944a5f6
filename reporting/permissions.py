"""Who may use reporting: team leaders see the caseload dashboard; group managers also the annual
report. (The permission to import records, declared on reporting's model, is the importer's:
imports.permissions.)"""

from core.roles import Role

VIEW_CASELOAD_DASHBOARD = "reporting.view_caseload_dashboard"
VIEW_ANNUAL_REPORT = "reporting.view_annual_report"

# The roles that use this part of the service.
LANDING_ROLES = frozenset({Role.TEAM_LEADER, Role.GROUP_MANAGER})

ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.TEAM_LEADER: [VIEW_CASELOAD_DASHBOARD],
    Role.GROUP_MANAGER: [VIEW_CASELOAD_DASHBOARD, VIEW_ANNUAL_REPORT],
}

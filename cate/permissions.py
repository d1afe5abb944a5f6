"""Who may do what with CATE cases.

A CATE worker sees the cases allocated to them: allocation grants the object permissions of
CASE_WORKER_OBJECT_PERMISSIONS on that case (django-guardian) and reallocation removes them.
Team leaders and group managers hold VIEW_ALL_CASES. Restricted children are filtered on top
(contacts.selectors.children_visible_to).
"""

from core.roles import Role

VIEW_CASE = "cate.view_case"
CHANGE_CASE = "cate.change_case"
VIEW_ALL_CASES = "cate.view_all_cases"
ALLOCATE_CASE = "cate.allocate_case"
CLOSE_CASE = "cate.close_case"

# Object permissions a worker holds on each case allocated to them (codenames).
CASE_WORKER_OBJECT_PERMISSIONS = ("view_case", "change_case")

# The roles that use this part of the service.
LANDING_ROLES = frozenset({Role.CATE_WORKER, Role.TEAM_LEADER, Role.GROUP_MANAGER})

_CASEWORK = [
    "cate.view_referral",
    "cate.view_detailedassessment",
    "cate.add_detailedassessment",
    "cate.change_detailedassessment",
    "cate.add_visit",
    "cate.change_visit",
    "cate.view_visit",
    "cate.add_riskassessment",
    "cate.change_riskassessment",
    "cate.view_riskassessment",
    "cate.add_missingepisode",
    "cate.change_missingepisode",
    "cate.view_missingepisode",
    "cate.add_returnhomeinterview",
    "cate.change_returnhomeinterview",
    "cate.view_returnhomeinterview",
    "cate.add_nrmreferral",
    "cate.change_nrmreferral",
    "cate.view_nrmreferral",
    "cate.add_gpletter",
    "cate.change_gpletter",
    "cate.view_gpletter",
    "cate.add_supportreferral",
    "cate.change_supportreferral",
    "cate.view_supportreferral",
    "cate.add_transitionmeeting",
    "cate.change_transitionmeeting",
    "cate.view_transitionmeeting",
    "cate.add_statutoryepisode",
    "cate.change_statutoryepisode",
    "cate.view_statutoryepisode",
    "cate.add_chronologyevent",
    "cate.view_chronologyevent",
]
_MANAGEMENT = [VIEW_ALL_CASES, VIEW_CASE, CHANGE_CASE, ALLOCATE_CASE, CLOSE_CASE, "cate.add_case"]

ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.CATE_WORKER: _CASEWORK,
    Role.TEAM_LEADER: _CASEWORK + _MANAGEMENT,
    Role.GROUP_MANAGER: _CASEWORK + _MANAGEMENT,
}

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
OPEN_CASE = "cate.add_case"  # record the outcome of a detailed assessment, opening a case
VIEW_REFERRAL = "cate.view_referral"
ASSIGN_ASSESSMENT = ALLOCATE_CASE  # start a detailed assessment and choose who writes it
CHANGE_ASSESSMENT = "cate.change_detailedassessment"
ADD_VISIT = "cate.add_visit"
CHANGE_VISIT = "cate.change_visit"
ADD_RISK_ASSESSMENT = "cate.add_riskassessment"
CHANGE_RISK_ASSESSMENT = "cate.change_riskassessment"
ADD_MISSING_EPISODE = "cate.add_missingepisode"
CHANGE_MISSING_EPISODE = "cate.change_missingepisode"
ADD_RHI = "cate.add_returnhomeinterview"
CHANGE_RHI = "cate.change_returnhomeinterview"
CHANGE_NRM = "cate.change_nrmreferral"
CHANGE_GP_LETTER = "cate.change_gpletter"
ADD_SUPPORT_REFERRAL = "cate.add_supportreferral"
CHANGE_SUPPORT_REFERRAL = "cate.change_supportreferral"
ADD_DISCLOSURE = "cate.add_disclosure"
ADD_TRANSITION_MEETING = "cate.add_transitionmeeting"
ADD_STATUTORY_EPISODE = "cate.add_statutoryepisode"
CHANGE_STATUTORY_EPISODE = "cate.change_statutoryepisode"
ADD_CHRONOLOGY_EVENT = "cate.add_chronologyevent"
PROPOSE_CLOSURE = "cate.add_caseclosure"

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
    "cate.add_disclosure",
    "cate.view_disclosure",
    "cate.add_caseclosure",
    "cate.view_caseclosure",
]
_MANAGEMENT = [VIEW_ALL_CASES, VIEW_CASE, CHANGE_CASE, ALLOCATE_CASE, CLOSE_CASE, "cate.add_case"]

ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.CATE_WORKER: _CASEWORK,
    Role.TEAM_LEADER: _CASEWORK + _MANAGEMENT,
    Role.GROUP_MANAGER: _CASEWORK + _MANAGEMENT,
}

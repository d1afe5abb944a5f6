"""Who may do what with CATE cases.

A CATE worker sees the cases allocated to them: allocation grants the object permissions of
CASE_WORKER_OBJECT_PERMISSIONS on that case (django-guardian) and reallocation removes them;
closure leaves the worker who held the case CASE_READER_OBJECT_PERMISSIONS (read, not work on it)
until it is allocated again.
Team leaders and group managers hold VIEW_ALL_CASES. Restricted children are filtered on top
(contacts.selectors.children_visible_to).

The `(user, obj)` predicates come in pairs: `can_*` answers, `require_*` refuses (PermissionDenied).
A page computes its CasePermissions once; templates read it and never call has_perm per row.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from core.roles import Role

from .choices import ReferralStatus

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
ADD_CASE_NOTE = "cate.add_casenote"
ADD_NOTE_ADDENDUM = "cate.add_casenoteaddendum"
# Management oversight notes are the team leaders' own.
ADD_OVERSIGHT_NOTE = "cate.add_oversight_note"
PROPOSE_CLOSURE = "cate.add_caseclosure"
# Set a case's risk level and write its GP letter without working on the case: what a risk panel's
# chair does when the panel decides (granted by the app that holds the panels).
RECORD_PANEL_OUTCOME = "cate.record_panel_outcome"

# Object permissions a worker holds on each case allocated to them (codenames).
CASE_WORKER_OBJECT_PERMISSIONS = ("view_case", "change_case")
# Those the worker keeps on a case allocated to them when it closes: they may read it, not change it.
CASE_READER_OBJECT_PERMISSIONS = ("view_case",)

# Who may hold CATE cases: CATE workers and team leaders (and anyone marked as a case holder).
CASE_HOLDING_ROLES = (Role.CATE_WORKER, Role.TEAM_LEADER)
# Who may refer a contact to CATE: the front door's screeners, who decide contacts.
REFER_TO_CATE = "contacts.decide_contact"
REFERRING_ROLES = (Role.SCREENER,)
# Who works on every referral, besides its assessment's author and the worker allocated its case: the
# CATE team leaders (they start the assessments and choose who writes them).
REFERRAL_TEAM_ROLES = (Role.TEAM_LEADER,)
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
    "cate.add_casenote",
    "cate.change_casenote",
    "cate.view_casenote",
    "cate.add_casenoteaddendum",
    "cate.view_casenoteaddendum",
    "cate.add_disclosure",
    "cate.view_disclosure",
    "cate.add_caseclosure",
    "cate.view_caseclosure",
]
_MANAGEMENT = [VIEW_ALL_CASES, VIEW_CASE, CHANGE_CASE, ALLOCATE_CASE, CLOSE_CASE, "cate.add_case"]

ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.CATE_WORKER: _CASEWORK,
    Role.TEAM_LEADER: _CASEWORK + _MANAGEMENT + [ADD_OVERSIGHT_NOTE],
    Role.GROUP_MANAGER: _CASEWORK + _MANAGEMENT,
}


# --- Predicates ----------------------------------------------------------------------------


def can_work_on_case(user, case) -> bool:
    """The case is allocated to the user, or they see every case (team leaders, group managers)."""
    return user.has_perm(VIEW_ALL_CASES) or user.has_perm(CHANGE_CASE, case)


def require_work_on_case(user, case, perm: str | None = None) -> None:
    """Refuse a user who does not work on the case, or who lacks `perm` for this piece of casework."""
    if not can_work_on_case(user, case) or (perm is not None and not user.has_perm(perm)):
        raise PermissionDenied("You cannot work on this case.")


def can_set_risk_level(user, case) -> bool:
    """Whoever works on the case, or a risk panel's chair recording the panel's decision."""
    return can_work_on_case(user, case) or user.has_perm(RECORD_PANEL_OUTCOME)


def require_set_risk_level(user, case) -> None:
    if not can_set_risk_level(user, case):
        raise PermissionDenied("You cannot change this case.")


def can_write_gp_letter(user, case) -> bool:
    """Whoever works on the case, or a risk panel's chair after the panel discussed it."""
    return can_work_on_case(user, case) or user.has_perm(RECORD_PANEL_OUTCOME)


def require_write_gp_letter(user, case) -> None:
    if not can_write_gp_letter(user, case):
        raise PermissionDenied("You cannot write to this case.")


def can_edit_assessment(user, assessment) -> bool:
    """The author of a detailed assessment changes it, and so does a team leader."""
    return user.has_perm(CHANGE_ASSESSMENT) and (assessment.author_id == user.pk or user.has_perm(ASSIGN_ASSESSMENT))


def require_edit_assessment(user, assessment) -> None:
    if not can_edit_assessment(user, assessment):
        raise PermissionDenied("Only the author or a team leader can change this assessment.")


@dataclass(frozen=True)
class CasePermissions:
    """What the user may do on one case's pages, computed once per page."""

    can_work: bool
    can_allocate: bool
    can_close: bool
    can_classify: bool
    can_oversee: bool = False  # writes management oversight notes


def case_permissions(user, case) -> CasePermissions:
    can_work = can_work_on_case(user, case)
    return CasePermissions(
        can_work=can_work,
        can_allocate=user.has_perm(ALLOCATE_CASE),
        can_close=can_work and user.has_perm(CLOSE_CASE),
        can_classify=user.has_perm(VIEW_ALL_CASES),
        can_oversee=can_work and user.has_perm(ADD_OVERSIGHT_NOTE),
    )


@dataclass(frozen=True)
class ReferralPermissions:
    """What the user may do on a referral's pages, computed once per page."""

    can_assign: bool  # start the detailed assessment and choose its author
    can_edit_assessment: bool
    can_record_outcome: bool
    awaiting: bool
    in_progress: bool

    @property
    def can_start(self) -> bool:
        return self.can_assign and self.awaiting

    @property
    def can_edit(self) -> bool:
        return self.can_edit_assessment and self.in_progress

    @property
    def can_decide(self) -> bool:
        return self.can_record_outcome and self.in_progress


def referral_permissions(user, referral) -> ReferralPermissions:
    assessment = getattr(referral, "assessment", None)
    return ReferralPermissions(
        can_assign=user.has_perm(ASSIGN_ASSESSMENT),
        can_edit_assessment=assessment is not None and can_edit_assessment(user, assessment),
        can_record_outcome=user.has_perm(OPEN_CASE),
        awaiting=referral.status == ReferralStatus.AWAITING_ASSESSMENT,
        in_progress=referral.status == ReferralStatus.ASSESSMENT_IN_PROGRESS,
    )

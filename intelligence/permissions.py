"""Who may submit, review, read and act on intelligence, and record disruption (issue 20).

Anyone with a work account submits intelligence (partners included) and reads what they submitted:
its status and the feedback written for them, never what others added. Intelligence reviewers (a
CATE or police analyst) read every submission, grade, match, share and give feedback. A shared piece
reaches the partners it was shared with: the police (staff of a police agency), Family Connect
(screeners and the front door's manager) and the CATE worker of each linked child (who may open the
child's case); under code C only the partners its conditions name read the original, the others the
sanitised version. Disruption is recorded by reviewers, CATE team leaders and police partners, and
read by them and by the readers of the network; one that could affect an investigation needs a police
reviewer's agreement (an intelligence reviewer or partner of a police agency).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from core.choices import AgencyKind
from core.roles import Role, has_role, user_roles

from .choices import Audience, HandlingCode

SUBMIT_INTELLIGENCE = "intelligence.submit_intelligence"
REVIEW_INTELLIGENCE = "intelligence.review_intelligence"
RECORD_DISRUPTION = "intelligence.record_disruption"

ROLE_PERMISSIONS: dict[Role, list[str]] = {
    **{role: [SUBMIT_INTELLIGENCE] for role in Role if role != Role.INTELLIGENCE_REVIEWER},
    Role.INTELLIGENCE_REVIEWER: [SUBMIT_INTELLIGENCE, REVIEW_INTELLIGENCE, RECORD_DISRUPTION],
    Role.TEAM_LEADER: [SUBMIT_INTELLIGENCE, RECORD_DISRUPTION],
}

FAMILY_CONNECT_ROLES = (Role.SCREENER, Role.FC_MANAGER)


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_police(user) -> bool:
    """A member of a police agency (a partner or an analyst)."""
    agency = getattr(user, "agency", None)
    return _signed_in(user) and agency is not None and agency.kind == AgencyKind.POLICE


def can_submit(user) -> bool:
    """Anyone with a work account: any signed-in user holding a role."""
    return _signed_in(user) and bool(user_roles(user))


def require_submit(user) -> None:
    if not can_submit(user):
        raise PermissionDenied


def is_reviewer(user) -> bool:
    return _signed_in(user) and user.has_perm(REVIEW_INTELLIGENCE)


def require_review(user) -> None:
    if not is_reviewer(user):
        raise PermissionDenied


def audiences_of(user) -> frozenset[str]:
    """The partners a user reads shared intelligence as (CATE: only about the children whose case they open)."""
    if not _signed_in(user):
        return frozenset()
    found = set()
    if is_police(user) and has_role(user, Role.PARTNER, Role.INTELLIGENCE_REVIEWER):
        found.add(Audience.POLICE)
    if has_role(user, *FAMILY_CONNECT_ROLES):
        found.add(Audience.FAMILY_CONNECT)
    if has_role(user, Role.CATE_WORKER, Role.TEAM_LEADER, Role.GROUP_MANAGER):
        found.add(Audience.CATE)
    return frozenset(found)


def reads_original(user, report, shared_with: frozenset[str]) -> bool:
    """Whether a reader sees the submitter's own words rather than the sanitised version: reviewers
    always; a partner it was shared with under code P; under code C only the partners its conditions
    name."""
    if is_reviewer(user):
        return True
    mine = audiences_of(user) & shared_with
    if not mine:
        return False
    if report.handling_code == HandlingCode.P:
        return True
    return bool(mine & set(report.original_readers))


def can_record_disruption(user) -> bool:
    return _signed_in(user) and (user.has_perm(RECORD_DISRUPTION) or (is_police(user) and has_role(user, Role.PARTNER)))


def require_record_disruption(user) -> None:
    if not can_record_disruption(user):
        raise PermissionDenied


def can_agree_for_police(user) -> bool:
    """A police reviewer: an intelligence reviewer or partner of a police agency."""
    return is_police(user) and has_role(user, Role.PARTNER, Role.INTELLIGENCE_REVIEWER)


def require_agree_for_police(user) -> None:
    if not can_agree_for_police(user):
        raise PermissionDenied


@dataclass(frozen=True)
class IntelligencePermissions:
    """What an intelligence page's template may offer, computed once per page."""

    can_review: bool
    reads_original: bool


@dataclass(frozen=True)
class DisruptionPermissions:
    can_record: bool
    can_agree: bool


def disruption_permissions(user, disruption=None) -> DisruptionPermissions:
    return DisruptionPermissions(can_record=can_record_disruption(user), can_agree=can_agree_for_police(user))

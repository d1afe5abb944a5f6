"""Who may do what at the front door.

Family Connect advisors log contacts and find or create children; screeners (qualified social
workers) screen, assess the threshold, run multi-agency child enquiries (MACE), decide outcomes and
merge duplicate children. Family Connect managers (the advisors' and screeners' team manager) do all
a screener does, restrict front-door children and own the list of possible duplicates. Partner
agency practitioners see only the MACE requests sent to their agency and only their agency's entries
(the compartments are enforced in selectors; the permissions below say what the role may do at all).
Front-door contacts are need to know: Family Connect roles (advisors, screeners, their managers)
see every contact; CATE roles see the contacts of children referred to CATE (a team leader every
contact of a referred child, a worker the contact their referral came from); group managers see the
front door's figures, and a contact only through a case: the contacts of a child with a CATE case,
opened from the case (`contacts.visibility.contacts_visible_to`). None of them decides. Administrators reverse
merges (record numbers only, no case content). Restricting a child's record to the staff named on it
is a casework decision: CATE team leaders, Family Connect managers and group managers who can see
the child make it (never the administrator or the auditor); the record always names the child's
allocated worker, the team leaders of that worker's team and the person restricting. Those who open, change and close
CATE cases set the CATE markers on a child's record.

The predicates below take Django's (user, obj) shape, each with a check (`can_*`, a bool) and a
require (`require_*`, PermissionDenied); each page reads one permissions object computed once.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from core.roles import Role, has_role

VIEW_CHILD = "contacts.view_child"
# Whose role works with children's records, so who may be named on a restricted one.
RESTRICTION_ROLES = (
    Role.ADVISOR,
    Role.SCREENER,
    Role.FC_MANAGER,
    Role.CATE_WORKER,
    Role.TEAM_LEADER,
    Role.GROUP_MANAGER,
)
ADD_CHILD = "contacts.add_child"
CHANGE_CHILD = "contacts.change_child"
MERGE_CHILD = "contacts.merge_child"
REVERSE_CHILD_MERGE = "contacts.reverse_child_merge"
VIEW_CHILD_MERGE = "contacts.view_childmerge"
RESTRICT_CHILD = "contacts.restrict_child"
SET_CATE_MARKERS = "contacts.set_cate_markers"
# The child's family and household: recorded by whoever works with the child's record (front door and
# CATE), on the children they may open.
RECORD_FAMILY = "contacts.record_family"
# The register of GP practices is imported by the system account (manage.py import_gp_practices).
IMPORT_GP_PRACTICES = "contacts.change_gppractice"

# The list of possible duplicates (Family Connect managers); a restricted record's named staff see and
# resolve the pairs of that record without it.
VIEW_POSSIBLE_DUPLICATES = "contacts.view_possibleduplicate"
RESOLVE_POSSIBLE_DUPLICATES = "contacts.change_possibleduplicate"

VIEW_CONTACT = "contacts.view_contact"
ADD_CONTACT = "contacts.add_contact"
CHANGE_CONTACT = "contacts.change_contact"
SCREEN_CONTACT = "contacts.screen_contact"
DECIDE_CONTACT = "contacts.decide_contact"

VIEW_THRESHOLD = "contacts.view_thresholdassessment"
ASSESS_THRESHOLD = "contacts.change_thresholdassessment"

VIEW_MACE = "contacts.view_macerequest"
REQUEST_MACE = "contacts.add_macerequest"
CLOSE_MACE = "contacts.change_macerequest"
VIEW_MACE_ENTRIES = "contacts.view_maceentry"
VIEW_ALL_MACE_ENTRIES = "contacts.view_all_mace_entries"
ADD_MACE_ENTRY = "contacts.add_maceentry"

VIEW_FOLLOW_UP = "contacts.view_earlyhelpfollowup"
COMPLETE_FOLLOW_UP = "contacts.change_earlyhelpfollowup"

# Who restricts a child's record (and lifts it): a casework decision, never system support's.
RESTRICTING_ROLES = frozenset({Role.TEAM_LEADER, Role.FC_MANAGER, Role.GROUP_MANAGER})
# The roles that use the front door's landing page.
LANDING_ROLES = frozenset(
    {Role.ADVISOR, Role.SCREENER, Role.FC_MANAGER, Role.PARTNER, Role.TEAM_LEADER, Role.GROUP_MANAGER}
)
# The roles that work the screening queue, the list of contacts and early-help follow-ups.
FAMILY_CONNECT_ROLES = frozenset({Role.ADVISOR, Role.SCREENER, Role.FC_MANAGER})
# The roles that search the child index (partners do not).
FRONT_DOOR_ROLES = FAMILY_CONNECT_ROLES | {Role.TEAM_LEADER, Role.GROUP_MANAGER}
# The roles shown the front door's figures but not its contacts (contacts.visibility).
FIGURES_ROLES = frozenset({Role.TEAM_LEADER, Role.GROUP_MANAGER})
# Roles that see the record of merged child records (administrators reverse merges from it).
MERGE_RECORD_ROLES = frozenset({Role.SCREENER, Role.FC_MANAGER, Role.ADMINISTRATOR})

_READ_FRONT_DOOR = [
    VIEW_CHILD,
    VIEW_CONTACT,
    VIEW_THRESHOLD,
    VIEW_MACE,
    VIEW_FOLLOW_UP,
]
# CATE team leaders and group managers: the child index, and the contacts and enquiries of the children
# they may reach through CATE (`contacts.visibility`), never every contact.
_READ_THROUGH_CATE = [VIEW_CHILD, VIEW_THRESHOLD, VIEW_MACE]
_ADVISOR = [*_READ_FRONT_DOOR, ADD_CHILD, CHANGE_CHILD, ADD_CONTACT, CHANGE_CONTACT, RECORD_FAMILY]
_SCREENER = [
    *_ADVISOR,
    SCREEN_CONTACT,
    DECIDE_CONTACT,
    "contacts.add_thresholdassessment",
    ASSESS_THRESHOLD,
    REQUEST_MACE,
    CLOSE_MACE,
    VIEW_MACE_ENTRIES,
    VIEW_ALL_MACE_ENTRIES,
    COMPLETE_FOLLOW_UP,
    MERGE_CHILD,
    VIEW_CHILD_MERGE,
]
# The front door's team manager: everything a screener does, restricting children, possible duplicates.
_FC_MANAGER = [*_SCREENER, RESTRICT_CHILD, VIEW_POSSIBLE_DUPLICATES, RESOLVE_POSSIBLE_DUPLICATES]

ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.ADVISOR: _ADVISOR,
    Role.SCREENER: _SCREENER,
    Role.FC_MANAGER: _FC_MANAGER,
    Role.PARTNER: [VIEW_MACE, VIEW_MACE_ENTRIES, ADD_MACE_ENTRY],
    # CATE casework opens, changes (what a case is open to), closes and reopens cases, which sets the
    # child's CATE markers (cate/ declares which of these roles may do which).
    Role.CATE_WORKER: [SET_CATE_MARKERS, RECORD_FAMILY],
    Role.TEAM_LEADER: [*_READ_THROUGH_CATE, RESTRICT_CHILD, SET_CATE_MARKERS, RECORD_FAMILY],
    Role.GROUP_MANAGER: [*_READ_THROUGH_CATE, RESTRICT_CHILD, SET_CATE_MARKERS, RECORD_FAMILY],
    Role.ADMINISTRATOR: [VIEW_CHILD_MERGE, REVERSE_CHILD_MERGE],
}
# --- Predicates ----------------------------------------------------------------------------


def is_partner(user) -> bool:
    """A partner agency practitioner: adds their agency's information, sees no other agency's."""
    return user.has_perm(ADD_MACE_ENTRY) and not user.has_perm(VIEW_ALL_MACE_ENTRIES)


def can_see_child(user, child) -> bool:
    """The user may know the child exists (a restricted child only for the staff named on it)."""
    from .selectors import children_visible_to

    return children_visible_to(user).filter(pk=child.pk).exists()


def require_see_child(user, child) -> None:
    if not can_see_child(user, child):
        raise PermissionDenied("You cannot see this child's record.")


def can_resolve_duplicate(user, duplicate) -> bool:
    """Merge the pair or mark it as two children: Family Connect managers, and the staff named on a
    restricted record of the pair; either way only a pair the user may see (its getter 404s the rest)."""
    from .duplicate_selectors import possible_duplicates_visible_to

    if not possible_duplicates_visible_to(user).filter(pk=duplicate.pk).exists():
        return False
    return user.has_perm(RESOLVE_POSSIBLE_DUPLICATES) or is_named_on_restricted_record_of(user, duplicate)


def require_resolve_duplicate(user, duplicate) -> None:
    if not can_resolve_duplicate(user, duplicate):
        raise PermissionDenied("You cannot resolve this possible duplicate.")


def is_named_on_restricted_record_of(user, duplicate) -> bool:
    from .selectors import child_named_staff_ids

    return any(
        child.is_restricted and user.pk in child_named_staff_ids(child)
        for child in (duplicate.child, duplicate.existing)
    )


def can_set_cate_markers(user) -> bool:
    """CATE casework (and the system account, for jobs and the records importer) sets the markers."""
    return user is not None and (getattr(user, "is_system", False) or user.has_perm(SET_CATE_MARKERS))


def require_set_cate_markers(user) -> None:
    if not can_set_cate_markers(user):
        raise PermissionDenied("You cannot change a child's CATE markers.")


def can_see_mace_entries(user) -> bool:
    return user.has_perm(VIEW_ALL_MACE_ENTRIES) or user.has_perm(VIEW_MACE_ENTRIES)


def require_see_mace_entries(user) -> None:
    if not can_see_mace_entries(user):
        raise PermissionDenied


def can_respond_to_mace(user, request) -> bool:
    """A partner whose agency the enquiry was sent to may add their agency's information."""
    from .selectors import mace_request_sent_to_agency

    if not (user.has_perm(ADD_MACE_ENTRY) and user.agency_id):
        return False
    return mace_request_sent_to_agency(request, user.agency_id)


def require_respond_to_mace(user, request) -> None:
    if not can_respond_to_mace(user, request):
        raise PermissionDenied


# --- What each page lets its user do (computed once per page) ------------------------------


@dataclass(frozen=True)
class FrontDoorPermissions:
    """The front door's list pages and landing page."""

    can_record: bool
    can_add_child: bool
    can_screen: bool
    can_see_front_door: bool
    can_see_figures: bool
    can_see_follow_ups: bool
    can_complete_follow_ups: bool
    can_see_mace: bool
    can_see_merges: bool
    is_partner: bool


def front_door_permissions(user) -> FrontDoorPermissions:
    return FrontDoorPermissions(
        can_record=user.has_perm(ADD_CONTACT),
        can_add_child=user.has_perm(ADD_CHILD),
        can_screen=user.has_perm(SCREEN_CONTACT),
        can_see_front_door=user.has_perm(VIEW_CONTACT),
        can_see_figures=has_role(user, *FIGURES_ROLES) and not user.has_perm(VIEW_CONTACT),
        can_see_follow_ups=user.has_perm(VIEW_FOLLOW_UP),
        can_complete_follow_ups=user.has_perm(COMPLETE_FOLLOW_UP),
        can_see_mace=user.has_perm(VIEW_MACE),
        can_see_merges=user.has_perm(MERGE_CHILD),
        is_partner=is_partner(user),
    )


@dataclass(frozen=True)
class ContactPermissions:
    """A contact's pages: what the user's role allows (`may_*`) and what the contact allows now (`can_*`)."""

    is_open: bool
    has_child: bool
    may_change: bool
    may_screen: bool
    may_assess: bool
    may_request_mace: bool
    may_decide: bool
    sees_all_mace_entries: bool
    at_front_door: bool = False  # the screening queue and child search are theirs

    @property
    def can_edit(self) -> bool:
        return self.may_change and self.is_open

    @property
    def can_screen(self) -> bool:
        return self.may_screen and self.is_open

    @property
    def can_assess(self) -> bool:
        return self.may_assess and self.is_open

    @property
    def can_mace(self) -> bool:
        return self.may_request_mace and self.is_open and self.has_child

    @property
    def can_decide(self) -> bool:
        return self.may_decide and self.is_open


def contact_permissions(user, contact) -> ContactPermissions:
    return ContactPermissions(
        is_open=contact.is_open,
        has_child=contact.child_id is not None,
        may_change=user.has_perm(CHANGE_CONTACT),
        may_screen=user.has_perm(SCREEN_CONTACT),
        may_assess=user.has_perm(ASSESS_THRESHOLD),
        may_request_mace=user.has_perm(REQUEST_MACE),
        may_decide=user.has_perm(DECIDE_CONTACT),
        sees_all_mace_entries=user.has_perm(VIEW_ALL_MACE_ENTRIES),
        at_front_door=has_role(user, *FAMILY_CONNECT_ROLES),
    )


@dataclass(frozen=True)
class ChildPermissions:
    """A child's pages: what the user's role allows (`may_*`) and what an active record allows (`can_*`)."""

    is_active: bool
    may_change: bool
    may_merge: bool
    may_restrict: bool
    may_record: bool
    sees_all_mace_entries: bool
    at_front_door: bool = False
    may_record_family: bool = False

    @property
    def can_record_family(self) -> bool:
        return self.may_record_family and self.is_active

    @property
    def can_edit(self) -> bool:
        return self.may_change and self.is_active

    @property
    def can_merge(self) -> bool:
        return self.may_merge and self.is_active

    @property
    def can_restrict(self) -> bool:
        return self.may_restrict and self.is_active

    @property
    def can_record(self) -> bool:
        return self.may_record and self.is_active


def child_permissions(user, child) -> ChildPermissions:
    from .choices import RecordStatus

    return ChildPermissions(
        is_active=child.status == RecordStatus.ACTIVE,
        may_change=user.has_perm(CHANGE_CHILD),
        may_merge=user.has_perm(MERGE_CHILD),
        may_restrict=user.has_perm(RESTRICT_CHILD),
        may_record=user.has_perm(ADD_CONTACT),
        sees_all_mace_entries=user.has_perm(VIEW_ALL_MACE_ENTRIES),
        at_front_door=has_role(user, *FRONT_DOOR_ROLES),
        may_record_family=user.has_perm(RECORD_FAMILY),
    )


@dataclass(frozen=True)
class MacePermissions:
    """An enquiry's pages."""

    is_partner: bool
    may_respond: bool
    can_respond: bool
    may_close: bool
    can_close: bool
    can_see_contact: bool
    sees_entries: bool
    sees_all_entries: bool


def mace_permissions(user, mace) -> MacePermissions:
    from .choices import MaceStatus

    is_open = mace.status == MaceStatus.OPEN
    may_respond = can_respond_to_mace(user, mace)
    return MacePermissions(
        is_partner=is_partner(user),
        may_respond=may_respond,
        can_respond=is_open and may_respond,
        may_close=user.has_perm(CLOSE_MACE),
        can_close=user.has_perm(CLOSE_MACE) and is_open,
        can_see_contact=user.has_perm(VIEW_CONTACT),
        sees_entries=can_see_mace_entries(user),
        sees_all_entries=user.has_perm(VIEW_ALL_MACE_ENTRIES),
    )


@dataclass(frozen=True)
class MergePermissions:
    """A merge's page."""

    can_reverse: bool


def merge_permissions(user, merge) -> MergePermissions:
    return MergePermissions(can_reverse=user.has_perm(REVERSE_CHILD_MERGE) and merge.reversed_at is None)


@dataclass(frozen=True)
class DuplicatePermissions:
    """A possible duplicate's page."""

    is_open: bool
    may_resolve: bool

    @property
    def can_resolve(self) -> bool:
        return self.may_resolve and self.is_open


def duplicate_permissions(user, duplicate) -> DuplicatePermissions:
    may_resolve = user.has_perm(RESOLVE_POSSIBLE_DUPLICATES) or is_named_on_restricted_record_of(user, duplicate)
    return DuplicatePermissions(is_open=duplicate.is_open, may_resolve=may_resolve)

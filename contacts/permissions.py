"""Who may do what at the front door.

Family Connect advisors log contacts and find or create children; screeners (qualified social
workers) screen, assess the threshold, run multi-agency child enquiries (MACE), decide outcomes and
merge duplicate children. Partner agency practitioners see only the MACE requests sent to their
agency and only their agency's entries (the compartments are enforced in selectors; the
permissions below say what the role may do at all). CATE team leaders and group managers read the
front door but do not decide. Administrators reverse merges (record numbers only, no case content).
Group managers and administrators restrict a child's record to the staff named on it.
"""

from core.roles import Role

VIEW_CHILD = "contacts.view_child"
ADD_CHILD = "contacts.add_child"
CHANGE_CHILD = "contacts.change_child"
MERGE_CHILD = "contacts.merge_child"
REVERSE_CHILD_MERGE = "contacts.reverse_child_merge"
VIEW_CHILD_MERGE = "contacts.view_childmerge"
RESTRICT_CHILD = "contacts.restrict_child"

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

# The roles that use the front door's landing page.
LANDING_ROLES = frozenset({Role.ADVISOR, Role.SCREENER, Role.PARTNER, Role.TEAM_LEADER, Role.GROUP_MANAGER})
# The roles that work the screening queue, contacts and the child index (partners do not).
FRONT_DOOR_ROLES = frozenset({Role.ADVISOR, Role.SCREENER, Role.TEAM_LEADER, Role.GROUP_MANAGER})
# Roles that see the record of merged child records (administrators reverse merges from it).
MERGE_RECORD_ROLES = frozenset({Role.SCREENER, Role.ADMINISTRATOR})

_READ_FRONT_DOOR = [
    VIEW_CHILD,
    VIEW_CONTACT,
    VIEW_THRESHOLD,
    VIEW_MACE,
    VIEW_FOLLOW_UP,
]
_ADVISOR = [*_READ_FRONT_DOOR, ADD_CHILD, CHANGE_CHILD, ADD_CONTACT, CHANGE_CONTACT]
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

ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.ADVISOR: _ADVISOR,
    Role.SCREENER: _SCREENER,
    Role.PARTNER: [VIEW_MACE, VIEW_MACE_ENTRIES, ADD_MACE_ENTRY],
    Role.TEAM_LEADER: _READ_FRONT_DOOR,
    Role.GROUP_MANAGER: [*_READ_FRONT_DOOR, RESTRICT_CHILD],
    # Restricting a record needs no case content: the page shows the child's name and record number only.
    Role.ADMINISTRATOR: [VIEW_CHILD_MERGE, REVERSE_CHILD_MERGE, RESTRICT_CHILD],
}

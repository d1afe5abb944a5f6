"""Writes of the exploitation network, one module each: its own records, and the links.

Every service takes the acting user, checks the permission, validates (every fault at once), saves
with history attributed to the actor and, where a link touches a child with an open case, writes
the case's chronology."""

from ._common import node_for
from .at_risk import at_risk_alerts_send
from .context_panels import (
    context_attendance_record,
    context_item_action_add,
    context_item_add,
    context_item_decide,
    context_item_withdraw,
    context_minutes_record,
    context_panel_close,
    context_panel_open,
    context_panel_schedule,
    context_panel_update,
)
from .links import link_add, link_add_to_value, link_update, link_withdraw
from .merge import person_duplicate_resolve, person_duplicates_find, person_merge, person_merge_reverse
from .name_keys import person_name_keys_refresh
from .records import (
    identifier_create,
    identifier_find_or_create,
    identifier_update,
    peer_group_create,
    peer_group_update,
    person_create,
    person_update,
    place_create,
    place_update,
    record_mark_entered_in_error,
    vehicle_create,
    vehicle_update,
)
from .sources import (
    episode_link_person,
    episode_link_place,
    mace_answer_link_person,
    mace_subject_add,
    mace_subject_remove,
)

__all__ = [
    "at_risk_alerts_send",
    "context_attendance_record",
    "context_item_action_add",
    "context_item_add",
    "context_item_decide",
    "context_item_withdraw",
    "context_minutes_record",
    "context_panel_close",
    "context_panel_open",
    "context_panel_schedule",
    "context_panel_update",
    "episode_link_person",
    "episode_link_place",
    "identifier_create",
    "identifier_find_or_create",
    "identifier_update",
    "link_add",
    "link_add_to_value",
    "link_update",
    "link_withdraw",
    "mace_answer_link_person",
    "mace_subject_add",
    "mace_subject_remove",
    "node_for",
    "peer_group_create",
    "peer_group_update",
    "person_create",
    "person_duplicate_resolve",
    "person_duplicates_find",
    "person_merge",
    "person_merge_reverse",
    "person_name_keys_refresh",
    "person_update",
    "place_create",
    "place_update",
    "record_mark_entered_in_error",
    "vehicle_create",
    "vehicle_update",
]

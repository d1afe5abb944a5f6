"""Writes of the front door. Every service takes the acting user, checks permission, validates,
locks what changes and records history with a reason."""

from .anonymous import anonymous_form_attempt_record, anonymous_form_is_limited, anonymous_referral_submit
from .children import (
    CHILD_FIELDS,
    PossibleDuplicates,
    child_create,
    child_restrict,
    child_set_cate_markers,
    child_update,
)
from .contacts import (
    CONTACT_FIELDS,
    REFERENCE_ALPHABET,
    contact_assign,
    contact_link_child,
    contact_mark_entered_in_error,
    contact_record,
    contact_release,
    contact_update,
    new_contact_reference,
)
from .decision import MAX_DETAIL, contact_decide, follow_up_complete
from .duplicates import (
    possible_duplicate_mark_different,
    possible_duplicate_merge,
    possible_duplicate_resolve,
    possible_duplicates_find,
)
from .gp_practices import PracticeImport, gp_practices_import
from .mace import MAX_MACE_INFORMATION, mace_entry_add, mace_request_close, mace_request_send
from .merge import child_link_fields, child_merge, child_merge_reverse
from .missing import missing_cse_link_assess
from .name_keys import child_name_keys_refresh
from .referrer import (
    asks_screener_about_referrer,
    referrer_message_deliver,
    referrer_messages_retry,
    tells_referrer_outcome,
)
from .same_names import same_name_set_review, same_name_sets_record, same_name_sets_record_for_child
from .threshold import MAX_EVIDENCE, threshold_assess
from .threshold_review import threshold_review_raise, threshold_review_record

__all__ = [
    "CHILD_FIELDS",
    "CONTACT_FIELDS",
    "MAX_DETAIL",
    "MAX_EVIDENCE",
    "MAX_MACE_INFORMATION",
    "REFERENCE_ALPHABET",
    "PossibleDuplicates",
    "PracticeImport",
    "anonymous_form_attempt_record",
    "anonymous_form_is_limited",
    "anonymous_referral_submit",
    "asks_screener_about_referrer",
    "child_create",
    "child_link_fields",
    "child_merge",
    "child_merge_reverse",
    "child_name_keys_refresh",
    "child_restrict",
    "child_set_cate_markers",
    "child_update",
    "contact_assign",
    "contact_decide",
    "contact_link_child",
    "contact_mark_entered_in_error",
    "contact_record",
    "contact_release",
    "contact_update",
    "follow_up_complete",
    "gp_practices_import",
    "mace_entry_add",
    "mace_request_close",
    "mace_request_send",
    "missing_cse_link_assess",
    "new_contact_reference",
    "possible_duplicate_mark_different",
    "possible_duplicate_merge",
    "possible_duplicate_resolve",
    "possible_duplicates_find",
    "referrer_message_deliver",
    "referrer_messages_retry",
    "same_name_set_review",
    "same_name_sets_record",
    "same_name_sets_record_for_child",
    "tells_referrer_outcome",
    "threshold_assess",
    "threshold_review_raise",
    "threshold_review_record",
]

"""Signals the front door sends. Other apps subscribe; contacts/ imports none of them."""

from django.dispatch import Signal

# Sent inside the decision's transaction when a screener refers a contact to CATE and/or
# statutory safeguarding. Arguments: contact (contacts.Contact), actor (the screener).
contact_referred_to_cate = Signal()

# Sent inside the transaction when a child's record is restricted to named staff, or the
# restriction is changed or lifted. Arguments: child (contacts.Child), actor, reason.
child_restriction_changed = Signal()

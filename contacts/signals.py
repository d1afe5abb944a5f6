"""Signals the front door sends. Other apps subscribe; contacts/ imports none of them."""

from django.dispatch import Signal

# Sent inside the decision's transaction when a screener refers a contact to CATE and/or
# statutory safeguarding. Arguments: contact (contacts.Contact), actor (the screener).
contact_referred_to_cate = Signal()

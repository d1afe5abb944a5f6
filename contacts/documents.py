"""The front door's records that hold documents (core.contract's `document_owners`): a child, a
contact, a multi-agency enquiry (its documents seen by every agency it was sent to) and one agency's
answer to it (seen only as that answer is: by that agency and by the front door). Each is seen
exactly as its record is (contacts.visibility): a restricted child's only by its named staff."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from documents.sections import add_url_if_allowed, section

from . import selectors
from .permissions import VIEW_ALL_MACE_ENTRIES, is_partner


def children_visible(user):
    return selectors.child_list_for_user(user).values("pk")


def contacts_visible(user):
    return selectors.contacts_visible_to(user).values("pk")


def maces_visible(user):
    return selectors.mace_requests_visible_to(user).values("pk")


def mace_entries_visible(user):
    return selectors.mace_entries_visible_to(user).values("pk")


def mace_entry_get(user, pk: int):
    return get_object_or_404(selectors.mace_entries_visible_to(user).select_related("agency", "request"), pk=pk)


def staff_attach(user, record) -> bool:
    """The front door's records: staff who see them, never a partner."""
    return not is_partner(user)


def mace_entry_attach(user, entry) -> bool:
    """An agency's answer: that agency's partners, and the front door that reads every answer."""
    if is_partner(user):
        return user.agency_id is not None and user.agency_id == entry.agency_id
    return user.has_perm(VIEW_ALL_MACE_ENTRIES)


# --- The documents sections of the front door's pages (core.contract page sections) ----------


def child_section(child, *, user):
    return section(child, user=user, key="child")


def contact_section(contact, *, user):
    return section(contact, user=user, key="contact")


def mace_section(mace, *, user):
    """The enquiry's documents (every agency it was sent to sees them) and those of the agencies'
    answers the reader sees, with a link to add to each answer the reader may add to."""
    links = []
    for entry in selectors.mace_entries_for_request(user, mace):
        url = add_url_if_allowed(entry, user=user, key="mace-entry")
        if url:
            links.append((f"Add a document to {entry.agency}'s answer of {entry.created_at:%-d %b %Y}", url))
    return section(mace, user=user, key="mace", entry_links=links)

"""The documents part of a record's page, for the apps whose records hold documents: each declares
it on its page through core.contract's page sections (`child_page_sections` ...) or includes it on
a page of its own (`section(record, user=..., key=...)`). A fixed number of queries, however many
documents there are."""

from __future__ import annotations

from django.urls import reverse

from core.contract import Section

from . import owners, selectors
from .permissions import can_attach

SHOWN = 5


def section(record, *, user, key: str, title: str = "Documents", entry_links=()) -> Section:
    """The latest documents of the record's list (a case's: with its child's, papers', meetings'
    and plans'), a link to all of them and, for those who may, to add one. `entry_links`: more
    (label, url) links (an enquiry's: add to an agency's answer)."""
    owner = owners.owner_by_key(key)
    rows = list(selectors.documents_of_record(user, owner, record)[: SHOWN + 1])
    return Section(
        title,
        "documents/section.html",
        {
            "documents": rows[:SHOWN],
            "more": len(rows) > SHOWN,
            "list_url": reverse("documents:record_list", args=[key, record.pk]),
            "add_url": reverse("documents:add", args=[key, record.pk]) if can_attach(user, owner, record) else "",
            "entry_links": tuple(entry_links),
        },
    )


def add_url_if_allowed(record, *, user, key: str) -> str:
    """The link to add a document to a record, for a user who may (else "")."""
    owner = owners.owner_by_key(key)
    return reverse("documents:add", args=[key, record.pk]) if can_attach(user, owner, record) else ""

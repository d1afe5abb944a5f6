"""What contexts as subjects (issue 19) show on the front door's pages, through core.contract: on a
contact's page, the places and peer groups it is about and the contexts its child is linked to, with
how many recent contacts name each ("3 contacts in the last 30 days name this place"), the way to
link another and to open an assessment; on the screening queue, the same as short notes per row.

Counts read through network.context_selectors: only contacts the reader may read, children the
reader may know of, links the reader may read. A fixed number of queries, whatever the rows."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from contacts.choices import ContactStatus
from core.contract import PageAction, Section

from . import context_selectors as selectors
from .permissions import can_assess_context, can_read_network, can_refer_context


def contact_contexts_section(contact, *, user) -> Section | None:
    reader, referrer = can_read_network(user), can_refer_context(user)
    if not (reader or referrer):
        return None
    signals = selectors.context_signals(user, [contact], now=timezone.now()).get(contact.pk, []) if reader else []
    referrals = list(selectors.referrals_of_contact(user, contact))
    if not (signals or referrals or contact.about_context or referrer):
        return None
    may_assess = can_assess_context(user) and contact.status != ContactStatus.ENTERED_IN_ERROR
    return Section(
        "Places and groups",
        "network/sections/contact_contexts.html",
        {
            "contact": contact,
            "signals": signals,
            "referrals": referrals,
            "reader": reader,
            "may_refer": referrer and contact.status != ContactStatus.ENTERED_IN_ERROR,
            "may_assess": may_assess,
            "add_url": reverse("network:contact_context_add", args=[contact.pk]),
        },
    )


def contact_context_action(contact, *, user) -> PageAction | None:
    """ "Link to a place or group" on a contact about a context (or any open contact, for those who
    link them)."""
    if not can_refer_context(user) or contact.status == ContactStatus.ENTERED_IN_ERROR:
        return None
    return PageAction("Link to a place or group", reverse("network:contact_context_add", args=[contact.pk]))


def queue_notes(contacts, *, user, now) -> dict[int, list[str]]:
    """Under each contact of the screening queue: the places and groups it names, and how many
    recent contacts name each."""
    signals = selectors.context_signals(user, contacts, now=now)
    return {pk: [signal.note for signal in found] for pk, found in signals.items()}

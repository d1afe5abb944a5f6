"""Contacts to Family Connect: recording, correcting, linking to a child, taking from the queue."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit
from core.concurrency import check_version
from core.permissions import require
from core.selectors import service_settings

from .. import rules, selectors
from ..choices import ContactKind, ContactStatus, ReferrerMessageKind
from ..models import Child, Contact
from ..permissions import ADD_CONTACT, CHANGE_CONTACT, SCREEN_CONTACT, require_see_child
from ..rules import CONTACT_FIELDS
from ._common import lock_active_child, require_open, set_contact_status
from .referrer import is_professional_referrer, referrer_message_queue
from .threshold_review import tell_at_once

__all__ = [
    "CONTACT_FIELDS",
    "REFERENCE_ALPHABET",
    "contact_assign",
    "contact_link_child",
    "contact_mark_entered_in_error",
    "contact_record",
    "contact_release",
    "contact_update",
    "new_contact_reference",
]


REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O or 1/I to confuse on the phone


def new_contact_reference() -> str:
    """A reference that says nothing about how many contacts there are: FC-XXXX-XXXX."""
    for _ in range(10):
        code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
        reference = f"FC-{code[:4]}-{code[4:]}"
        if not selectors.contact_reference_taken(reference):
            return reference
    raise RuntimeError("Could not find a free contact reference")  # pragma: no cover


def contact_record(*, actor, data: dict[str, Any], child: Child | None = None) -> Contact:
    """Log a contact to Family Connect; the decision falls due after the `contact_decision` timescale."""
    require(actor, ADD_CONTACT, "You cannot record contacts.")
    if child is not None:
        require_see_child(actor, child)
    data = rules.validate_contact_data(data, has_child=child is not None)
    with transaction.atomic():
        if child is not None:
            child = lock_active_child(child)
        current = service_settings()
        contact = Contact(
            reference=new_contact_reference(),
            child=child,
            recorded_by=actor,
            decision_due_at=current.due("contact_decision", data["received_at"]),
            **data,
        )
        if contact.kind == ContactKind.MISSING_FROM_HOME:
            contact.cse_link_due_at = current.due("missing_cse_assessment", contact.received_at)
        if contact.kind == ContactKind.MISSING_FROM_EDUCATION:
            contact.school_days_threshold = current["missing_education_days"]
        reason = "Contact recorded"
        if contact.kind != ContactKind.CONCERN:
            reason = f"Contact recorded: {contact.get_kind_display().lower()}"
        audit.save(contact, actor=actor, reason=reason)
        if is_professional_referrer(contact):
            referrer_message_queue(contact=contact, kind=ReferrerMessageKind.ACKNOWLEDGEMENT, actor=actor)
        if contact.kind == ContactKind.MISSING_FROM_HOME:
            tell_at_once("missing_from_home")
    return contact


def contact_update(*, contact: Contact, actor, data: dict[str, Any], reason: str, expected_version: int | None):
    """Correct the details of a contact not yet decided."""
    require(actor, CHANGE_CONTACT, "You cannot change contacts.")
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        check_version(contact, expected_version)
        require_open(contact, "change it")
        data = {**data, "kind": contact.kind}  # what a contact is does not change: record a new one
        data = rules.validate_contact_data(data, has_child=contact.child_id is not None)
        changed = [key for key, value in data.items() if getattr(contact, key) != value]
        if not changed:
            return contact
        for key in changed:
            setattr(contact, key, data[key])
        if "received_at" in changed:
            contact.decision_due_at = service_settings().due("contact_decision", contact.received_at)
            changed.append("decision_due_at")
            if contact.kind == ContactKind.MISSING_FROM_HOME and contact.cse_link_assessed_at is None:
                contact.cse_link_due_at = service_settings().due("missing_cse_assessment", contact.received_at)
                changed.append("cse_link_due_at")
        audit.save_change(contact, actor=actor, reason=reason or "Contact details corrected", fields=changed)
    return contact


def contact_link_child(*, contact: Contact, child: Child, actor, expected_version: int | None = None) -> Contact:
    """Say which child in the index the contact is about (or correct it before the decision)."""
    require(actor, CHANGE_CONTACT, "You cannot change contacts.")
    require_see_child(actor, child)
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        check_version(contact, expected_version)
        require_open(contact, "change the child")
        child = lock_active_child(child)
        if contact.child_id == child.pk:
            return contact
        contact.child = child
        audit.save_change(contact, actor=actor, reason=f"Contact linked to child {child.pk}", fields=["child"])
    return contact


def contact_assign(*, contact: Contact, assignee, actor, expected_version: int | None = None) -> Contact:
    """Take a contact from the queue to screen it ("assign to me")."""
    require(actor, SCREEN_CONTACT, "Only a screener can take contacts from the queue.")
    if not assignee.has_perm(SCREEN_CONTACT):
        raise ValidationError("Contacts can be assigned only to screeners.")
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        check_version(contact, expected_version)
        require_open(contact, "assign it")
        if contact.assigned_to_id == assignee.pk:
            return contact
        previous = contact.assigned_to
        contact.assigned_to, contact.assigned_at = assignee, timezone.now()
        fields = ["assigned_to", "assigned_at"]
        if contact.status == ContactStatus.AWAITING_SCREENING:
            set_contact_status(contact, ContactStatus.IN_SCREENING)
            fields.append("status")
        reason = f"Assigned to {assignee}" + (f" (was {previous})" if previous else "")
        audit.save_change(contact, actor=actor, reason=reason, fields=fields)
    return contact


def contact_release(*, contact: Contact, actor, expected_version: int | None = None) -> Contact:
    """Put a contact back in the queue unassigned."""
    require(actor, SCREEN_CONTACT, "Only a screener can release contacts.")
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        check_version(contact, expected_version)
        require_open(contact, "release it")
        if contact.assigned_to_id is None:
            return contact
        contact.assigned_to, contact.assigned_at = None, None
        set_contact_status(contact, ContactStatus.AWAITING_SCREENING)
        audit.save_change(
            contact, actor=actor, reason="Returned to the queue", fields=["assigned_to", "assigned_at", "status"]
        )
    return contact


def contact_mark_entered_in_error(
    *, contact: Contact, actor, reason: str, expected_version: int | None = None
) -> Contact:
    """Take a contact that should not exist (a duplicate, a hoax) out of the queue, with the reason."""
    require(actor, SCREEN_CONTACT, "Only a screener can mark a contact as entered in error.")
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter why this contact was entered in error"})
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        check_version(contact, expected_version)
        set_contact_status(contact, ContactStatus.ENTERED_IN_ERROR)
        contact.entered_in_error_reason = reason.strip()
        audit.save_change(
            contact,
            actor=actor,
            reason=f"Entered in error: {reason.strip()}"[:500],
            fields=["status", "entered_in_error_reason"],
        )
    return contact

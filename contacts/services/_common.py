"""What the front door's services share: the checks on a child or contact about to change."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone

from core.exceptions import TransitionNotAllowed
from core.workflow import transition

from ..choices import ALLOWED_CONTACT_TRANSITIONS, ContactStatus, RecordStatus
from ..models import Child, Contact


def lock_active_child(child: Child) -> Child:
    """Re-read the child under lock (a merge holds it) and refuse one merged in the meantime."""
    child = Child.objects.select_for_update().get(pk=child.pk)
    if child.status != RecordStatus.ACTIVE:
        raise ValidationError("This child's record has been merged: choose the record it was merged into.")
    return child


def require_open(contact: Contact, doing: str) -> None:
    if not contact.is_open:
        raise TransitionNotAllowed(f"This contact is {contact.get_status_display().lower()}: you cannot {doing}.")


def set_contact_status(contact: Contact, new_status: str) -> None:
    """Move the contact to `new_status` if the workflow allows it (TransitionNotAllowed otherwise)."""
    transition(contact.status, new_status, ALLOWED_CONTACT_TRANSITIONS, "contact")
    contact.status = new_status


def start_screening(contact: Contact, actor) -> list[str]:
    """A screener working on a contact takes it, if it is still waiting in the queue."""
    if contact.status != ContactStatus.AWAITING_SCREENING:
        return []
    set_contact_status(contact, ContactStatus.IN_SCREENING)
    fields = ["status"]
    if contact.assigned_to_id is None:
        contact.assigned_to, contact.assigned_at = actor, timezone.now()
        fields += ["assigned_to", "assigned_at"]
    return fields

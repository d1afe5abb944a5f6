"""Missing reports at the front door (issue 24, 001:L1374-1380): every missing-from-home report is
assessed for links to CSE, the assessment due after `missing_cse_assessment` (one working day)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit
from core.concurrency import check_version
from core.exceptions import TransitionNotAllowed
from core.permissions import require

from ..choices import ContactKind
from ..models import Contact
from ..permissions import SCREEN_CONTACT

MAX_CSE_LINK_NOTES = 5000


def missing_cse_link_assess(
    *, contact: Contact, actor, linked: bool | None, notes: str, expected_version: int | None = None
) -> Contact:
    """The screener's assessment of a missing-from-home report's links to CSE: linked or not, and
    what it rests on. Once: a later change is a correction of the contact's record, with history."""
    require(actor, SCREEN_CONTACT, "Only a screener can assess a missing report's links to CSE.")
    notes = (notes or "").strip()
    errors = {}
    if linked is None:
        errors["linked"] = "Say whether the missing episode is linked to CSE"
    if not notes:
        errors["notes"] = "Enter what the assessment rests on"
    elif len(notes) > MAX_CSE_LINK_NOTES:
        errors["notes"] = f"Enter {MAX_CSE_LINK_NOTES} characters or fewer"
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        check_version(contact, expected_version)
        if contact.kind != ContactKind.MISSING_FROM_HOME:
            raise TransitionNotAllowed("Only a missing-from-home report is assessed for links to CSE.")
        if contact.cse_link_assessed_at is not None:
            raise TransitionNotAllowed("The links to CSE of this report have already been assessed.")
        if errors:
            raise ValidationError(errors)
        contact.cse_link_found, contact.cse_link_notes = linked, notes
        contact.cse_link_assessed_at, contact.cse_link_assessed_by = timezone.now(), actor
        audit.save_change(
            contact,
            actor=actor,
            reason="Missing report assessed: " + ("linked to CSE" if linked else "no link to CSE found"),
            fields=["cse_link_found", "cse_link_notes", "cse_link_assessed_at", "cse_link_assessed_by"],
        )
    return contact

"""Multi-agency child enquiries (MACE): asking partner agencies, their answers, closing."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core import audit
from core.exceptions import TransitionNotAllowed
from core.models import Agency
from core.permissions import require
from core.selectors import service_settings

from .. import selectors
from ..choices import MaceStatus
from ..models import Contact, MaceEntry, MaceRecipient, MaceRequest
from ..permissions import ADD_MACE_ENTRY, CLOSE_MACE, REQUEST_MACE
from ._common import require_open, start_screening

__all__ = ["MAX_MACE_INFORMATION", "mace_entry_add", "mace_request_close", "mace_request_send"]


def mace_request_send(*, contact: Contact, actor, agencies: Iterable[Agency], question: str) -> MaceRequest:
    """Ask chosen agencies what they know of the contact's child; answers fall due after the
    `mace_response` timescale. The partners of each agency are told (without the child's name)."""
    require(actor, REQUEST_MACE, "Only a screener can start a multi-agency child enquiry.")
    agencies = list({a.pk: a for a in agencies}.values())
    question = (question or "").strip()
    errors = {}
    if not agencies:
        errors["agencies"] = "Choose at least one agency to ask"
    elif any(not a.is_active for a in agencies):
        errors["agencies"] = "Choose only agencies that are active"
    if not question:
        errors["question"] = "Enter what you are asking the agencies"
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        require_open(contact, "start an enquiry")
        if contact.child_id is None:
            raise ValidationError("Link the contact to a child before asking other agencies about them.")
        request = MaceRequest(
            contact=contact,
            question=question,
            requested_by=actor,
            requested_at=now,
            due_at=service_settings().due("mace_response", now),
        )
        names = ", ".join(a.name for a in agencies)
        audit.save(request, actor=actor, reason=f"Enquiry sent to {names}"[:500])
        for agency in agencies:
            audit.save(MaceRecipient(request=request, agency=agency), actor=actor, reason="Agency asked")
        started = start_screening(contact, actor)
        if started:
            audit.save_change(contact, actor=actor, reason="Screening started", fields=started)
        url = reverse("contacts:mace_detail", args=[request.pk])
        due = timezone.localtime(request.due_at)
        recipients = selectors.partner_ids_of_agencies(a.pk for a in agencies)

        def notify():
            from core.services import notification_send

            for user in selectors.users_by_ids(recipients):
                notification_send(
                    recipient=user,
                    title=f"Multi-agency child enquiry {request.pk}: your agency's answer is due {due:%-d %b %H:%M}",
                    url=url,
                    key=f"mace-request:{request.pk}",
                )

        transaction.on_commit(notify)
    return request


MAX_MACE_INFORMATION = 10000


def mace_entry_add(*, request: MaceRequest, actor, information: str, systems_checked: str = "") -> MaceEntry:
    """A partner adds their agency's information to an enquiry sent to their agency."""
    require(actor, ADD_MACE_ENTRY, "You cannot add information to enquiries.")
    if not actor.agency_id:
        raise PermissionDenied("Your account has no agency.")
    information, systems_checked = (information or "").strip(), (systems_checked or "").strip()
    errors = {}
    if not information:
        errors["information"] = "Enter what your agency knows, or that it holds no information"
    elif len(information) > MAX_MACE_INFORMATION:
        errors["information"] = f"Information must be {MAX_MACE_INFORMATION} characters or fewer"
    if len(systems_checked) > 300:
        errors["systems_checked"] = "Systems checked must be 300 characters or fewer"
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        request = MaceRequest.objects.select_for_update().get(pk=request.pk)
        recipient = MaceRecipient.objects.select_for_update().filter(request=request, agency_id=actor.agency_id).first()
        if recipient is None:
            raise PermissionDenied("This enquiry was not sent to your agency.")
        if request.status != MaceStatus.OPEN:
            raise TransitionNotAllowed("This enquiry is closed: information can no longer be added.")
        entry = MaceEntry(
            request=request,
            agency_id=actor.agency_id,
            author=actor,
            created_at=now,
            systems_checked=systems_checked,
            information=information,
        )
        audit.save(entry, actor=actor, reason="Agency information added")
        if recipient.responded_at is None:
            recipient.responded_at = now
            audit.save(recipient, actor=actor, reason="Agency responded", update_fields=["responded_at"])
    return entry


def mace_request_close(*, request: MaceRequest, actor, reason: str = "Enquiry closed") -> MaceRequest:
    require(actor, CLOSE_MACE, "Only a screener can close an enquiry.")
    with transaction.atomic():
        request = MaceRequest.objects.select_for_update().get(pk=request.pk)
        if request.status == MaceStatus.CLOSED:
            return request
        request.status = MaceStatus.CLOSED
        audit.save(request, actor=actor, reason=reason, update_fields=["status"])
    return request

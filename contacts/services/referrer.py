"""The referrer hears back, safely (issue 24, point 7): every contact from a professional is
acknowledged at once with its reference, and told the outcome, in words fit for a referrer, when
the decision is made; a parent, relative or member of the public is told the outcome only when the
screener decides so (the referrer may be connected to the harm), and that decision is kept.

A message is written once per contact and kind (a unique constraint) inside the transaction of the
contact's recording or decision, and e-mailed after commit; a message whose e-mail failed is sent by
the retry job (`contacts.tasks.send_referrer_messages`). The e-mail carries the reference and the
outcome in general words only: no name and nothing of the concern."""

from __future__ import annotations

import logging

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from core import audit

from ..choices import PROFESSIONAL_SOURCES, ReferrerMessageKind, Source
from ..models import Contact, ReferrerMessage

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
SUBJECTS = {
    ReferrerMessageKind.ACKNOWLEDGEMENT: "Family Connect: we have received your contact {reference}",
    ReferrerMessageKind.OUTCOME: "Family Connect: the outcome of your contact {reference}",
}
TEMPLATES = {
    ReferrerMessageKind.ACKNOWLEDGEMENT: "contacts/email/referrer_acknowledgement.txt",
    ReferrerMessageKind.OUTCOME: "contacts/email/referrer_outcome.txt",
}


def is_professional_referrer(contact: Contact) -> bool:
    return not contact.is_anonymous and contact.source in PROFESSIONAL_SOURCES


def is_individual_referrer(contact: Contact) -> bool:
    """A parent, relative or member of the public who gave their name."""
    return not contact.is_anonymous and contact.source == Source.INDIVIDUAL


def asks_screener_about_referrer(contact: Contact) -> bool:
    """The decision asks whether this referrer is told the outcome."""
    return is_individual_referrer(contact) and bool(contact.referrer_email)


def tells_referrer_outcome(contact: Contact) -> bool:
    """The outcome goes to this referrer without asking (a professional with an address)."""
    return is_professional_referrer(contact) and bool(contact.referrer_email)


def referrer_message_text(contact: Contact, kind: str) -> tuple[str, str]:
    """(subject, body) of the message: the reference, and the outcome in a referrer's words."""
    subject = SUBJECTS[kind].format(reference=contact.reference)
    body = render_to_string(TEMPLATES[kind], {"reference": contact.reference, "outcome": contact.outcome})
    return subject, body.strip() + "\n"


def referrer_message_queue(*, contact: Contact, kind: str, actor) -> ReferrerMessage | None:
    """Write the message (once per contact and kind) and e-mail it after commit. Call inside the
    transaction that records or decides the contact; None when there is no address or it exists."""
    if not contact.referrer_email:
        return None
    subject, body = referrer_message_text(contact, kind)
    try:
        with transaction.atomic():
            message = ReferrerMessage(
                contact=contact,
                kind=kind,
                address=contact.referrer_email,
                subject=subject,
                body=body,
                created_at=timezone.now(),
                created_by=actor,
            )
            audit.save(message, actor=actor, reason=f"{ReferrerMessageKind(kind).label} to the referrer written")
    except IntegrityError:
        return None
    transaction.on_commit(lambda: referrer_message_deliver(message_id=message.pk))
    return message


def referrer_message_deliver(*, message_id: int) -> bool:
    """E-mail one message once (a row lock: two workers never both send it). Whether sent now."""
    with transaction.atomic():
        message = (
            ReferrerMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, sent_at__isnull=True, gave_up=False)
            .first()
        )
        if message is None:
            return False
        message.attempts += 1
        try:
            send_mail(subject=message.subject, message=message.body, from_email=None, recipient_list=[message.address])
        except Exception:
            logger.exception("E-mail to the referrer of contact %s failed; it will be retried", message.contact_id)
            message.gave_up = message.attempts >= MAX_ATTEMPTS
            audit.save(
                message, actor=audit.system_user(), reason="E-mail failed", update_fields=["attempts", "gave_up"]
            )
            return False
        message.sent_at = timezone.now()
        audit.save(
            message, actor=audit.system_user(), reason="E-mailed to the referrer", update_fields=["attempts", "sent_at"]
        )
        return True


def referrer_messages_retry() -> int:
    """Send every message still owed (after a mail-server outage). How many were sent."""
    owed = ReferrerMessage.objects.filter(sent_at__isnull=True, gave_up=False).values_list("pk", flat=True)
    return sum(referrer_message_deliver(message_id=pk) for pk in list(owed[:500]))

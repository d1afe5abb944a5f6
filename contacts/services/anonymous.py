"""The anonymous online form: a concern sent by the public, and the limit on how often."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from core import audit
from core.selectors import service_settings

from .. import limits, selectors
from ..choices import Channel, Source
from ..models import AnonymousFormAttempt, Contact
from .contacts import new_contact_reference

__all__ = ["anonymous_form_attempt_record", "anonymous_form_is_limited", "anonymous_referral_submit"]


def anonymous_form_is_limited(address: str | None, *, now: dt.datetime | None = None) -> dt.datetime | None:
    """When the address may send again, if it has reached the limit; None when it may send now."""
    now = now or timezone.now()
    window = limits.anonymous_form_window()
    times = selectors.anonymous_form_attempt_times(
        selectors.address_key(address), since=now - window, limit=limits.anonymous_form_limit()
    )
    if len(times) < limits.anonymous_form_limit():
        return None
    return times[-1] + window


def anonymous_form_attempt_record(*, address: str | None, accepted: bool, now: dt.datetime | None = None) -> None:
    """Count one sending from an address (as a keyed hash) and forget attempts older than a day."""
    now = now or timezone.now()
    AnonymousFormAttempt.objects.filter(at__lt=now - max(limits.anonymous_form_window(), dt.timedelta(days=1))).delete()
    AnonymousFormAttempt.objects.create(address_hash=selectors.address_key(address), at=now, accepted=accepted)


def anonymous_referral_submit(
    *,
    address: str | None,
    reported_child_name: str,
    reported_child_age: str,
    reported_locations: str,
    reported_school: str,
    concern: str,
) -> Contact:
    """A concern sent through the public form (IITCSE Rec 21): a contact in the screening queue,
    recorded by the system account, with nothing about the reporter."""
    now = timezone.now()
    actor = audit.system_user()
    with transaction.atomic():
        anonymous_form_attempt_record(address=address, accepted=True, now=now)
        contact = Contact(
            reference=new_contact_reference(),
            received_at=now,
            channel=Channel.ANONYMOUS_FORM,
            source=Source.ANONYMOUS,
            is_anonymous=True,
            reported_child_name=reported_child_name.strip(),
            reported_child_age=reported_child_age.strip(),
            reported_locations=reported_locations.strip(),
            reported_school=reported_school.strip(),
            concern=concern.strip(),
            recorded_by=actor,
            decision_due_at=service_settings().due("contact_decision", now),
        )
        audit.save(contact, actor=actor, reason="Sent through the anonymous online form")
    return contact

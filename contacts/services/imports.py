"""Contacts' part of the import from a council's previous system: children, contacts (with the
follow-up of a recent early-help decision) and the CATE markers of the children imported.

Called by the importer (imports/), which checks who may import, record by record inside its one
transaction; each record is saved with history (the acting user, normally the system user, and
the import's reason) and a refusal raises ValidationError for the importer to report.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from contacts.services import child_set_cate_markers
from core import audit
from core.imports import REASON_CREATED, Imported, assign, error_text, references_after, save_imported
from core.selectors import ServiceSettings, service_settings

from ..choices import Channel, ContactStatus, Outcome, Source
from ..models import Child, Contact, EarlyHelpFollowUp
from .name_keys import NAME_FIELDS, child_name_keys_refresh

CONTACT_REFERENCE_PREFIX = "FC-IMP-"


def child_import(
    *,
    child: Child | None,
    legacy_key: str,
    first_name: str,
    last_name: str,
    date_of_birth: date | None,
    gender: str,
    ethnicity: str,
    send_status: str,
    receiving_education: bool | None,
    attendance_percent: Decimal | float | None,
    actor,
    today: date,
) -> Imported[Child]:
    """A child of the previous system in the child index (`child`: the one imported before with
    this key, or None). The previous system gives the latest attendance figure without its date:
    it is dated `today` (the day this service learnt it), and only when it changes."""
    created = child is None
    if created:
        child = Child(legacy_key=legacy_key, created_by=actor)
    changed = assign(
        child,
        {
            "first_name": first_name,
            "last_name": last_name,
            "date_of_birth": date_of_birth,
            "gender": gender,
            "ethnicity": ethnicity,
            "send_status": send_status,
            "receiving_education": receiving_education,
            "attendance_percent": attendance_percent,
        },
    )
    if attendance_percent is None:
        changed += assign(child, {"attendance_recorded_on": None})
    elif "attendance_percent" in changed or child.attendance_recorded_on is None:
        changed += assign(child, {"attendance_recorded_on": today})
    imported = save_imported(child, created=created, changed=changed, actor=actor)
    if created or NAME_FIELDS & set(changed):
        child_name_keys_refresh([child])
    return imported


def contact_import_references() -> Iterator[str]:
    """The references of the contacts an import creates: FC-IMP-000001 and on, after those used."""
    return references_after(Contact, CONTACT_REFERENCE_PREFIX, 6)


def contact_import(
    *,
    contact: Contact | None,
    legacy_key: str,
    references: Iterator[str],
    child: Child | None,
    received_at: datetime,
    source: str,
    cse_concern: bool,
    enquiry_on_open_case: bool,
    outcome: str,
    refer_to_cate: bool,
    refer_to_statutory: bool,
    decided_at: datetime | None,
    actor,
    now: datetime,
    settings: ServiceSettings | None = None,
) -> Imported[Contact]:
    """A contact of the previous system (`contact`: the one imported before with this key, or None:
    a new one takes the next of `references`). Decided when it has an outcome, else awaiting
    screening; screening begun here, or an error marked here, is not undone by a re-import. Its
    decision is due as one received here would be; an early-help decision still within its
    follow-up time (at `now`) gets its follow-up, as one made here would."""
    settings = settings or service_settings()
    created = contact is None
    if created:
        contact = Contact(
            legacy_key=legacy_key,
            reference=next(references),
            channel=Channel.OTHER,
            concern=f"Recorded in the previous system (record {legacy_key}); its text was not imported.",
            recorded_by=actor,
        )
    outcome = outcome or ""
    status = ContactStatus.DECIDED if outcome else ContactStatus.AWAITING_SCREENING
    if (
        not created
        and contact.status in (ContactStatus.IN_SCREENING, ContactStatus.ENTERED_IN_ERROR)
        and (contact.status == ContactStatus.ENTERED_IN_ERROR or not outcome)
    ):
        status = contact.status  # work begun (or an error marked) here is not undone
    changed = assign(
        contact,
        {
            "child": child,
            "received_at": received_at,
            "source": source,
            "is_anonymous": source == Source.ANONYMOUS,
            "cse_concern": cse_concern,
            "enquiry_on_open_case": enquiry_on_open_case,
            "outcome": outcome,
            "refer_to_cate": refer_to_cate,
            "refer_to_statutory": refer_to_statutory,
            "decided_at": decided_at,
            "status": status,
            "decision_due_at": settings.due("contact_decision", received_at),
        },
    )
    result = save_imported(contact, created=created, changed=changed, actor=actor)
    _early_help_follow_up(contact, actor=actor, now=now, settings=settings)
    return result


def _early_help_follow_up(contact: Contact, *, actor, now: datetime, settings: ServiceSettings) -> None:
    """Older early-help decisions were followed up (or not) in the previous system."""
    if contact.outcome != Outcome.EARLY_HELP or contact.decided_at is None:
        return
    due = settings.due("early_help_follow_up", contact.decided_at)
    if due < now or EarlyHelpFollowUp.objects.filter(contact=contact).exists():
        return
    follow_up = EarlyHelpFollowUp(contact=contact, due_at=due)
    try:
        with transaction.atomic():
            audit.save(follow_up, actor=actor, reason=REASON_CREATED)
    except ValidationError as exc:
        raise ValidationError(error_text(exc)) from None


def child_cate_markers_import(*, child: Child, open_to_cate: bool, previously_known: bool, actor) -> Child:
    """The CATE markers of an imported child, from the cases the import left it with."""
    return child_set_cate_markers(
        child=child, open_to_cate=open_to_cate, previously_known=previously_known, actor=actor, reason=REASON_CREATED
    )

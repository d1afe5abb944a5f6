"""The screener's decision on a contact, and the follow-up of an early-help referral."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit, contract
from core.concurrency import check_version
from core.exceptions import TransitionNotAllowed
from core.models import Agency
from core.permissions import require
from core.selectors import service_settings

from .. import selectors
from ..choices import ContactStatus, Outcome, ReferrerMessageKind, ReferrerOutcomeChoice
from ..models import Contact, EarlyHelpFollowUp
from ..permissions import COMPLETE_FOLLOW_UP, DECIDE_CONTACT
from ._common import set_contact_status
from .referrer import asks_screener_about_referrer, referrer_message_queue, tells_referrer_outcome

__all__ = ["MAX_DETAIL", "contact_decide", "follow_up_complete"]


MAX_DETAIL = 5000


def contact_decide(
    *,
    contact: Contact,
    actor,
    outcome: str,
    outcome_detail: str = "",
    early_help_agency: Agency | None = None,
    early_help_service: str = "",
    refer_to_cate: bool = False,
    refer_to_statutory: bool = False,
    late_decision_reason: str = "",
    referrer_outcome: str = "",
    referrer_outcome_reason: str = "",
    expected_version: int | None = None,
) -> Contact:
    """The screener's decision on a contact: information and advice; early help from another
    agency (followed up after the `early_help_follow_up` timescale); or a referral to CATE and/or
    statutory safeguarding, which the apps that take referrals (cate/) are told of at once, inside this
    transaction, through the app contract (`contact_referred_handlers`).

    The referrer hears the outcome (contacts.services.referrer): a professional always; a parent,
    relative or member of the public with an e-mail address only when the screener chooses
    `referrer_outcome="send"` (and "withhold" needs the reason), the choice kept on the contact."""
    require(actor, DECIDE_CONTACT, "Only a screener can decide the outcome of a contact.")
    outcome_detail, early_help_service = (outcome_detail or "").strip(), (early_help_service or "").strip()
    late_decision_reason = (late_decision_reason or "").strip()
    errors = {}
    if outcome not in Outcome.values:
        errors["outcome"] = "Choose the outcome"
    elif outcome == Outcome.INFORMATION_ADVICE:
        if not outcome_detail:
            errors["outcome_detail"] = "Enter the information, advice or support given"
    elif outcome == Outcome.EARLY_HELP:
        if early_help_agency is None:
            errors["early_help_agency"] = "Choose the agency the family is referred to"
        if not early_help_service:
            errors["early_help_service"] = "Enter the service the family is referred to"
    elif not (refer_to_cate or refer_to_statutory):
        errors["refer_to"] = "Choose CATE, statutory safeguarding or both"
    if len(outcome_detail) > MAX_DETAIL:
        errors["outcome_detail"] = f"Enter {MAX_DETAIL} characters or fewer"
    now = timezone.now()
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        check_version(contact, expected_version)
        if contact.status == ContactStatus.DECIDED:
            raise TransitionNotAllowed("This contact has already been decided.")
        if now > contact.decision_due_at and not late_decision_reason:
            errors["late_decision_reason"] = "Enter the reason the decision is late"
        unready = []  # every step still to take, named at once
        if outcome in (Outcome.EARLY_HELP, Outcome.CATE_OR_STATUTORY) and contact.child_id is None:
            unready.append("Link the contact to a child before referring them on.")
        if not selectors.contact_has_threshold_assessment(contact):
            unready.append("Complete the threshold assessment before deciding.")
        if unready:
            errors["__all__"] = unready
        errors.update(_referrer_outcome_errors(contact, referrer_outcome, referrer_outcome_reason))
        if errors:
            raise ValidationError(errors)
        set_contact_status(contact, ContactStatus.DECIDED)
        contact.outcome, contact.outcome_detail = outcome, outcome_detail
        is_early_help, is_referral = outcome == Outcome.EARLY_HELP, outcome == Outcome.CATE_OR_STATUTORY
        contact.early_help_agency = early_help_agency if is_early_help else None
        contact.early_help_service = early_help_service if is_early_help else ""
        contact.refer_to_cate = bool(refer_to_cate) if is_referral else False
        contact.refer_to_statutory = bool(refer_to_statutory) if is_referral else False
        contact.decided_at, contact.decided_by = now, actor
        contact.late_decision_reason = late_decision_reason if now > contact.decision_due_at else ""
        if contact.assigned_to_id is None:
            contact.assigned_to, contact.assigned_at = actor, now
        tell = tells_referrer_outcome(contact)
        if asks_screener_about_referrer(contact):
            contact.referrer_outcome = referrer_outcome
            contact.referrer_outcome_reason = (referrer_outcome_reason or "").strip()
            tell = referrer_outcome == ReferrerOutcomeChoice.SEND
        audit.save_change(contact, actor=actor, reason=f"Decided: {Outcome(outcome).label}")
        if tell:
            referrer_message_queue(contact=contact, kind=ReferrerMessageKind.OUTCOME, actor=actor)
        if is_early_help:
            follow_up = EarlyHelpFollowUp(contact=contact, due_at=service_settings().due("early_help_follow_up", now))
            audit.save(follow_up, actor=actor, reason="Follow-up of the early-help referral due")
        if is_referral:
            contract.call("contact_referred_handlers", contact=contact, actor=actor)
    return contact


def _referrer_outcome_errors(contact: Contact, choice: str, reason: str) -> dict[str, str]:
    """A parent, relative or member of the public who left an e-mail address: the screener says
    whether they are told the outcome, and why not when not."""
    if not asks_screener_about_referrer(contact):
        return {}
    if choice not in ReferrerOutcomeChoice.values:
        return {"referrer_outcome": "Choose whether the referrer is told the outcome"}
    if choice == ReferrerOutcomeChoice.WITHHOLD and not (reason or "").strip():
        return {"referrer_outcome_reason": "Enter why the referrer is not told the outcome"}
    if len((reason or "").strip()) > MAX_DETAIL:
        return {"referrer_outcome_reason": f"Enter {MAX_DETAIL} characters or fewer"}
    return {}


def follow_up_complete(
    *, follow_up: EarlyHelpFollowUp, actor, action_taken: bool | None, notes: str, expected_version: int | None = None
) -> EarlyHelpFollowUp:
    """Close the loop on an early-help referral: did the agency take action? (scrutiny Rec 23)"""
    require(actor, COMPLETE_FOLLOW_UP, "Only a screener can complete a follow-up.")
    notes = (notes or "").strip()
    errors = {}
    if action_taken is None:
        errors["action_taken"] = "Say whether the agency took action"
    if action_taken is False and not notes:
        errors["notes"] = "Enter what happens next, as the agency took no action"
    if len(notes) > MAX_DETAIL:
        errors["notes"] = f"Enter {MAX_DETAIL} characters or fewer"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        follow_up = EarlyHelpFollowUp.objects.select_for_update().get(pk=follow_up.pk)
        check_version(follow_up, expected_version)
        if follow_up.completed_at is not None:
            raise TransitionNotAllowed("This follow-up has already been recorded.")
        follow_up.completed_at, follow_up.completed_by = timezone.now(), actor
        follow_up.action_taken, follow_up.notes = action_taken, notes
        audit.save_change(
            follow_up,
            actor=actor,
            reason="Follow-up recorded: " + ("the agency took action" if action_taken else "no action by the agency"),
        )
    return follow_up

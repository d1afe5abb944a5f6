"""Referrals to CATE: Family Connect refers a contact, and the child joins the referral queue."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit
from core.roles import has_role
from core.selectors import service_settings

from ..choices import LIVE_CASE_STATUSES, ChronologyKind
from ..models import Case, Referral
from ..permissions import REFER_TO_CATE, REFERRING_ROLES
from .chronology import chronology_record


def referral_create_from_contact(*, contact, actor) -> Referral:
    """Family Connect referred a contact to CATE: the child joins the referral queue with the
    detailed assessment due (Working Together, 45 working days by default). Idempotent per contact."""
    if not (actor.has_perm(REFER_TO_CATE) or has_role(actor, *REFERRING_ROLES)):
        raise PermissionDenied("Only a Family Connect screener can refer a child to CATE.")
    if contact.child_id is None:
        raise ValidationError("Find or add the child before referring the contact to CATE.", code="no_child")
    with transaction.atomic():
        existing = Referral.objects.filter(contact=contact).first()
        if existing is not None:
            return existing
        referred_at = contact.decided_at or timezone.now()
        referral = Referral(
            child_id=contact.child_id,
            contact=contact,
            referred_at=referred_at,
            referred_by=actor,
            assessment_due_at=service_settings().due("detailed_assessment", referred_at),
        )
        audit.save(referral, actor=actor, reason=f"Referred to CATE by Family Connect ({contact.reference})")
        live = Case.objects.filter(child_id=contact.child_id, status__in=LIVE_CASE_STATUSES).first()
        if live is not None:
            chronology_record(
                case=live,
                kind=ChronologyKind.REFERRAL,
                actor=actor,
                occurred_at=referred_at,
                summary=f"New referral from Family Connect ({contact.reference}) while the case is open",
            )
    return referral

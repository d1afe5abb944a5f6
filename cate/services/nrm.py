"""The National Referral Mechanism: every child open to CATE is referred (council policy), and the
reasonable- and conclusive-grounds decisions are recorded as they come."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit
from core.concurrency import check_version
from core.selectors import ServiceSettings

from .. import rules
from ..choices import CaseStatus, ChronologyKind, NrmDecision
from ..models import Case, NrmReferral
from ..permissions import CHANGE_NRM, require_work_on_case
from ._common import day_start, future_errors, lock_case
from .chronology import chronology_record

NRM_CASE_CLOSED = (
    "This case is closed: only the decisions on an NRM referral already made can be recorded. "
    "Reopen the case to change anything else."
)


def nrm_referral_create_due(*, case: Case, actor, settings: ServiceSettings, start: dt.datetime) -> NrmReferral:
    """Every child open to CATE is referred to the NRM (council policy, 000:L154)."""
    nrm = NrmReferral(case=case, due_at=settings.due("nrm_referral", start))
    return audit.save(nrm, actor=actor, reason="NRM referral due: the child is open to CATE")


def nrm_referral_update(
    *,
    referral: NrmReferral,
    referred_on: dt.date | None,
    reasonable_grounds: str,
    reasonable_grounds_on: dt.date | None,
    conclusive_grounds: str,
    conclusive_grounds_on: dt.date | None,
    actor,
    expected_version: int | None = None,
) -> NrmReferral:
    """Record the NRM referral's submission and the reasonable- and conclusive-grounds decisions. On a
    closed case the decisions on a referral already made can still be recorded."""
    case = referral.case
    require_work_on_case(actor, case, CHANGE_NRM)
    errors = future_errors(
        ("referred_on", "The date the referral was made", referred_on),
        ("reasonable_grounds_on", "The date of the reasonable grounds decision", reasonable_grounds_on),
        ("conclusive_grounds_on", "The date of the conclusive grounds decision", conclusive_grounds_on),
    )
    decided = {NrmDecision.POSITIVE, NrmDecision.NEGATIVE}
    for field, message in rules.nrm_errors(
        referred_on=referred_on,
        reasonable_grounds=reasonable_grounds,
        reasonable_grounds_on=reasonable_grounds_on,
        conclusive_grounds=conclusive_grounds,
        conclusive_grounds_on=conclusive_grounds_on,
    ).items():
        errors.setdefault(field, message)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = lock_case(case)
        referral = NrmReferral.objects.select_for_update().get(pk=referral.pk)
        check_version(referral, expected_version)
        if case.status == CaseStatus.CLOSED and (referral.referred_on is None or referred_on != referral.referred_on):
            # A decision comes when it comes: after the case closed as well.
            raise ValidationError(NRM_CASE_CLOSED)
        before = (
            referral.referred_on,
            referral.reasonable_grounds,
            referral.reasonable_grounds_on,
            referral.conclusive_grounds,
            referral.conclusive_grounds_on,
        )
        after = (referred_on, reasonable_grounds, reasonable_grounds_on, conclusive_grounds, conclusive_grounds_on)
        if before == after:
            return referral
        events = []
        if referred_on and referral.referred_on is None:
            referral.referred_by = actor
            events.append((referred_on, "NRM referral made"))
        if reasonable_grounds in decided and referral.reasonable_grounds != reasonable_grounds:
            events.append((reasonable_grounds_on, f"NRM reasonable grounds decision: {reasonable_grounds}"))
        if conclusive_grounds in decided and referral.conclusive_grounds != conclusive_grounds:
            events.append((conclusive_grounds_on, f"NRM conclusive grounds decision: {conclusive_grounds}"))
        (
            referral.referred_on,
            referral.reasonable_grounds,
            referral.reasonable_grounds_on,
            referral.conclusive_grounds,
            referral.conclusive_grounds_on,
        ) = after
        audit.save_change(
            referral, actor=actor, reason="; ".join(text for _, text in events) or "NRM referral corrected"
        )
        for day, text in events or [(None, "NRM referral corrected")]:
            chronology_record(
                case=case,
                kind=ChronologyKind.NRM,
                actor=actor,
                occurred_at=day_start(day) if day else timezone.now(),
                summary=text,
            )
    return referral

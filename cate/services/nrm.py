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

from ..choices import CaseStatus, ChronologyKind, NrmDecision
from ..models import Case, NrmReferral
from ..permissions import CHANGE_NRM, require_work_on_case
from ._common import day_start, lock_case, not_in_future
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
    errors = {}
    decided = {NrmDecision.POSITIVE, NrmDecision.NEGATIVE}
    if (reasonable_grounds or conclusive_grounds) and referred_on is None:
        errors["referred_on"] = "Enter the date the referral was made"
    if reasonable_grounds in decided and reasonable_grounds_on is None:
        errors["reasonable_grounds_on"] = "Enter the date of the reasonable grounds decision"
    if reasonable_grounds_on is not None and reasonable_grounds not in decided:
        errors["reasonable_grounds"] = "Select the reasonable grounds decision"
    if conclusive_grounds in decided and conclusive_grounds_on is None:
        errors["conclusive_grounds_on"] = "Enter the date of the conclusive grounds decision"
    if conclusive_grounds_on is not None and conclusive_grounds not in decided:
        errors["conclusive_grounds"] = "Select the conclusive grounds decision"
    if conclusive_grounds and reasonable_grounds != NrmDecision.POSITIVE:
        errors["conclusive_grounds"] = "A conclusive grounds decision follows a positive reasonable grounds decision"
    for field, day in (
        ("reasonable_grounds_on", reasonable_grounds_on),
        ("conclusive_grounds_on", conclusive_grounds_on),
    ):
        if day is not None and referred_on is not None and day < referred_on:
            errors.setdefault(field, "The decision must be on or after the date of the referral")
    if conclusive_grounds_on and reasonable_grounds_on and conclusive_grounds_on < reasonable_grounds_on:
        errors.setdefault("conclusive_grounds_on", "The conclusive decision must follow the reasonable grounds one")
    if errors:
        raise ValidationError(errors)
    for field, day in (
        ("referred_on", referred_on),
        ("reasonable_grounds_on", reasonable_grounds_on),
        ("conclusive_grounds_on", conclusive_grounds_on),
    ):
        not_in_future(day, "The date", field)
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

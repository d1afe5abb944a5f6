"""Support around the child: referrals on to other services (CAMHS, ISVA/ChISVA, therapeutic
providers, sexual health, SARC) and the child's disclosures, which lead to the ISVA service."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit, clock
from core.concurrency import check_version
from core.selectors import service_settings

from ..choices import REOFFER_STATUSES, ChronologyKind, SupportService, SupportStatus
from ..models import Case, Disclosure, SupportReferral
from ..permissions import ADD_DISCLOSURE, ADD_SUPPORT_REFERRAL, CHANGE_SUPPORT_REFERRAL, require_work_on_case
from ._common import day_start, lock_case, not_in_future, require_live
from .chronology import case_change, chronology_record

MAX_SESSIONS = 500


def _reoffer_due_on(status: str, today: dt.date) -> dt.date | None:
    """Declined or not engaging: the day the support is to be offered again (`support_reoffer`)."""
    if status not in REOFFER_STATUSES:
        return None
    start = clock.end_of_local_day(today)
    return clock.local_date(service_settings().due("support_reoffer", start))


def _check_sessions(offered, attended) -> None:
    errors = {}
    if offered is None or not 0 <= offered <= MAX_SESSIONS:
        errors["sessions_offered"] = f"Enter the sessions offered, from 0 to {MAX_SESSIONS}"
    if attended is None or not 0 <= attended <= MAX_SESSIONS:
        errors["sessions_attended"] = f"Enter the sessions attended, from 0 to {MAX_SESSIONS}"
    elif offered is not None and attended > offered:
        errors["sessions_attended"] = "The sessions attended cannot be more than those offered"
    if errors:
        raise ValidationError(errors)


def _check_support_referral(service, service_other, referred_on, first_appointment_on, follow_up_on) -> None:
    errors = {}
    if service == SupportService.OTHER and not service_other.strip():
        errors["service_other"] = "Enter the name of the service"
    if first_appointment_on and first_appointment_on < referred_on:
        errors["first_appointment_on"] = "The first appointment must be on or after the referral"
    if follow_up_on and follow_up_on < referred_on:
        errors["follow_up_on"] = "The follow-up date must be on or after the referral"
    if errors:
        raise ValidationError(errors)
    not_in_future(referred_on, "The date referred", "referred_on")


def support_referral_create(
    *,
    case: Case,
    service: str,
    service_other: str,
    referred_on: dt.date,
    status: str,
    first_appointment_on: dt.date | None,
    outcome: str,
    follow_up_on: dt.date | None,
    actor,
    sessions_offered: int = 0,
    sessions_attended: int = 0,
) -> SupportReferral:
    """A referral on to CAMHS, ISVA/ChISVA, the therapeutic providers, sexual health, SARC, substance
    misuse or youth services. A new referral to a service the child declined (or did not engage
    with) is the re-offer: the earlier referral's re-offer is done."""
    require_work_on_case(actor, case, ADD_SUPPORT_REFERRAL)
    service, status = SupportService(service), SupportStatus(status)
    _check_support_referral(service, service_other, referred_on, first_appointment_on, follow_up_on)
    _check_sessions(sessions_offered, sessions_attended)
    with transaction.atomic():
        case = lock_case(case)
        require_live(case)
        referral = SupportReferral(
            case=case,
            service=service,
            service_other=service_other.strip() if service == SupportService.OTHER else "",
            referred_on=referred_on,
            status=status,
            first_appointment_on=first_appointment_on,
            outcome=outcome,
            follow_up_on=follow_up_on,
            sessions_offered=sessions_offered,
            sessions_attended=sessions_attended,
            reoffer_due_on=_reoffer_due_on(status, timezone.localdate()),
            referred_by=actor,
        )
        audit.save(referral, actor=actor, reason=f"Referred to {referral.service_other or service.label}")
        for earlier in (
            SupportReferral.objects.select_for_update()
            .filter(case=case, service=service, reoffer_due_on__isnull=False, reoffered_on__isnull=True)
            .exclude(pk=referral.pk)
        ):
            earlier.reoffered_on = referred_on
            audit.save_change(earlier, actor=actor, reason="Support offered again", fields=["reoffered_on"])
        chronology_record(
            case=case,
            kind=ChronologyKind.SUPPORT_REFERRAL,
            actor=actor,
            occurred_at=day_start(referred_on),
            summary=f"Referred to {referral.service_other or service.label}",
        )
    return referral


def support_referral_update(
    *,
    referral: SupportReferral,
    service_other: str,
    referred_on: dt.date,
    status: str,
    first_appointment_on: dt.date | None,
    outcome: str,
    follow_up_on: dt.date | None,
    actor,
    expected_version: int | None = None,
    sessions_offered: int | None = None,
    sessions_attended: int | None = None,
) -> SupportReferral:
    case = referral.case
    require_work_on_case(actor, case, CHANGE_SUPPORT_REFERRAL)
    status = SupportStatus(status)
    _check_support_referral(referral.service, service_other, referred_on, first_appointment_on, follow_up_on)
    sessions_offered = referral.sessions_offered if sessions_offered is None else sessions_offered
    sessions_attended = referral.sessions_attended if sessions_attended is None else sessions_attended
    _check_sessions(sessions_offered, sessions_attended)
    with transaction.atomic():
        case = lock_case(case)
        referral = SupportReferral.objects.select_for_update().get(pk=referral.pk)
        check_version(referral, expected_version)
        require_live(case)
        values = {
            "service_other": service_other.strip() if referral.service == SupportService.OTHER else "",
            "referred_on": referred_on,
            "status": status,
            "first_appointment_on": first_appointment_on,
            "outcome": outcome,
            "follow_up_on": follow_up_on,
            "sessions_offered": sessions_offered,
            "sessions_attended": sessions_attended,
        }
        if referral.status != status:
            values["reoffer_due_on"] = _reoffer_due_on(status, timezone.localdate())
            values["reoffered_on"] = None
        changed = [name for name, value in values.items() if getattr(referral, name) != value]
        if not changed:
            return referral
        status_changed = referral.status != status
        for name in changed:
            setattr(referral, name, values[name])
        name = referral.service_other or referral.get_service_display()
        text = f"{name} referral: {status.label.lower()}" if status_changed else f"{name} referral updated"
        audit.save_change(referral, actor=actor, reason=text, fields=changed)
        chronology_record(case=case, kind=ChronologyKind.SUPPORT_REFERRAL, actor=actor, summary=text, detail=outcome)
    return referral


def disclosure_record(
    *, case: Case, disclosed_on: dt.date, made_to_worker: bool, made_to_other: str, summary: str, actor
) -> Disclosure:
    """A disclosure by the child. Made to the CATE worker, it marks them as a likely witness: support
    at interview and in court then comes from the ISVA service (001:L2312-2315)."""
    require_work_on_case(actor, case, ADD_DISCLOSURE)
    errors = {}
    if not made_to_worker and not made_to_other.strip():
        errors["made_to_other"] = "Enter who the disclosure was made to"
    if not summary.strip():
        errors["summary"] = "Enter a summary of the disclosure"
    if errors:
        raise ValidationError(errors)
    not_in_future(disclosed_on, "The date of the disclosure", "disclosed_on")
    with transaction.atomic():
        case = lock_case(case)
        require_live(case)
        if made_to_worker and case.allocated_worker_id is None:
            raise ValidationError({"made_to_worker": "The case has no allocated worker"})
        disclosure = Disclosure(
            case=case,
            disclosed_on=disclosed_on,
            made_to_worker=made_to_worker,
            worker_id=case.allocated_worker_id if made_to_worker else None,
            made_to_other="" if made_to_worker else made_to_other.strip(),
            summary=summary.strip(),
            recorded_by=actor,
        )
        audit.save(disclosure, actor=actor, reason="Disclosure recorded")
        to_whom = str(case.allocated_worker) if made_to_worker else disclosure.made_to_other
        chronology_record(
            case=case,
            kind=ChronologyKind.DISCLOSURE,
            actor=actor,
            occurred_at=day_start(disclosed_on),
            summary=f"Disclosure made to {to_whom}",
            significant=True,
        )
        if made_to_worker and not case.worker_likely_witness:
            case.worker_likely_witness = True
            case_change(
                case,
                actor=actor,
                reason=f"{to_whom} is a likely witness: the disclosure was made to them",
                fields=["worker_likely_witness"],
                kind=ChronologyKind.DISCLOSURE,
                summary=f"{to_whom} marked as a likely witness: support at interview and court from the ISVA service",
            )
    return disclosure

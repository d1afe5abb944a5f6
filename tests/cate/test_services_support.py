"""Support referrals and disclosures."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cate import services
from cate.choices import ChronologyKind, SupportService, SupportStatus
from cate.models import Case

from .helpers import assert_history

pytestmark = pytest.mark.django_db


def test_support_referral_with_status_appointment_and_follow_up(case, worker):
    today = timezone.localdate()
    referral = services.support_referral_create(
        case=case,
        service=SupportService.CAMHS,
        service_other="",
        referred_on=today,
        status=SupportStatus.REFERRED,
        first_appointment_on=None,
        outcome="",
        follow_up_on=today + dt.timedelta(days=14),
        actor=worker,
    )
    assert_history(referral, worker, "Referred to CAMHS / emotional health")
    services.support_referral_update(
        referral=referral,
        service_other="",
        referred_on=today,
        status=SupportStatus.ACCEPTED,
        first_appointment_on=today + dt.timedelta(days=7),
        outcome="",
        follow_up_on=today + dt.timedelta(days=14),
        actor=worker,
        expected_version=1,
    )
    assert_history(referral, worker, "CAMHS / emotional health referral: accepted")
    with pytest.raises(ValidationError):
        services.support_referral_create(
            case=case,
            service=SupportService.OTHER,
            service_other="",
            referred_on=today,
            status=SupportStatus.REFERRED,
            first_appointment_on=today - dt.timedelta(days=1),
            outcome="",
            follow_up_on=None,
            actor=worker,
        )


def test_a_disclosure_to_the_worker_marks_them_a_likely_witness(case, worker, leader, personas):
    disclosure = services.disclosure_record(
        case=case,
        disclosed_on=timezone.localdate(),
        made_to_worker=True,
        made_to_other="",
        summary="Named an adult who gave them alcohol",
        actor=worker,
    )
    assert disclosure.worker == worker
    case.refresh_from_db()
    assert case.worker_likely_witness
    assert_history(case, worker, f"{worker} is a likely witness: the disclosure was made to them")
    assert case.chronology.filter(kind=ChronologyKind.DISCLOSURE, significant=True).exists()
    # A new worker is not a witness; going back to the first worker, they are again.
    services.case_allocate(case=case, worker=personas["other_worker"], actor=leader)
    assert not Case.objects.get(pk=case.pk).worker_likely_witness
    services.case_allocate(case=case, worker=worker, actor=leader)
    assert Case.objects.get(pk=case.pk).worker_likely_witness


def test_a_disclosure_to_someone_else_names_them(case, worker):
    with pytest.raises(ValidationError):
        services.disclosure_record(
            case=case,
            disclosed_on=timezone.localdate(),
            made_to_worker=False,
            made_to_other="",
            summary="x",
            actor=worker,
        )
    services.disclosure_record(
        case=case,
        disclosed_on=timezone.localdate(),
        made_to_worker=False,
        made_to_other="School nurse",
        summary="x",
        actor=worker,
    )
    case.refresh_from_db()
    assert not case.worker_likely_witness

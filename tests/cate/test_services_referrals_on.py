"""NRM referral, GP letters, support referrals, disclosures and the post-17 transition meeting."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cate import services
from cate.choices import ChronologyKind, NrmDecision, SupportService, SupportStatus
from cate.models import Case
from core.choices import AgencyKind
from tests.factories import AgencyFactory

from .helpers import assert_history

pytestmark = pytest.mark.django_db


def test_nrm_referral_submitted_and_decided(case, worker):
    nrm = case.nrm_referrals.get()
    today = timezone.localdate()
    services.nrm_referral_update(
        referral=nrm,
        referred_on=today - dt.timedelta(days=1),
        reasonable_grounds="",
        reasonable_grounds_on=None,
        conclusive_grounds="",
        conclusive_grounds_on=None,
        actor=worker,
        expected_version=1,
    )
    nrm.refresh_from_db()
    assert (nrm.referred_by, nrm.version) == (worker, 2)
    assert_history(nrm, worker, "NRM referral made")
    services.nrm_referral_update(
        referral=nrm,
        referred_on=nrm.referred_on,
        reasonable_grounds=NrmDecision.POSITIVE,
        reasonable_grounds_on=today,
        conclusive_grounds="",
        conclusive_grounds_on=None,
        actor=worker,
        expected_version=2,
    )
    assert case.chronology.filter(kind=ChronologyKind.NRM, summary="NRM reasonable grounds decision: positive")


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"reasonable_grounds": NrmDecision.POSITIVE}, "referred_on"),
        ({"referred_on": 0, "reasonable_grounds": NrmDecision.POSITIVE}, "reasonable_grounds_on"),
        ({"referred_on": 0, "reasonable_grounds_on": 0}, "reasonable_grounds"),
        (
            {
                "referred_on": 0,
                "reasonable_grounds": NrmDecision.NEGATIVE,
                "reasonable_grounds_on": 0,
                "conclusive_grounds": NrmDecision.POSITIVE,
                "conclusive_grounds_on": 0,
            },
            "conclusive_grounds",
        ),
        (
            {"referred_on": 0, "reasonable_grounds": NrmDecision.POSITIVE, "reasonable_grounds_on": -2},
            "reasonable_grounds_on",
        ),
        ({"referred_on": 2}, "referred_on"),
    ],
)
def test_nrm_dates_and_decisions_must_agree(case, worker, values, field):
    today = timezone.localdate()
    kwargs = {
        "referred_on": None,
        "reasonable_grounds": "",
        "reasonable_grounds_on": None,
        "conclusive_grounds": "",
        "conclusive_grounds_on": None,
    }
    for key, value in values.items():
        kwargs[key] = today + dt.timedelta(days=value) if isinstance(value, int) else value
    with pytest.raises(ValidationError) as exc:
        services.nrm_referral_update(referral=case.nrm_referrals.get(), actor=worker, **kwargs)
    assert field in exc.value.message_dict


def test_gp_letter_recorded_as_sent(case, worker):
    letter = case.gp_letters.get()
    services.gp_letter_mark_sent(letter=letter, sent_on=timezone.localdate(), actor=worker, expected_version=1)
    letter.refresh_from_db()
    assert (letter.sent_on, letter.sent_by) == (timezone.localdate(), worker)
    assert_history(letter, worker, "GP letter sent")
    assert case.chronology.filter(kind=ChronologyKind.GP_LETTER, summary__startswith="GP letter sent").exists()
    with pytest.raises(ValidationError):
        services.gp_letter_mark_sent(letter=letter, sent_on=timezone.localdate() - dt.timedelta(days=5), actor=worker)


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
    assert_history(referral, worker, "Referred to CAMHS")
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
    assert_history(referral, worker, "CAMHS referral: accepted")
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


def test_transition_meeting_with_agencies(case, worker, personas):
    adults = AgencyFactory(name="Adult Social Care", kind=AgencyKind.ADULT_SOCIAL_CARE)
    meeting = services.transition_meeting_record(
        case=case,
        held_on=timezone.localdate(),
        agencies=[adults],
        attendees="Social worker (adult social care); young person; mother",
        decisions="Referral to adult social care accepted",
        onward_support_plan="Key worker from 18th birthday",
        actor=worker,
    )
    assert list(meeting.attending_agencies.all()) == [adults]
    assert_history(meeting, worker)
    assert case.chronology.filter(kind=ChronologyKind.TRANSITION).exists()
    with pytest.raises(ValidationError):
        services.transition_meeting_record(
            case=case,
            held_on=timezone.localdate(),
            agencies=[],
            attendees="",
            decisions="",
            onward_support_plan="",
            actor=worker,
        )
    with pytest.raises(PermissionDenied):
        services.transition_meeting_record(
            case=case,
            held_on=timezone.localdate(),
            agencies=[adults],
            attendees="",
            decisions="x",
            onward_support_plan="x",
            actor=personas["other_worker"],
        )

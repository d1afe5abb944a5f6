"""The NRM referral: submitted, and the reasonable and conclusive grounds decisions."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cate import services
from cate.choices import ChronologyKind, NrmDecision

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

"""Setting up an authenticator app (core.services.otp_app_start / otp_app_confirm): only with a
set-up grant (the e-mailed link or an administrator's code), which the set-up uses up."""

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django_otp.plugins.otp_static.models import StaticDevice

from core import accounts, services
from core.roles import Role
from tests.core.test_sign_in import code_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_otp_throttle(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def link_grant(user) -> dict:
    """The grant the set-up link e-mailed to `user` gives."""
    grant = accounts.enrolment_grant_from_link(accounts.uid_of(user), accounts.enrolment_link_tokens.make_token(user))
    assert grant is not None
    return grant


def test_a_password_alone_does_not_start_a_set_up(make_user):
    user = make_user(Role.SCREENER)
    other = make_user(Role.SCREENER)
    for grant in (None, {}, {"uid": user.pk, "via": "link", "token": "1-2", "stamp": ""}, link_grant(other)):
        with pytest.raises(PermissionDenied):
            services.otp_app_start(actor=user, grant=grant)
    with pytest.raises(PermissionDenied):
        services.otp_app_start(actor=user)
    assert not user.totpdevice_set.exists()


def test_the_app_being_set_up_is_reused_until_confirmed(make_user):
    user = make_user(Role.SCREENER)
    grant = link_grant(user)
    device = services.otp_app_start(actor=user, grant=grant)
    assert not device.confirmed and device.name == "Authenticator app"
    assert services.otp_app_start(actor=user, grant=grant) == device


@pytest.mark.usefixtures("no_otp_throttle")
def test_a_wrong_code_is_refused_on_the_token_field_and_confirms_nothing(make_user):
    user = make_user(Role.SCREENER)
    grant = link_grant(user)
    device = services.otp_app_start(actor=user, grant=grant)
    wrong = "000000" if code_for(device) != "000000" else "111111"
    with pytest.raises(ValidationError) as caught:
        services.otp_app_confirm(device=device, token=wrong, actor=user, grant=grant)
    assert "token" in caught.value.message_dict
    device.refresh_from_db()
    assert not device.confirmed and not StaticDevice.objects.filter(user=user).exists()


@pytest.mark.usefixtures("no_otp_throttle")
def test_confirming_issues_recovery_codes_and_records_the_set_up_in_the_accounts_history(make_user):
    user = make_user(Role.SCREENER)
    grant = link_grant(user)
    device = services.otp_app_start(actor=user, grant=grant)
    codes = services.otp_app_confirm(device=device, token=code_for(device), actor=user, grant=grant)
    device.refresh_from_db()
    assert device.confirmed
    assert len(codes) == django_settings.OTP_RECOVERY_CODE_COUNT
    stored = set(StaticDevice.objects.get(user=user).token_set.values_list("token", flat=True))
    assert stored == set(codes)
    latest = user.history.latest()
    assert latest.history_user == user
    assert latest.history_change_reason == "Authenticator app set up; recovery codes issued"
    # The grant is used up: the same link does not start another set-up.
    user.refresh_from_db()
    assert not accounts.enrolment_grant_valid(user, grant)
    with pytest.raises(PermissionDenied):
        services.otp_app_start(actor=user, grant=grant)


def test_nobody_confirms_another_users_app(make_user):
    user, other = make_user(Role.SCREENER), make_user(Role.SCREENER)
    device = services.otp_app_start(actor=user, grant=link_grant(user))
    with pytest.raises(PermissionDenied):
        services.otp_app_confirm(device=device, token=code_for(device), actor=other, grant=link_grant(other))

"""The account page: a person sees their authenticator, recovery codes left and recent sign-ins, and
issues themselves new recovery codes with a code from their app (the old ones stop working)."""

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.roles import Role
from tests.core.test_sign_in import SIGN_IN, code_for
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db
ACCOUNT = reverse("core:account")


@pytest.fixture(autouse=True)
def no_otp_throttle(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def sign_in_with_app(client, user, device, browser: str = "Test browser 1.0") -> None:
    """Both steps, with the previous code step's code (so the code of this step is still unused)."""
    client.post(SIGN_IN, {"username": user.username, "password": TEST_PASSWORD}, HTTP_USER_AGENT=browser)
    previous = TOTPDevice(key=device.key, step=device.step, t0=device.t0 + device.step, digits=device.digits)
    response = client.post(reverse("core:otp_verify"), {"token": code_for(previous)})
    assert response.status_code == 302 and response["Location"] == reverse("core:home")


def test_the_page_shows_the_app_the_codes_left_and_recent_sign_ins(client, make_user):
    user = make_user(Role.SCREENER, username="owner1")
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    StaticDevice.objects.create(user=user, name="Recovery codes").token_set.create(token="recover1")
    sign_in_with_app(client, user, device)
    html = client.get(ACCOUNT).content.decode()
    assert "Authenticator app" in html and "Recovery codes left" in html
    assert '<dd class="govuk-summary-list__value">1</dd>' in html
    assert "Test browser 1.0" in html and "127.0.0.1" in html
    assert device.key not in html and "recover1" not in html  # the page shows no secret


def test_new_recovery_codes_need_a_code_from_the_app_and_replace_the_old(client, make_user):
    user = make_user(Role.SCREENER)
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    StaticDevice.objects.create(user=user, name="Recovery codes").token_set.create(token="oldcode1")
    sign_in_with_app(client, user, device)
    wrong = client.post(ACCOUNT, {"token": "000000" if code_for(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and "The security code is not right" in wrong.content.decode()
    assert StaticDevice.objects.get(user=user).token_set.filter(token="oldcode1").exists()
    response = client.post(ACCOUNT, {"token": code_for(device)})
    assert response["Location"] == reverse("core:otp_recovery_codes")
    tokens = set(StaticDevice.objects.get(user=user).token_set.values_list("token", flat=True))
    assert len(tokens) == django_settings.OTP_RECOVERY_CODE_COUNT and "oldcode1" not in tokens
    shown = client.get(reverse("core:otp_recovery_codes")).content.decode()
    assert all(token in shown for token in tokens)
    assert user.history.latest().history_change_reason == "Recovery codes issued again"


def test_without_an_app_the_page_offers_the_set_up(client, make_user):
    client.force_login(make_user(Role.SCREENER))
    html = client.get(ACCOUNT).content.decode()
    assert "You have not set up an authenticator app" in html and reverse("core:otp_setup") in html
    refused = client.post(ACCOUNT, {"token": "123456"})
    assert "Set up an authenticator app first" in refused.content.decode()

import time
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import identify_hasher
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import accounts
from core.middleware import LAST_ACTIVITY
from core.roles import Role
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db
SIGN_IN = reverse("core:login")


def sign_in(client, username, password=TEST_PASSWORD, **extra):
    return client.post(SIGN_IN, {"username": username, "password": password, **extra})


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_every_page_is_private_unless_marked(client):
    for name in (
        "core:home",
        "core:notification_list",
        "core:settings",
        "core:audit",
        "contacts:index",
        "cate:index",
        "riskpanel:index",
        "reporting:index",
    ):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(f"{SIGN_IN}?next=")


def test_sign_in_and_sign_out(client, make_user):
    make_user(Role.SCREENER, username="screener1")
    page = client.get(SIGN_IN)
    assert page.status_code == 200 and b"Sign in to CATE pathway" in page.content
    response = sign_in(client, "screener1")
    assert response.status_code == 302 and response["Location"] == reverse("core:home")
    assert client.get(reverse("core:home")).status_code == 200
    assert client.get(reverse("core:logout")).status_code == 405  # signing out is a POST
    response = client.post(reverse("core:logout"))
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 302


def test_wrong_password_shows_a_govuk_error_and_keeps_the_username(client, make_user):
    make_user(Role.SCREENER, username="screener1")
    response = sign_in(client, "screener1", "wrong-password")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: Sign in" in html
    assert "govuk-error-summary" in html and "Enter a correct username and password" in html
    assert 'value="screener1"' in html


def test_empty_sign_in_names_each_missing_field(client):
    html = client.post(SIGN_IN, {"username": "", "password": ""}).content.decode()
    assert 'href="#id_username">Enter your username' in html
    assert 'href="#id_password">Enter your password' in html


def test_lockout_after_repeated_failures_with_a_clear_message(client, make_user):
    make_user(Role.SCREENER, username="screener1")
    for _ in range(django_settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "screener1", "wrong").status_code == 200
    response = sign_in(client, "screener1", "wrong")
    assert response.status_code == 429
    assert b"Your account is locked" in response.content
    # Even the right password is refused while locked.
    response = sign_in(client, "screener1")
    assert response.status_code == 429
    assert client.get(reverse("core:home")).status_code == 302


def test_passwords_are_hashed_with_argon2_in_every_real_environment(settings, make_user):
    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    user = make_user(Role.SCREENER)
    user.set_password("a long enough passphrase")
    assert identify_hasher(user.password).algorithm == "argon2"


def test_idle_session_times_out(client, make_user, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 30
    client.force_login(make_user(Role.SCREENER))
    assert client.get(reverse("core:home")).status_code == 200
    session = client.session
    session[LAST_ACTIVITY] = int(time.time()) - 29 * 60
    session.save()
    assert client.get(reverse("core:home")).status_code == 200  # 29 minutes idle: still signed in
    session = client.session
    session[LAST_ACTIVITY] = int(time.time()) - 31 * 60
    session.save()
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and "timeout=1" in response["Location"]
    page = client.get(response["Location"])
    assert b"You were signed out because you had not done anything for 30 minutes" in page.content
    assert client.get(reverse("core:home")).status_code == 302


@pytest.fixture(autouse=False)
def no_otp_throttle(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


@pytest.mark.usefixtures("no_otp_throttle")
class TestTwoFactor:
    def test_required_accounts_set_up_an_app_then_get_recovery_codes(self, client, make_user, settings):
        settings.OTP_REQUIRED = True
        user = make_user(Role.SCREENER, username="screener1")
        response = sign_in(client, "screener1")
        assert response["Location"] == reverse("core:otp_setup")
        # Nothing else is reachable before the second step.
        assert client.get(reverse("core:home"))["Location"] == reverse("core:otp_setup")
        # The set-up link e-mailed to them (tests/core/test_enrolment.py: a password alone is not enough).
        client.get(urlsplit(accounts.enrolment_link(user)).path)
        page = client.get(reverse("core:otp_setup"))
        assert b"<svg" in page.content and b"Setup key" in page.content
        device = TOTPDevice.objects.get(user=user, confirmed=False)
        wrong = client.post(
            reverse("core:otp_setup"), {"token": "000000" if code_for(device) != "000000" else "111111"}
        )
        assert b"The security code is not right" in wrong.content
        response = client.post(reverse("core:otp_setup"), {"token": code_for(device)})
        assert response["Location"] == reverse("core:otp_recovery_codes")
        codes = client.get(reverse("core:otp_recovery_codes"))
        assert codes.status_code == 200
        assert StaticDevice.objects.get(user=user).token_set.count() == django_settings.OTP_RECOVERY_CODE_COUNT
        assert client.get(reverse("core:home")).status_code == 200
        # The codes are shown once only.
        assert client.get(reverse("core:otp_recovery_codes"))["Location"] == reverse("core:home")

    def test_a_user_with_an_app_must_enter_a_code_each_sign_in(self, client, make_user, settings):
        settings.OTP_REQUIRED = False  # switched off (local), yet anyone with an app still uses it
        user = make_user(Role.SCREENER, username="screener1")
        device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
        response = sign_in(client, "screener1")
        assert response["Location"].startswith(reverse("core:otp_verify"))
        assert client.get(reverse("cate:index"))["Location"].startswith(reverse("core:otp_verify"))
        bad = client.post(reverse("core:otp_verify"), {"token": "12"})
        assert bad.status_code == 200 and b"govuk-error-summary" in bad.content
        response = client.post(reverse("core:otp_verify"), {"token": code_for(device), "next": "/notifications/"})
        assert response["Location"] == "/notifications/"
        assert client.get(reverse("core:home")).status_code == 200

    def test_a_recovery_code_signs_in_once(self, client, make_user, settings):
        settings.OTP_REQUIRED = True
        user = make_user(Role.SCREENER, username="screener1")
        TOTPDevice.objects.create(user=user, name="app", confirmed=True)
        static = StaticDevice.objects.create(user=user, name="Recovery codes")
        static.token_set.create(token="recover1")
        sign_in(client, "screener1")
        response = client.post(reverse("core:otp_verify"), {"token": "recover1"})
        assert response["Location"] == reverse("core:home")
        assert not static.token_set.exists()

    def test_an_open_redirect_is_not_followed(self, client, make_user, settings):
        user = make_user(Role.SCREENER, username="screener1")
        device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
        sign_in(client, "screener1")
        response = client.post(reverse("core:otp_verify"), {"token": code_for(device), "next": "https://evil.example/"})
        assert response["Location"] == reverse("core:home")

    def test_the_admin_sign_in_cannot_bypass_the_second_step(self, client):
        response = client.get("/admin/login/?next=/admin/")
        assert response.status_code == 302 and response["Location"].startswith(SIGN_IN)

    def test_staff_who_are_not_administrators_get_the_styled_403_at_the_admin(self, client, make_user):
        """Not an endless round of redirects between the admin's sign-in and the service's."""
        client.force_login(make_user(Role.TEAM_LEADER, username="leader1"))
        response = client.get("/admin/", follow=True)
        assert response.status_code == 403 and len(response.redirect_chain) == 1
        assert "You do not have access to this page" in response.content.decode()

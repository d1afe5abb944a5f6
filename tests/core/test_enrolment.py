"""Enrolment that cannot be hijacked: a password alone never sets up an authenticator. The first
set-up (and one after a reset) needs the single-use, time-limited link e-mailed to the account's
work address, or a set-up code an administrator issued."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import accounts
from core.roles import Role
from tests.core.test_sign_in import code_for, sign_in
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_otp_throttle")]
SET_UP = reverse("core:otp_setup")


@pytest.fixture
def no_otp_throttle(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


@pytest.fixture
def otp_required(settings):
    settings.OTP_REQUIRED = True


def link_path(message, name: str = "set-up-authenticator") -> str:
    url = re.search(rf"http\S+/{name}/\S+/", message.body).group(0)
    return urlsplit(url).path


def send_link(client, capture) -> str:
    mail.outbox.clear()
    with capture(execute=True):
        response = client.post(SET_UP, {"intent": "send_link"})
    assert response.status_code == 302 and response["Location"] == SET_UP
    assert len(mail.outbox) == 1
    return link_path(mail.outbox[0])


def confirm(client, user) -> None:
    assert b"<svg" in client.get(SET_UP).content
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(SET_UP, {"token": code_for(device)})
    assert response["Location"] == reverse("core:otp_recovery_codes"), response.content.decode()[:2000]


@pytest.mark.usefixtures("otp_required")
def test_a_session_with_only_a_password_cannot_enrol_an_authenticator(client, make_user):
    user = make_user(Role.SCREENER, username="newstarter")
    assert sign_in(client, "newstarter")["Location"] == SET_UP
    page = client.get(SET_UP)
    html = page.content.decode()
    assert page.status_code == 200 and "E-mail me a set-up link" in html
    assert "<svg" not in html and "Setup key" not in html  # no secret is made or shown
    assert not TOTPDevice.objects.filter(user=user).exists()
    # A code sent straight to the set-up (as the old page took it) is refused.
    for token in ("123456", "000000"):
        refused = client.post(SET_UP, {"token": token})
        assert refused.status_code == 403
        assert "needs the set-up link" in refused.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()
    # An authenticator begun some other way is not confirmed by a password-only session either.
    device = TOTPDevice.objects.create(user=user, name="Planted", confirmed=False)
    assert client.post(SET_UP, {"token": code_for(device)}).status_code == 403
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(reverse("core:home"))["Location"] == SET_UP


@pytest.mark.usefixtures("otp_required")
def test_the_link_to_the_work_email_sets_up_the_app_once(client, make_user, django_capture_on_commit_callbacks):
    user = make_user(Role.SCREENER, username="newstarter", email="new.starter@example.invalid")
    sign_in(client, "newstarter")
    assert "n\u2022\u2022\u2022@example.invalid" in client.get(SET_UP).content.decode()
    path = send_link(client, django_capture_on_commit_callbacks)
    assert mail.outbox[0].to == ["new.starter@example.invalid"]
    # Asking again at once sends nothing more.
    again = client.post(SET_UP, {"intent": "send_link"})
    assert "less than a minute ago" in again.content.decode() and len(mail.outbox) == 1
    response = client.get(path)
    assert response.status_code == 302 and response["Location"] == SET_UP
    confirm(client, user)
    assert client.get(reverse("core:home")).status_code == 200
    history = user.history.latest()
    assert history.history_user == user and history.history_change_reason.startswith("Authenticator app set up")

    # Used once: the same link no longer works, in this session or another.
    stale = client.get(path)
    assert stale.status_code == 200 and "This link does not work" in stale.content.decode()
    other = type(client)()
    assert "This link does not work" in other.get(path).content.decode()


def test_the_link_signs_in_with_the_password_then_sets_up(client, make_user):
    """Opened signed out (OTP switched off, as locally): sign-in first, then straight to the set-up."""
    user = make_user(Role.SCREENER, username="volunteer")
    path = urlsplit(accounts.enrolment_link(user)).path
    response = client.get(path)
    assert response["Location"].startswith(reverse("core:login")) and "set-up-authenticator" in response["Location"]
    response = client.post(response["Location"], {"username": "volunteer", "password": TEST_PASSWORD, "next": SET_UP})
    assert response["Location"] == SET_UP
    confirm(client, user)


def test_a_link_for_someone_else_does_not_set_up_mine(client, make_user):
    mine, theirs = make_user(Role.SCREENER, username="mine"), make_user(Role.SCREENER, username="theirs")
    client.force_login(mine)
    client.get(urlsplit(accounts.enrolment_link(theirs)).path)  # signs "mine" out
    assert client.get(SET_UP)["Location"].startswith(reverse("core:login"))
    client.force_login(mine)
    session = client.session
    session[accounts.ENROLMENT_GRANT] = accounts.enrolment_grant_from_link(
        accounts.uid_of(theirs), accounts.enrolment_link_tokens.make_token(theirs)
    )
    session.save()
    assert "E-mail me a set-up link" in client.get(SET_UP).content.decode()
    assert not TOTPDevice.objects.filter(user__in=[mine, theirs]).exists()


def test_a_link_expires(client, make_user, settings, monkeypatch):
    user = make_user(Role.SCREENER)
    path = urlsplit(accounts.enrolment_link(user)).path
    later = accounts.enrolment_link_tokens._now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 1)
    monkeypatch.setattr(accounts.enrolment_link_tokens, "_now", lambda: later)
    assert "This link does not work" in client.get(path).content.decode()


def test_a_reset_ends_every_earlier_link(client, make_user, personas):
    user = make_user(Role.SCREENER)
    path = urlsplit(accounts.enrolment_link(user)).path
    accounts.account_second_factor_reset(account=user, actor=personas["administrator"])
    assert "This link does not work" in client.get(path).content.decode()


def test_an_administrators_code_sets_up_the_app_once(client, make_user, personas):
    user = make_user(Role.SCREENER, username="coded")
    code = accounts.enrolment_code_issue(account=user, actor=personas["administrator"])
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    user.refresh_from_db()
    assert code.replace("-", "") not in user.enrolment_code  # kept hashed
    client.force_login(user)
    wrong = client.post(SET_UP, {"intent": "code", "code": "AAAA-AAAA-AAAA"})
    assert "The code is not right" in wrong.content.decode()
    assert client.post(SET_UP, {"intent": "code", "code": code.lower()})["Location"] == SET_UP
    confirm(client, user)
    other = type(client)()
    other.force_login(user)
    reused = other.post(SET_UP, {"intent": "code", "code": code})
    assert reused.status_code == 302 and reused["Location"].startswith(reverse("core:otp_verify"))


def test_an_expired_code_is_refused(client, make_user, personas):
    user = make_user(Role.SCREENER)
    code = accounts.enrolment_code_issue(account=user, actor=personas["administrator"])
    type(user).objects.filter(pk=user.pk).update(enrolment_code_expires_at=timezone.now() - timedelta(seconds=1))
    client.force_login(user)
    html = client.post(SET_UP, {"intent": "code", "code": code}).content.decode()
    assert "This code has expired" in html
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_links_wait_a_day_after_an_administrator_changes_the_address(client, make_user, personas):
    user = make_user(Role.SCREENER)
    before = urlsplit(accounts.enrolment_link(user)).path
    user.email = "somewhere.else@example.invalid"
    accounts.account_change(account=user, changed=["email"], actor=personas["administrator"])
    assert "This link does not work" in client.get(before).content.decode()
    # A link made now (with the new address) does not work during the hold either, nor is one sent.
    assert "This link does not work" in client.get(urlsplit(accounts.enrolment_link(user)).path).content.decode()
    client.force_login(user)
    html = client.post(SET_UP, {"intent": "send_link"}).content.decode()
    assert "no link is sent to it until" in html
    type(user).objects.filter(pk=user.pk).update(email_changed_at=timezone.now() - timedelta(hours=25))
    user.refresh_from_db()
    assert client.get(urlsplit(accounts.enrolment_link(user)).path)["Location"] == SET_UP

"""A fresh sign-in for sensitive actions (core/reauth.py): restricting or lifting, merging children,
role and team changes in the admin, and exports that name children ask for the password (and a
current security code, for anyone with an authenticator app) again when the last check is older than
REAUTH_FRESH_MINUTES; then the user is back where they were, with anything typed kept."""

import time
from urllib.parse import urlencode

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.reauth import FRESH_AT, SAVED_FORM
from tests.core.test_sign_in import code_for
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db
CONFIRM = reverse("core:reauth")
HOME = reverse("core:home")


def stale(client: Client, minutes: int = 16) -> Client:
    """The session last proved who its user is `minutes` ago."""
    session = client.session
    session[FRESH_AT] = int(time.time()) - minutes * 60
    session.save()
    return client


def signed_in(user, *, device=None, minutes: int = 16) -> Client:
    client = Client()
    client.force_login(user)
    if device is not None:  # passed the second step at sign-in
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return stale(client, minutes)


def confirm_target(url: str) -> str:
    return f"{CONFIRM}?{urlencode({'next': url})}"


@pytest.fixture(autouse=True)
def no_otp_throttle(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


@pytest.fixture
def world(rich_world):
    return rich_world


def sensitive_pages(w) -> list[tuple[str, str, str]]:
    """(persona who may use it, URL, method) of every sensitive page of the service's own apps."""
    case, child = w["case"], w["child"]
    return [
        ("group_manager", reverse("contacts:child_restriction", args=[child.pk]), "get"),
        ("group_manager", reverse("contacts:child_restriction", args=[child.pk]), "post"),
        ("screener", reverse("contacts:child_merge", args=[child.pk]), "get"),
        ("administrator", reverse("contacts:merge_detail", args=[w["merge"].pk]), "post"),
        ("screener", reverse("contacts:mace_export", args=[w["mace"].pk]), "get"),
        ("cate_worker", reverse("cate:gp_letter_pdf", args=[case.pk, w["gp_letter"].pk]), "get"),
        ("cate_worker", reverse("riskpanel:safety_plan_pdf", args=[w["safety_plan"].pk]), "get"),
        ("team_leader", reverse("riskpanel:minutes_pdf", args=[w["meeting"].pk]), "get"),
        ("administrator", reverse("admin:core_user_change", args=[w.personas["screener"].pk]), "get"),
        ("administrator", reverse("admin:core_user_add"), "get"),
        ("administrator", reverse("admin:core_user_changelist"), "post"),  # the list's actions
        ("administrator", reverse("admin:core_team_change", args=[w.personas["cate_worker"].team_id]), "get"),
        ("administrator", reverse("admin:auth_group_change", args=[w.personas["screener"].groups.first().pk]), "get"),
    ]


def test_every_sensitive_page_sends_a_stale_session_to_confirm_and_a_fresh_one_through(world):
    for persona, url, method in sensitive_pages(world):
        user = world.personas[persona]
        client = signed_in(user)
        response = getattr(client, method)(url)
        assert response.status_code == 302, (url, method, response.status_code)
        assert response["Location"] == confirm_target(url), (url, method)
        fresh = signed_in(user, minutes=14)
        response = getattr(fresh, method)(url)
        assert not (response.status_code == 302 and response["Location"].startswith(CONFIRM)), (url, method)


def test_reading_a_merge_or_the_accounts_list_is_not_sensitive(world):
    client = signed_in(world.personas["administrator"])
    assert client.get(reverse("contacts:merge_detail", args=[world["merge"].pk])).status_code == 200
    assert client.get(reverse("admin:core_user_changelist")).status_code == 200


def test_a_session_that_never_proved_itself_is_stale(world):
    client = Client()
    client.force_login(world.personas["group_manager"])
    session = client.session
    del session[FRESH_AT]  # a session from before this check existed
    session.save()
    url = reverse("contacts:child_restriction", args=[world["child"].pk])
    assert client.get(url)["Location"] == confirm_target(url)


def test_signing_in_is_a_fresh_check(world):
    client = Client()
    username = world.personas["group_manager"].username
    response = client.post(reverse("core:login"), {"username": username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("contacts:child_restriction", args=[world["child"].pk])).status_code == 200


def test_the_window_is_a_setting(world, settings):
    url = reverse("contacts:child_restriction", args=[world["child"].pk])
    client = signed_in(world.personas["group_manager"], minutes=10)
    assert client.get(url).status_code == 200
    settings.REAUTH_FRESH_MINUTES = 5
    assert client.get(url)["Location"] == confirm_target(url)


def test_without_an_authenticator_the_password_alone_confirms(world):
    url = reverse("contacts:child_restriction", args=[world["child"].pk])
    client = signed_in(world.personas["group_manager"])
    page = client.get(confirm_target(url))
    html = page.content.decode()
    assert page.status_code == 200 and "Confirm it's you" in html
    assert 'name="password"' in html and 'name="token"' not in html

    html = client.post(CONFIRM, {"next": url, "password": ""}).content.decode()
    assert "Error: Confirm it" in html and "Enter your password" in html
    html = client.post(CONFIRM, {"next": url, "password": "not-my-password"}).content.decode()
    assert "Enter your correct password" in html
    assert client.get(url)["Location"] == confirm_target(url)  # still stale

    old_key = client.session.session_key
    response = client.post(CONFIRM, {"next": url, "password": TEST_PASSWORD})
    assert response.status_code == 302 and response["Location"] == url
    assert client.session.session_key != old_key  # a new session key after proving it again
    assert client.get(url).status_code == 200


def test_with_an_authenticator_a_current_code_is_needed_as_well(world):
    user = world.personas["group_manager"]
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    url = reverse("contacts:mace_export", args=[world["mace"].pk])
    client = signed_in(world.personas["screener"])  # no app: password alone
    assert client.post(CONFIRM, {"next": url, "password": TEST_PASSWORD})["Location"] == url

    url = reverse("contacts:child_restriction", args=[world["child"].pk])
    client = signed_in(user, device=device)
    assert client.get(url)["Location"] == confirm_target(url)
    html = client.get(confirm_target(url)).content.decode()
    assert 'name="password"' in html and 'name="token"' in html

    html = client.post(CONFIRM, {"next": url, "password": TEST_PASSWORD}).content.decode()
    assert "Enter the security code" in html
    html = client.post(CONFIRM, {"next": url, "password": TEST_PASSWORD, "token": "000000"}).content.decode()
    if code_for(device) != "000000":
        assert "The security code is not right" in html
        assert client.get(url)["Location"] == confirm_target(url)
    # The right code with the wrong password does not confirm (and the code is not spent).
    html = client.post(CONFIRM, {"next": url, "password": "wrong", "token": code_for(device)}).content.decode()
    assert "Enter your correct password" in html

    response = client.post(CONFIRM, {"next": url, "password": TEST_PASSWORD, "token": code_for(device)})
    assert response.status_code == 302 and response["Location"] == url
    assert client.get(url).status_code == 200


def test_wrong_answers_count_towards_the_sign_in_lockout(world):
    user = world.personas["group_manager"]
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = signed_in(user, device=device)
    url = reverse("contacts:child_restriction", args=[world["child"].pk])
    client.post(CONFIRM, {"next": url, "password": "wrong", "token": "123456"})
    client.post(CONFIRM, {"next": url, "password": TEST_PASSWORD, "token": "999999x"})
    attempt = AccessAttempt.objects.get(username=user.username)
    assert attempt.failures_since_start == 2  # a wrong password and a wrong code each count

    for _ in range(django_settings.AXES_FAILURE_LIMIT - 3):
        client.post(CONFIRM, {"next": url, "password": "wrong", "token": "123456"})
    response = client.post(CONFIRM, {"next": url, "password": "wrong", "token": "123456"})
    assert response.status_code == 429  # the lockout page
    assert client.get(HOME)["Location"].startswith(reverse("core:login"))  # signed out
    # Locked out of sign-in as well, even with the right password.
    again = Client().post(reverse("core:login"), {"username": user.username, "password": TEST_PASSWORD})
    assert again.status_code == 429


def test_confirming_clears_earlier_failures_as_signing_in_does(world):
    user = world.personas["group_manager"]
    client = signed_in(user)
    client.post(CONFIRM, {"password": "wrong"})
    assert AccessAttempt.objects.filter(username=user.username).exists()
    client.post(CONFIRM, {"password": TEST_PASSWORD})
    assert not AccessAttempt.objects.filter(username=user.username).exists()


def test_a_stale_post_is_not_run_and_what_was_typed_comes_back_after_confirming(world):
    child = world["child"]
    url = reverse("contacts:child_restriction", args=[child.pk])
    client = signed_in(world.personas["group_manager"], minutes=14)
    version = client.get(url).context["form"]["version"].value()
    stale(client)
    typed = {"is_restricted": "yes", "reason": "Typed before the window passed", "version": version}
    response = client.post(url, typed)
    assert response["Location"] == confirm_target(url)
    child.refresh_from_db()
    assert not child.is_restricted  # nothing was done
    assert "csrfmiddlewaretoken" not in client.session[SAVED_FORM]["data"]

    client.post(CONFIRM, {"next": url, "password": TEST_PASSWORD})
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Typed before the window passed" in html and "Check what you entered and send it again" in html
    child.refresh_from_db()
    assert not child.is_restricted  # shown again, never replayed
    assert SAVED_FORM not in client.session
    assert "Typed before the window passed" not in client.get(url).content.decode()  # kept once only

    response = client.post(url, {**typed, "staff": [world.personas["group_manager"].pk]})
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.is_restricted


def test_what_was_typed_on_one_page_never_fills_another(world):
    client = signed_in(world.personas["group_manager"])
    url = reverse("contacts:child_restriction", args=[world["child"].pk])
    client.post(url, {"is_restricted": "yes", "reason": "For the restriction page only"})
    client.post(CONFIRM, {"password": TEST_PASSWORD})
    other = reverse("contacts:child_restriction", args=[world["referred_child"].pk])
    assert "For the restriction page only" not in client.get(other).content.decode()
    assert SAVED_FORM not in client.session


def test_confirming_never_sends_the_user_to_another_site(world):
    client = signed_in(world.personas["group_manager"])
    response = client.post(f"{CONFIRM}?next=//evil.example/", {"password": TEST_PASSWORD})
    assert response["Location"] == HOME


def test_the_confirm_page_is_for_signed_in_users_only():
    response = Client().get(CONFIRM)
    assert response["Location"].startswith(reverse("core:login"))


def test_an_admin_role_change_asks_first_and_changes_nothing_until_then(world):
    admin_user = world.personas["administrator"]
    screener = world.personas["screener"]
    url = reverse("admin:core_user_change", args=[screener.pk])
    client = signed_in(admin_user)
    groups_before = set(screener.groups.values_list("pk", flat=True))
    response = client.post(url, {"username": screener.username, "groups": []})
    assert response["Location"] == confirm_target(url)
    assert set(screener.groups.values_list("pk", flat=True)) == groups_before
    client.post(CONFIRM, {"next": url, "password": TEST_PASSWORD})
    assert client.get(url).status_code == 200

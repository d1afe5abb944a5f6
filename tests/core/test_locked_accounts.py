"""Lockout after repeated failures, and its unlock by an administrator with a reason."""

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from core import services
from core.roles import Role
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db
SIGN_IN = reverse("core:login")
LOCKED = reverse("core:locked_accounts")


def lock_out(username: str) -> Client:
    client = Client()
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        client.post(SIGN_IN, {"username": username, "password": "wrong"})
    assert client.post(SIGN_IN, {"username": username, "password": TEST_PASSWORD}).status_code == 429
    return client


def test_administrator_sees_the_locked_account_and_unlocks_it_with_a_reason(make_user, client_for):
    screener = make_user(Role.SCREENER, username="locked_screener")
    make_user(Role.SCREENER, username="fine_screener")
    Client().post(SIGN_IN, {"username": "fine_screener", "password": "wrong"})  # one failure: not locked
    locked_client = lock_out("locked_screener")
    admin = make_user(Role.ADMINISTRATOR, username="the_admin", is_staff=True)
    client = client_for(admin)

    html = client.get(LOCKED).content.decode()
    assert "locked_screener" in html and "fine_screener" not in html
    assert "1 locked account" in html

    # No reason: a GOV.UK error, nothing unlocked.
    html = client.post(LOCKED, {"username": "locked_screener", "reason": " "}).content.decode()
    assert "govuk-error-summary" in html and "Enter why you are unlocking this account" in html
    assert locked_client.post(SIGN_IN, {"username": "locked_screener", "password": TEST_PASSWORD}).status_code == 429

    response = client.post(LOCKED, {"username": "locked_screener", "reason": "Identity checked by phone"}, follow=True)
    assert "locked_screener can sign in again" in response.content.decode()
    assert "No account is locked out" in response.content.decode()
    assert locked_client.post(SIGN_IN, {"username": "locked_screener", "password": TEST_PASSWORD}).status_code == 302

    lifted = screener.history.get(history_change_reason__startswith="Sign-in lockout lifted")
    assert lifted.history_user == admin
    assert lifted.history_change_reason == "Sign-in lockout lifted: Identity checked by phone"


def test_unlocking_an_account_that_is_not_locked_changes_nothing(make_user, client_for):
    screener = make_user(Role.SCREENER, username="not_locked")
    before = screener.history.count()
    client = client_for(make_user(Role.ADMINISTRATOR, is_staff=True))
    response = client.post(LOCKED, {"username": "not_locked", "reason": "Asked to"}, follow=True)
    assert "not_locked was not locked out" in response.content.decode()
    assert screener.history.count() == before


@pytest.mark.parametrize("role", [Role.SCREENER, Role.GROUP_MANAGER, Role.TEAM_LEADER, Role.AUDITOR])
def test_only_administrators_unlock(make_user, client_for, role):
    lock_out_target = make_user(Role.SCREENER, username="target")
    lock_out("target")
    client = client_for(make_user(role))
    assert client.get(LOCKED).status_code == 403
    assert client.post(LOCKED, {"username": "target", "reason": "x"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.account_unlock(username="target", actor=make_user(role), reason="x")
    assert lock_out_target.history.filter(history_change_reason__startswith="Sign-in lockout").count() == 0


def test_signed_out_visitors_are_sent_to_sign_in():
    response = Client().get(LOCKED)
    assert response.status_code == 302 and response.url.startswith(SIGN_IN)

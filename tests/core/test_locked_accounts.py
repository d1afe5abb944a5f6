"""Lockout after repeated failures, and its unlock with a reason: by an administrator for anyone, by a
team leader or manager for their own staff (core.permissions.can_unlock_account)."""

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


def lock_out_and_check_still_locked(username: str) -> bool:
    """Whether `username` is still refused, right password and all, from the address it was locked from."""
    return Client().post(SIGN_IN, {"username": username, "password": TEST_PASSWORD}).status_code == 429


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


@pytest.mark.parametrize("role", [Role.SCREENER, Role.CATE_WORKER, Role.AUDITOR, Role.PARTNER])
def test_staff_who_manage_no_one_do_not_unlock(make_user, role):
    lock_out_target = make_user(Role.SCREENER, username="target")
    lock_out("target")
    client = Client()
    actor = make_user(role)
    client.force_login(actor)
    assert client.get(LOCKED).status_code == 403
    assert client.post(LOCKED, {"username": "target", "reason": "x"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.account_unlock(username="target", actor=actor, reason="x")
    assert lock_out_target.history.filter(history_change_reason__startswith="Sign-in lockout").count() == 0


@pytest.mark.parametrize("role", [Role.TEAM_LEADER, Role.FC_MANAGER])
def test_a_team_leader_or_manager_unlocks_a_member_of_their_own_team_with_a_reason(make_user, client_for, role):
    from tests.factories.core import TeamFactory

    team = TeamFactory(name="Front door team")
    other_team = TeamFactory(name="Another team")
    member = make_user(Role.CATE_WORKER, username="team_member", team=team)
    make_user(Role.CATE_WORKER, username="not_in_team", team=other_team)
    locked_client = lock_out("team_member")
    lock_out("not_in_team")
    leader = make_user(role, username="the_leader", team=team)
    client = client_for(leader)

    html = client.get(LOCKED).content.decode()
    assert "team_member" in html and "not_in_team" not in html, "only their own staff are listed"
    assert "Addresses held back" not in html, "addresses are for administrators"

    # Someone else's member of staff answers as an account that is not there, and stays locked.
    assert client.post(LOCKED, {"username": "not_in_team", "reason": "Asked to"}).status_code == 404
    assert lock_out_and_check_still_locked("not_in_team")

    response = client.post(LOCKED, {"username": "team_member", "reason": "Checked in person"}, follow=True)
    assert "team_member can sign in again" in response.content.decode()
    assert locked_client.post(SIGN_IN, {"username": "team_member", "password": TEST_PASSWORD}).status_code == 302
    lifted = member.history.get(history_change_reason__startswith="Sign-in lockout lifted")
    assert lifted.history_user == leader
    assert lifted.history_change_reason == "Sign-in lockout lifted: Checked in person"


def test_a_group_manager_unlocks_the_staff_of_their_own_agency(make_user, client_for, police_agency):
    worker = make_user(Role.CATE_WORKER, username="council_worker")
    make_user(Role.PARTNER, username="police_officer", agency=police_agency)
    lock_out("council_worker")
    lock_out("police_officer")
    manager = make_user(Role.GROUP_MANAGER, username="head_of_service")
    client = client_for(manager)
    html = client.get(LOCKED).content.decode()
    assert "council_worker" in html and "police_officer" not in html
    assert client.post(LOCKED, {"username": "police_officer", "reason": "x"}).status_code == 404
    client.post(LOCKED, {"username": "council_worker", "reason": "Rang from the office"})
    assert worker.history.filter(history_change_reason="Sign-in lockout lifted: Rang from the office").exists()
    assert lock_out_and_check_still_locked("police_officer")


def test_nobody_but_an_administrator_unlocks_their_own_account(make_user):
    from tests.factories.core import TeamFactory

    team = TeamFactory(name="CATE east")
    leader = make_user(Role.TEAM_LEADER, username="locked_leader", team=team)
    lock_out("locked_leader")
    with pytest.raises(PermissionDenied):
        services.account_unlock(username="locked_leader", actor=leader, reason="Me")


def test_signed_out_visitors_are_sent_to_sign_in():
    response = Client().get(LOCKED)
    assert response.status_code == 302 and response.url.startswith(SIGN_IN)

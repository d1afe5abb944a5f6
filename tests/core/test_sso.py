"""Single sign-on against a real OpenID Connect provider (oidc-provider-mock in its own process,
tests/oidc_provider.py): the sign-in, tampered and replayed answers, accounts and roles from the
provider's groups at sign-in and during the session, the second factor, re-authentication,
sign-out and back-channel logout, and a provider that is down."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import accounts, sso
from core.choices import AgencyKind
from core.models import ExternalIdentity, GroupMapping, SingleSignOnInvitation, User
from core.reauth import FRESH_AT
from core.roles import Role
from tests.factories import AgencyFactory, TeamFactory, UserFactory
from tests.factories.core import TEST_PASSWORD
from tests.oidc_provider import ProviderProcess, free_port, new_key, query_of

pytestmark = pytest.mark.django_db
CLIENT_ID = "cate-pathway-test"
WORKERS, LEADERS = "grp-cate-workers", "grp-cate-leaders"


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    process = ProviderProcess(tmp_path_factory.mktemp("oidc")).start()
    yield process
    process.stop()


def configure(settings, issuer: str) -> None:
    settings.OIDC_PROVIDERS = {
        "council": {
            "label": "Council account",
            "issuer": issuer,
            "client_id": CLIENT_ID,
            "client_secret": "test-secret",
            "agency": "Children's Services",
        }
    }
    settings.REAUTH_URL = "core:sso_reauth"


@pytest.fixture
def council(settings, provider):
    configure(settings, provider.url)
    agency = AgencyFactory(name="Children's Services", kind=AgencyKind.COUNCIL)
    team = TeamFactory(name="CATE team", agency=agency)
    administrator = UserFactory(username="admin1", role=Role.ADMINISTRATOR, is_staff=True)
    manager = UserFactory(username="gm1", role=Role.GROUP_MANAGER)
    for group, role, with_team in ((WORKERS, Role.CATE_WORKER, team), (LEADERS, Role.TEAM_LEADER, None)):
        change = sso.group_mapping_propose(
            provider_key="council",
            action="add",
            group=group,
            role=Group.objects.get(name=role.label),
            team=with_team,
            reason="The council's group",
            actor=administrator,
        )
        sso.group_mapping_decide(change=change, approve=True, reason="", actor=manager)
    return SimpleNamespace(agency=agency, team=team, administrator=administrator, manager=manager)


def start(client: Client, provider: ProviderProcess, *, next_url: str = "") -> str:
    url = reverse("core:sso_start", args=["council"]) + (f"?next={next_url}" if next_url else "")
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(provider.url), response
    return response["Location"]


def sign_in(client: Client, provider: ProviderProcess, sub: str, **kwargs):
    back = provider.authorize(start(client, provider, **kwargs), sub)
    return client.get(back)


def roles_of(user) -> set[str]:
    return set(User.objects.get(pk=user.pk).groups.values_list("name", flat=True))


def signed_in_user(client: Client):
    return client.get(reverse("core:home")).wsgi_request.user


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


# --- The flow --------------------------------------------------------------------------------


def test_the_authorization_request_uses_the_code_flow_with_pkce_state_and_nonce(council, provider):
    query = query_of(start(Client(), provider))
    assert query["response_type"] == "code" and query["client_id"] == CLIENT_ID
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) >= 43
    assert len(query["state"]) >= 20 and len(query["nonce"]) >= 20
    assert "openid" in query["scope"].split()
    assert query["redirect_uri"] == "http://testserver" + reverse("core:sso_callback", args=["council"])


def test_a_member_of_a_mapped_group_is_signed_in_with_an_account_made_from_the_mapping(council, provider):
    provider.set_user("alice-sub", email="alice@council.example", preferred_username="alice", groups=[WORKERS])
    client = Client()
    response = sign_in(client, provider, "alice-sub")
    assert response.status_code == 302 and response["Location"] == reverse("core:home")
    assert provider.last_pkce() == "verified"  # the provider checked our code verifier
    user = signed_in_user(client)
    assert user.is_authenticated and user.username == "alice"
    assert roles_of(user) == {Role.CATE_WORKER.label}
    assert user.team == council.team and user.agency == council.agency
    identity = ExternalIdentity.objects.get(user=user)
    assert (identity.issuer, identity.subject) == (provider.url, "alice-sub")
    assert not user.has_usable_password()
    assert user.history.first().history_change_reason.startswith("Access from Council account groups")
    # The same person again: the same account, matched by issuer and subject.
    again = Client()
    sign_in(again, provider, "alice-sub")
    assert signed_in_user(again).pk == user.pk and User.objects.filter(username__startswith="alice").count() == 1


@pytest.mark.parametrize("mode", ["forged", "wrong_aud", "expired", "wrong_iss", "wrong_nonce"])
def test_a_tampered_id_token_is_refused(council, provider, mode):
    provider.set_user("mallory-sub", email="m@council.example", groups=[LEADERS], amr=["mfa"])
    client = Client()
    provider.tamper_next(mode)
    response = sign_in(client, provider, "mallory-sub")
    assert response.status_code == 302 and response["Location"] == reverse("core:login")
    assert "refused" in " ".join(messages_of(response))
    assert not signed_in_user(client).is_authenticated
    assert not ExternalIdentity.objects.filter(subject="mallory-sub").exists()
    # The provider's untampered answer is accepted: what was refused was the tampering.
    assert sign_in(client, provider, "mallory-sub")["Location"] == reverse("core:home")


def test_a_replayed_state_is_refused(council, provider):
    provider.set_user("bob-sub", groups=[WORKERS], amr=["mfa"])
    client = Client()
    back = provider.authorize(start(client, provider), "bob-sub")
    assert client.get(back)["Location"] == reverse("core:home")
    client.post(reverse("core:logout"))
    replay = client.get(back)
    assert replay["Location"] == reverse("core:login")
    assert "already been used" in " ".join(messages_of(replay))
    assert not signed_in_user(client).is_authenticated
    # Nor in another browser, which never started a sign-in.
    stranger = Client()
    back = provider.authorize(start(Client(), provider), "bob-sub")
    assert stranger.get(back)["Location"] == reverse("core:login")
    assert not signed_in_user(stranger).is_authenticated


def test_a_code_injected_into_another_browser_s_sign_in_is_refused(council, provider):
    """PKCE: a code issued for the victim's sign-in, sent to the callback of a sign-in the attacker
    started, is exchanged with the attacker's verifier, and the provider refuses it."""
    provider.set_user("victim-sub", groups=[LEADERS], amr=["mfa"])
    victim, attacker = Client(), Client()
    stolen = query_of(provider.authorize(start(victim, provider), "victim-sub"))["code"]
    own_state = query_of(start(attacker, provider))["state"]
    callback = reverse("core:sso_callback", args=["council"])
    response = attacker.get(callback, {"code": stolen, "state": own_state})
    assert response["Location"] == reverse("core:login") and provider.last_pkce() == "failed"
    assert not signed_in_user(attacker).is_authenticated


def test_a_person_in_no_mapped_group_gets_no_account(council, provider):
    provider.set_user("carol-sub", email="carol@council.example", groups=["grp-finance"])
    client = Client()
    response = sign_in(client, provider, "carol-sub")
    assert response["Location"] == reverse("core:login")
    assert "not in any group" in " ".join(messages_of(response))
    assert not User.objects.filter(email="carol@council.example").exists()
    assert not signed_in_user(client).is_authenticated


def test_a_local_account_is_linked_only_when_invited_never_by_e_mail_alone(council, provider):
    local = UserFactory(username="dave", email="dave@council.example", role=Role.SCREENER)
    provider.set_user("dave-sub", email="dave@council.example", groups=[WORKERS], amr=["mfa"])
    client = Client()
    sign_in(client, provider, "dave-sub")
    other = signed_in_user(client)
    assert other.pk != local.pk  # same address, not invited: a new account of its own
    assert local.has_usable_password() and roles_of(local) == {Role.SCREENER.label}

    sso.sso_invitation_create(
        account=local, provider_key="council", email="Eve@Council.example", actor=council.administrator
    )
    provider.set_user("eve-sub", email="eve@council.example", groups=[LEADERS], amr=["mfa"])
    local.email = "eve@council.example"
    local.save()
    client = Client()
    sign_in(client, provider, "eve-sub")
    assert signed_in_user(client).pk == local.pk
    local.refresh_from_db()
    assert not local.has_usable_password()  # the local password stops once linked
    assert roles_of(local) == {Role.TEAM_LEADER.label}  # from the groups, the hand-given role gone
    assert SingleSignOnInvitation.objects.get(user=local).used_at is not None
    # The invitation is used once: another provider account with the address is not linked to it.
    provider.set_user("eve-2-sub", email="eve@council.example", groups=[LEADERS], amr=["mfa"])
    third = Client()
    sign_in(third, provider, "eve-2-sub")
    assert signed_in_user(third).pk != local.pk


def test_an_administrator_gives_no_roles_by_hand_to_a_provider_user(council, provider):
    provider.set_user("fay-sub", groups=[WORKERS], amr=["mfa"])
    client = Client()
    sign_in(client, provider, "fay-sub")
    user = signed_in_user(client)
    with pytest.raises(ValidationError, match="groups"):
        accounts.account_roles_set(
            account=user, groups=[Group.objects.get(name=Role.GROUP_MANAGER.label)], actor=council.administrator
        )
    assert roles_of(user) == {Role.CATE_WORKER.label}


def test_a_linked_account_cannot_sign_in_with_a_local_password(council, provider):
    local = UserFactory(username="gail", email="gail@council.example")
    sso.sso_invitation_create(account=local, provider_key="council", email=local.email, actor=council.administrator)
    provider.set_user("gail-sub", email=local.email, groups=[WORKERS], amr=["mfa"])
    sign_in(Client(), provider, "gail-sub")
    local.set_password(TEST_PASSWORD)  # even were a password set again somehow
    local.save()
    client = Client()
    response = client.post(reverse("core:login"), {"username": "gail", "password": TEST_PASSWORD})
    assert response.status_code == 200 and not signed_in_user(client).is_authenticated


# --- Groups change -----------------------------------------------------------------------------


def test_a_group_change_between_sign_ins_changes_the_roles(council, provider):
    provider.set_user("hal-sub", groups=[WORKERS], amr=["mfa"])
    client = Client()
    sign_in(client, provider, "hal-sub")
    user = signed_in_user(client)
    assert roles_of(user) == {Role.CATE_WORKER.label}
    provider.set_user("hal-sub", groups=[LEADERS], amr=["mfa"])
    client = Client()
    sign_in(client, provider, "hal-sub")
    assert roles_of(user) == {Role.TEAM_LEADER.label}
    user.refresh_from_db()
    assert user.team is None
    reasons = [row.history_change_reason for row in user.history.all()[:1]]
    assert "added CATE team leader; removed CATE worker" in reasons[0]


def _age_the_check(client: Client) -> None:
    session = client.session
    data = session[sso.SESSION_KEY]
    data["checked_at"] = int(time.time()) - 16 * 60
    session[sso.SESSION_KEY] = data
    session.save()


def test_a_group_change_during_a_session_takes_effect_at_the_next_check(council, provider):
    provider.set_user("ivy-sub", groups=[WORKERS], amr=["mfa"])
    client = Client()
    sign_in(client, provider, "ivy-sub")
    user = signed_in_user(client)
    provider.set_user("ivy-sub", groups=[WORKERS, LEADERS], amr=["mfa"])
    assert client.get(reverse("core:home")).status_code == 200  # not yet: within the interval
    assert roles_of(user) == {Role.CATE_WORKER.label}
    _age_the_check(client)
    assert client.get(reverse("core:home")).status_code == 200
    assert roles_of(user) == {Role.CATE_WORKER.label, Role.TEAM_LEADER.label}

    provider.set_user("ivy-sub", groups=["grp-finance"], amr=["mfa"])
    _age_the_check(client)
    response = client.get(reverse("core:home"))
    assert response["Location"] == reverse("core:login")
    assert "not in any group" in " ".join(messages_of(response))
    assert roles_of(user) == set()
    assert not signed_in_user(client).is_authenticated


def test_a_person_the_provider_switched_off_loses_access_at_the_next_check(council, provider):
    provider.set_user("jim-sub", groups=[WORKERS], amr=["mfa"])
    client = Client()
    sign_in(client, provider, "jim-sub")
    provider.revoke("jim-sub")
    _age_the_check(client)
    response = client.get(reverse("core:home"))
    assert response["Location"] == reverse("core:login")
    assert not signed_in_user(client).is_authenticated


def test_a_provider_that_cannot_be_asked_during_the_session_ends_it(council, provider, settings):
    provider.set_user("lou-sub", groups=[WORKERS], amr=["mfa"])
    client = Client()
    sign_in(client, provider, "lou-sub")
    configure(settings, f"http://127.0.0.1:{free_port()}")  # the provider is now unreachable
    _age_the_check(client)
    response = client.get(reverse("core:home"))
    assert response["Location"] == reverse("core:login")
    assert "could not check your account" in " ".join(messages_of(response))


def test_an_account_switched_off_here_is_not_signed_in_by_the_provider(council, provider):
    provider.set_user("max-sub", groups=[WORKERS], amr=["mfa"])
    client = Client()
    sign_in(client, provider, "max-sub")
    user = signed_in_user(client)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert not signed_in_user(client).is_authenticated
    response = sign_in(Client(), provider, "max-sub")
    assert response["Location"] == reverse("core:login") and "switched off" in " ".join(messages_of(response))


def test_the_re_check_interval_is_configurable(council, provider, settings):
    settings.OIDC_RECHECK_MINUTES = 60
    provider.set_user("kim-sub", groups=[WORKERS], amr=["mfa"])
    client = Client()
    sign_in(client, provider, "kim-sub")
    provider.revoke("kim-sub")
    _age_the_check(client)  # 16 minutes: within the hour
    assert client.get(reverse("core:home")).status_code == 200


# --- The mapping changes only when a group manager approves --------------------------------------


def test_a_mapping_change_takes_effect_only_when_a_group_manager_approves(council, provider):
    administrator = council.administrator
    provider.set_user("admin-sub", groups=["grp-admins"], amr=["mfa"])
    change = sso.group_mapping_propose(
        provider_key="council",
        action="add",
        group="grp-admins",
        role=Group.objects.get(name=Role.GROUP_MANAGER.label),
        reason="Give myself case access",
        actor=administrator,
    )
    assert not GroupMapping.objects.filter(group="grp-admins").exists()
    assert "not in any group" in " ".join(messages_of(sign_in(Client(), provider, "admin-sub")))
    with pytest.raises(PermissionDenied):  # administrators do not decide
        sso.group_mapping_decide(change=change, approve=True, reason="", actor=administrator)
    both = UserFactory(username="both", role=Role.GROUP_MANAGER)
    both.groups.add(Group.objects.get(name=Role.ADMINISTRATOR.label))
    own = sso.group_mapping_propose(
        provider_key="council", action="add", group="grp-x", role=Group.objects.get(name=Role.AUDITOR.label),
        reason="Mine", actor=both,
    )  # fmt: skip
    with pytest.raises(PermissionDenied):  # nobody decides their own proposal
        sso.group_mapping_decide(change=own, approve=True, reason="", actor=both)
    with pytest.raises(ValidationError):
        sso.group_mapping_decide(change=change, approve=False, reason="", actor=council.manager)
    sso.group_mapping_decide(change=change, approve=False, reason="Not a case role for IT", actor=council.manager)
    change.refresh_from_db()
    assert (change.status, change.decided_by, change.proposed_by) == ("rejected", council.manager, administrator)
    assert not GroupMapping.objects.filter(group="grp-admins").exists()
    with pytest.raises(ValidationError, match="already been decided"):
        sso.group_mapping_decide(change=change, approve=True, reason="", actor=council.manager)
    history = list(change.history.order_by("history_id").values_list("history_user", flat=True))
    assert history == [administrator.pk, council.manager.pk]


def test_the_mapping_pages(council, provider):
    admin_client, manager_client = Client(), Client()
    admin_client.force_login(council.administrator)
    manager_client.force_login(council.manager)
    role = Group.objects.get(name=Role.AUDITOR.label)
    response = admin_client.post(
        reverse("core:group_mappings"),
        {"provider": "council", "action": "add", "group": "grp-dpo", "role": role.pk, "reason": "The DPO"},
    )
    assert response.status_code == 302
    change = council.administrator and sso.GroupMappingChange.objects.get(group="grp-dpo")
    assert admin_client.post(change.get_absolute_url(), {"decision": "approve"}).status_code == 403
    page = manager_client.get(change.get_absolute_url())
    assert page.status_code == 200 and b"Record the decision" in page.content
    assert manager_client.post(change.get_absolute_url(), {"decision": "approve"}).status_code == 302
    assert GroupMapping.objects.filter(group="grp-dpo", role=role).exists()
    listing = manager_client.get(reverse("core:group_mappings"))
    assert b"grp-dpo" in listing.content and b"Propose a change" not in listing.content


# --- The second factor and re-authentication ---------------------------------------------------


def test_without_a_provider_asserted_second_factor_the_local_code_is_asked(council, provider):
    provider.set_user("lee-sub", groups=[WORKERS], amr=["pwd"])
    client = Client()
    sign_in(client, provider, "lee-sub")
    user = signed_in_user(client)
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = Client()
    response = sign_in(client, provider, "lee-sub")
    assert response["Location"].startswith(reverse("core:otp_verify"))
    assert client.get(reverse("core:home"))["Location"].startswith(reverse("core:otp_verify"))

    provider.set_user("lee-sub", groups=[WORKERS], amr=["pwd", "mfa"])
    client = Client()
    assert sign_in(client, provider, "lee-sub")["Location"] == reverse("core:home")
    assert client.get(reverse("core:home")).status_code == 200


def test_a_sensitive_action_sends_a_provider_user_to_sign_in_again_at_the_provider(council, provider):
    provider.set_user("mo-sub", groups=[LEADERS], amr=["mfa"])
    client = Client()
    sign_in(client, provider, "mo-sub")
    session = client.session
    session[FRESH_AT] = int(time.time()) - 3600
    session.save()
    target = reverse("core:home")
    response = client.get(reverse("core:sso_reauth") + f"?next={target}")
    query = query_of(response["Location"])
    assert response["Location"].startswith(provider.url)
    assert query["prompt"] == "login" and query["max_age"] == "0"
    # The provider signed the person in again just now (its auth_time): fresh, and back to the page.
    back = client.get(provider.authorize(response["Location"], "mo-sub"))
    assert back["Location"] == target and client.session[FRESH_AT] >= time.time() - 5
    # A sign-in the provider says is old (it did not ask again) confirms nothing.
    session = client.session
    session[FRESH_AT] = int(time.time()) - 3600
    session.save()
    provider.set_user("mo-sub", groups=[LEADERS], amr=["mfa"], auth_time=int(time.time()) - 3600)
    response = client.get(reverse("core:sso_reauth") + f"?next={target}")
    back = client.get(provider.authorize(response["Location"], "mo-sub"))
    assert client.session[FRESH_AT] < time.time() - 3000 and back["Location"] == reverse("core:home")
    assert "did not ask you to sign in again" in " ".join(messages_of(back))
    # Someone else at the provider confirms nothing.
    provider.set_user("other-sub", groups=[LEADERS], amr=["mfa"], auth_time=int(time.time()))
    session = client.session
    session[FRESH_AT] = int(time.time()) - 3600
    session.save()
    response = client.get(reverse("core:sso_reauth") + f"?next={target}")
    client.get(provider.authorize(response["Location"], "other-sub"))
    assert client.session[FRESH_AT] < time.time() - 3000


def test_without_a_provider_asserted_second_factor_re_authentication_asks_the_local_code(council, provider):
    provider.set_user("nia-sub", groups=[LEADERS], amr=["pwd"])
    client = Client()
    sign_in(client, provider, "nia-sub")
    user = signed_in_user(client)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = Client()
    sign_in(client, provider, "nia-sub")
    client.post(reverse("core:otp_verify"), {"token": current_code(device)})
    session = client.session
    session[FRESH_AT] = int(time.time()) - 3600
    session.save()
    response = client.get(reverse("core:sso_reauth") + "?next=/")
    back = client.get(provider.authorize(response["Location"], "nia-sub"))
    assert back["Location"] == reverse("core:sso_reauth")
    assert client.session[FRESH_AT] < time.time() - 3000
    wrong = client.post(reverse("core:sso_reauth"), {"token": "000000"})
    assert wrong.status_code == 200 and b"not right" in wrong.content
    device.refresh_from_db()
    device.throttle_reset()  # django-otp holds the app back for a while after a wrong code
    done = client.post(reverse("core:sso_reauth"), {"token": current_code(device, later=True)})
    assert done["Location"] == "/" and client.session[FRESH_AT] >= time.time() - 5


def current_code(device, *, later: bool = False) -> str:
    from django_otp.oath import totp

    t0 = device.t0 - (device.step if later else 0)  # later: the next time step's code (the app's tolerance)
    return f"{totp(device.bin_key, step=device.step, t0=t0, digits=device.digits):06d}"


def test_a_local_break_glass_account_confirms_with_its_password(council):
    administrator = council.administrator
    client = Client()
    client.force_login(administrator)
    response = client.get(reverse("core:sso_reauth") + "?next=/")
    assert response.status_code == 200 and b'name="password"' in response.content
    done = client.post(reverse("core:sso_reauth"), {"next": "/", "password": TEST_PASSWORD})
    assert done["Location"] == "/" and client.session[FRESH_AT] >= time.time() - 5


# --- Signing out -------------------------------------------------------------------------------


def test_sign_out_ends_the_session_here_and_at_the_provider(council, provider):
    provider.set_user("ned-sub", groups=[WORKERS], amr=["mfa"])
    client = Client()
    sign_in(client, provider, "ned-sub")
    response = client.post(reverse("core:logout"))
    assert response["Location"].startswith(f"{provider.url}/oauth2/end_session")
    query = query_of(response["Location"])
    assert query["post_logout_redirect_uri"] == "http://testserver" + reverse("core:login")
    assert query["id_token_hint"].count(".") == 2 and query["client_id"] == CLIENT_ID
    assert not signed_in_user(client).is_authenticated


def test_back_channel_logout_ends_the_persons_sessions(council, provider):
    provider.set_user("olga-sub", groups=[WORKERS], amr=["mfa"])
    client, other = Client(), Client()
    sign_in(client, provider, "olga-sub")
    provider.set_user("pat-sub", groups=[WORKERS], amr=["mfa"])
    sign_in(other, provider, "pat-sub")
    url = reverse("core:sso_backchannel_logout", args=["council"])
    claims = {
        "iss": provider.url,
        "aud": CLIENT_ID,
        "iat": int(time.time()),
        "jti": "logout-1",
        "sub": "olga-sub",
        "events": {"http://schemas.openid.net/event/backchannel-logout": {}},
    }
    anyone = Client(enforce_csrf_checks=True)
    assert anyone.post(url, {"logout_token": provider.sign(claims, key=new_key())}).status_code == 400  # forged
    assert anyone.post(url, {"logout_token": provider.sign({**claims, "aud": "another"})}).status_code == 400
    assert anyone.post(url, {"logout_token": provider.sign({**claims, "nonce": "x"})}).status_code == 400
    assert signed_in_user(client).is_authenticated
    no_jti = {key: value for key, value in claims.items() if key != "jti"}
    assert anyone.post(url, {"logout_token": provider.sign(no_jti)}).status_code == 400
    assert signed_in_user(client).is_authenticated
    token = provider.sign(claims)
    assert anyone.post(url, {"logout_token": token}).status_code == 200
    assert not signed_in_user(client).is_authenticated
    assert signed_in_user(other).is_authenticated
    # The same token again (a replay) is refused and ends nothing, even after the person signed in again.
    sign_in(client, provider, "olga-sub")
    assert anyone.post(url, {"logout_token": token}).status_code == 400
    assert signed_in_user(client).is_authenticated


# --- A provider that is down ---------------------------------------------------------------------


def test_a_provider_that_is_down_gets_a_clear_page_and_break_glass_still_works(settings, db):
    configure(settings, f"http://127.0.0.1:{free_port()}")
    client = Client()
    response = client.get(reverse("core:sso_start", args=["council"]), follow=True)
    page = response.content.decode()
    assert response.status_code == 200 and response.redirect_chain[-1][0] == reverse("core:login")
    assert "Sign-in through Council account is not available right now" in page
    assert "break-glass" in page
    administrator = UserFactory(username="glass", role=Role.ADMINISTRATOR)
    signed = client.post(reverse("core:login"), {"username": "glass", "password": TEST_PASSWORD})
    assert signed.status_code == 302 and signed_in_user(client) == administrator


def test_unknown_provider_is_404(council):
    assert Client().get(reverse("core:sso_start", args=["nobody"])).status_code == 404


def test_invitations_expire(council, provider):
    local = UserFactory(username="quinn", email="quinn@council.example")
    invitation = sso.sso_invitation_create(
        account=local, provider_key="council", email=local.email, actor=council.administrator
    )
    invitation.expires_at = timezone.now()
    invitation.save()
    provider.set_user("quinn-sub", email=local.email, groups=[WORKERS], amr=["mfa"])
    client = Client()
    sign_in(client, provider, "quinn-sub")
    assert signed_in_user(client).pk != local.pk

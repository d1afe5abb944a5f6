"""Sign-in lockout that stops spraying, not only guessing (core/lockout.py on django-axes).

Each test makes its sign-ins from named addresses (the connecting address, or one a trusted proxy
names), tries the attack and asserts who can and cannot sign in afterwards. Time passing is the
recorded failures moving back in time.
"""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from core.lockout import client_ip_address, cool_off_for
from core.roles import Role
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db
SIGN_IN = reverse("core:login")
SPRAYED = "Winter2026!"  # the one password tried on every account
ATTACKER = "203.0.113.9"
OFFICE = "198.51.100.20"
HOME = "192.0.2.44"


def sign_in(client: Client, username: str, password: str = TEST_PASSWORD, **extra):
    return client.post(SIGN_IN, {"username": username, "password": password}, **extra)


def signed_in(client: Client) -> bool:
    return client.get(reverse("core:home")).status_code == 200


def time_passes(delta: timedelta) -> None:
    """Every recorded failure happened `delta` earlier."""
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= delta
        attempt.save(update_fields=["attempt_time"])


def test_spraying_one_password_across_50_usernames_from_one_address_is_throttled(make_user):
    limit = django_settings.SIGNIN_ADDRESS_USERNAME_LIMIT
    assert limit < 50
    usernames = [f"staff{n:02d}" for n in range(50)]
    victim = make_user(Role.SCREENER, username=usernames[30])
    victim.set_password(SPRAYED)  # one account among them has the sprayed password
    victim.save()
    attacker = Client(REMOTE_ADDR=ATTACKER)

    statuses = [sign_in(attacker, username, SPRAYED).status_code for username in usernames]

    assert statuses[: limit - 1] == [200] * (limit - 1), "each failure before the limit is an ordinary wrong password"
    assert statuses[limit - 1 :] == [429] * (50 - limit + 1), "throttled from the limit-th username to the end"
    assert not signed_in(attacker), "the account with the sprayed password was never reached"
    # Tries while throttled are refused before any password is checked and are not counted.
    assert AccessAttempt.objects.filter(ip_address=ATTACKER).values("username").distinct().count() == limit
    # The throttle holds the address for every username, a right password included...
    response = sign_in(attacker, usernames[30], SPRAYED)
    assert response.status_code == 429 and b"Too many failed sign-ins from your network" in response.content
    # ...and nobody elsewhere: the account's owner signs in from their own address.
    owner = Client(REMOTE_ADDR=HOME)
    assert sign_in(owner, usernames[30], SPRAYED).status_code == 302 and signed_in(owner)


def test_the_address_throttle_lifts_when_the_failures_leave_the_window(make_user):
    make_user(Role.SCREENER, username="office_worker")
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for n in range(django_settings.SIGNIN_ADDRESS_USERNAME_LIMIT):
        sign_in(attacker, f"guess{n}", SPRAYED)
    assert sign_in(attacker, "office_worker").status_code == 429
    time_passes(django_settings.SIGNIN_ADDRESS_WINDOW - timedelta(minutes=1))
    assert sign_in(attacker, "office_worker").status_code == 429
    time_passes(timedelta(minutes=2))
    assert sign_in(attacker, "office_worker").status_code == 302


def test_a_council_office_in_the_trusted_networks_has_a_higher_limit_not_none(make_user, settings):
    settings.SIGNIN_TRUSTED_NETWORKS = ["198.51.100.0/24"]
    settings.SIGNIN_TRUSTED_NETWORK_USERNAME_LIMIT = 25
    make_user(Role.SCREENER, username="careful")
    office = Client(REMOTE_ADDR=OFFICE)
    # A busy morning: 15 colleagues mistype their password once each (more than an untrusted address may).
    for n in range(15):
        assert sign_in(office, f"colleague{n}", "typo").status_code == 200
    assert sign_in(office, "careful").status_code == 302
    # Spraying from the office is still stopped, at the office's own limit...
    sprayer = Client(REMOTE_ADDR=OFFICE)
    statuses = [sign_in(sprayer, f"sprayed{n}", SPRAYED).status_code for n in range(20)]
    assert 429 in statuses and statuses.index(429) == 25 - 15 - 1
    # ...and guessing one account from the office still locks that account there.
    make_user(Role.SCREENER, username="guessed")
    guesser = Client(REMOTE_ADDR="198.51.100.99")
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        sign_in(guesser, "guessed", "wrong")
    assert sign_in(guesser, "guessed").status_code == 429


def test_a_named_colleague_cannot_be_locked_out_from_another_address(make_user):
    make_user(Role.CATE_WORKER, username="named_colleague")
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(django_settings.AXES_FAILURE_LIMIT * 4):
        sign_in(attacker, "named_colleague", "wrong")
    # From the attacker's address the account is locked, even to the right password...
    response = sign_in(attacker, "named_colleague")
    assert response.status_code == 429 and b"Your account is locked" in response.content
    assert not signed_in(attacker)
    # ...but the colleague, at their own address, signs in as usual.
    colleague = Client(REMOTE_ADDR=HOME)
    assert sign_in(colleague, "named_colleague").status_code == 302
    assert signed_in(colleague)


def test_the_cool_off_lets_a_locked_user_back_in_and_grows_with_each_further_failure(make_user):
    make_user(Role.SCREENER, username="forgetful")
    user = Client(REMOTE_ADDR=HOME)
    first = django_settings.SIGNIN_COOLOFF_FIRST
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        sign_in(user, "forgetful", "wrong")
    response = sign_in(user, "forgetful")
    assert response.status_code == 429
    # Tries while locked are not counted: they neither lengthen nor double the wait.
    for _ in range(3):
        sign_in(user, "forgetful", "wrong")
    assert AccessAttempt.objects.get(username="forgetful").failures_since_start == django_settings.AXES_FAILURE_LIMIT

    time_passes(first - timedelta(minutes=1))
    assert sign_in(user, "forgetful").status_code == 429, "still locked a minute before the cool-off ends"
    time_passes(timedelta(minutes=2))
    # One more wrong password after the lock ends locks again, for twice as long.
    assert sign_in(user, "forgetful", "wrong").status_code == 429
    time_passes(first + timedelta(minutes=1))
    assert sign_in(user, "forgetful").status_code == 429, "the second lock is twice the first"
    time_passes(first)
    assert sign_in(user, "forgetful").status_code == 302 and signed_in(user)
    assert not AccessAttempt.objects.filter(username="forgetful").exists(), "a sign-in clears the failures"


def test_the_cool_off_doubles_up_to_the_longest():
    limit, first, longest = (
        django_settings.AXES_FAILURE_LIMIT,
        django_settings.SIGNIN_COOLOFF_FIRST,
        django_settings.SIGNIN_COOLOFF_MAX,
    )
    assert [cool_off_for(limit + n) for n in range(3)] == [first, first * 2, first * 4]
    assert cool_off_for(limit + 40) == cool_off_for(limit + 10_000) == longest
    assert longest <= django_settings.AXES_COOLOFF_TIME, "failures are remembered as long as the longest lock"


def test_the_locked_page_says_until_when_in_london_time(make_user):
    make_user(Role.SCREENER, username="told_when")
    user = Client(REMOTE_ADDR=HOME)
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        response = sign_in(user, "told_when", "wrong")
    html = response.content.decode()
    attempt = AccessAttempt.objects.get(username="told_when")
    until = timezone.localtime(attempt.attempt_time + django_settings.SIGNIN_COOLOFF_FIRST)
    assert f"until {until:%H:%M} on {until.day} {until:%B %Y}" in html
    assert "team leader, your manager or your system administrator" in html


# --- The client's address: a trusted proxy's header only --------------------------------------


def _request(remote: str, forwarded: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().post(SIGN_IN, REMOTE_ADDR=remote, **extra)


def test_the_client_address_comes_from_the_configured_proxy_header_only(settings):
    # Not configured: a header anyone can send is ignored.
    assert client_ip_address(_request("198.51.100.1", "192.0.2.1")) == "198.51.100.1"
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    # Through the proxy: the address it saw, not what the client wrote to the left of it.
    assert client_ip_address(_request("10.0.0.5", "6.6.6.6, 203.0.113.9")) == "203.0.113.9"
    assert client_ip_address(_request("10.0.0.5", "203.0.113.9, 10.0.0.7")) == "203.0.113.9"
    # Straight to the app, not through the proxy: the header is not believed.
    assert client_ip_address(_request("198.51.100.1", "192.0.2.1")) == "198.51.100.1"
    # A proxy that sent no usable header: its own address.
    assert client_ip_address(_request("10.0.0.5")) == "10.0.0.5"
    assert client_ip_address(_request("10.0.0.5", "not-an-address")) == "10.0.0.5"


def test_a_sprayer_cannot_escape_the_throttle_by_writing_the_header(settings, make_user):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    make_user(Role.SCREENER, username="behind_proxy")
    # Through the proxy the sprayer's own address is counted, whatever it writes before it.
    through_proxy = Client(REMOTE_ADDR="10.0.0.5")
    statuses = [
        sign_in(through_proxy, f"user{n}", SPRAYED, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, {ATTACKER}").status_code
        for n in range(20)
    ]
    assert 429 in statuses
    # Going round the proxy, a forged header is not believed either.
    direct = Client(REMOTE_ADDR="198.51.100.77")
    statuses = [
        sign_in(direct, f"user{n}", SPRAYED, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code for n in range(20)
    ]
    assert 429 in statuses
    # Someone else behind the same proxy, at their own address, is not held back.
    colleague = Client(REMOTE_ADDR="10.0.0.5")
    assert sign_in(colleague, "behind_proxy", HTTP_X_FORWARDED_FOR=HOME).status_code == 302

"""Sign-in lockout: django-axes counts the failures, this module decides who is held back and for how long.

Two locks, each against a different attack:

- A guess at one account from one address locks that pair, username and address together, after
  `AXES_FAILURE_LIMIT` failures. The first lock lasts `SIGNIN_COOLOFF_FIRST`; every further failure
  after a lock has run out doubles it, up to `SIGNIN_COOLOFF_MAX`. Whoever knows a colleague's
  username can lock only their own address out of that account, never the colleague at theirs.
- One password tried across many accounts from one address (spraying) throttles that address, for
  every username, once failures for `SIGNIN_ADDRESS_USERNAME_LIMIT` different usernames fall within
  `SIGNIN_ADDRESS_WINDOW`. Addresses in `SIGNIN_TRUSTED_NETWORKS` (a council office behind one
  address) have the higher `SIGNIN_TRUSTED_NETWORK_USERNAME_LIMIT`, never no limit.

Failures are remembered for `AXES_COOLOFF_TIME`, which is the longest cool-off; a failure while held
back is refused and not counted. The client's address is the connecting one, or the one a trusted
proxy (`TRUSTED_PROXIES`) wrote into `CLIENT_IP_HEADER`, never a header anyone else sent.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.shortcuts import render
from django.utils import timezone

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _networks(values, name: str) -> list[Network]:
    try:
        return [ipaddress.ip_network(str(value).strip(), strict=False) for value in values if str(value).strip()]
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} holds an address or network that is not one: {exc}") from exc


def _address(value: str | None):
    try:
        return ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None


def _in(address, networks: list[Network]) -> bool:
    return address is not None and any(address in network for network in networks)


# --- The client's address --------------------------------------------------------------------


def client_ip_address(request) -> str | None:
    """The address sign-in failures are counted against (`AXES_CLIENT_IP_CALLABLE`), and the one the
    access log records.

    The connecting address, unless it is one of `TRUSTED_PROXIES` and `CLIENT_IP_HEADER` is set:
    then the header's addresses are read from the right (the one the nearest proxy added) and the
    first that is not itself a trusted proxy is the client. Addresses a client put on the left of
    the header are never reached while a proxy's own entry stands to their right.
    """
    remote = request.META.get("REMOTE_ADDR")
    header = settings.CLIENT_IP_HEADER
    proxies = _networks(settings.TRUSTED_PROXIES, "TRUSTED_PROXIES")
    if not header or not _in(_address(remote), proxies):
        return remote
    key = "HTTP_" + header.upper().replace("-", "_")
    for entry in reversed(request.META.get(key, "").split(",")):
        address = _address(entry)
        if address is None:
            break
        if not _in(address, proxies):
            return str(address)
    return remote


# --- The rules ---------------------------------------------------------------------------------


def cool_off_for(failures: int) -> timedelta:
    """How long a username is held back from one address after `failures` failures there (the limit
    or more): the first cool-off, doubled for every failure since, up to the longest."""
    first, longest = settings.SIGNIN_COOLOFF_FIRST, settings.SIGNIN_COOLOFF_MAX
    extra = max(failures - settings.AXES_FAILURE_LIMIT, 0)
    if extra >= 32:
        return longest
    return min(first * (2**extra), longest)


def address_username_limit(ip_address: str | None) -> int:
    """How many different usernames may fail from `ip_address` within the window before it is throttled."""
    trusted = _networks(settings.SIGNIN_TRUSTED_NETWORKS, "SIGNIN_TRUSTED_NETWORKS")
    if _in(_address(ip_address), trusted):
        return settings.SIGNIN_TRUSTED_NETWORK_USERNAME_LIMIT
    return settings.SIGNIN_ADDRESS_USERNAME_LIMIT


def describe(delta: timedelta) -> str:
    """A cool-off in words: "15 minutes", "24 hours"."""
    minutes = int(delta.total_seconds() // 60)
    if minutes >= 60 and minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'' if hours == 1 else 's'}"
    return f"{minutes} minute{'' if minutes == 1 else 's'}"


@dataclass(frozen=True)
class Hold:
    """Why and until when a sign-in is held back."""

    kind: Literal["account", "address"]
    until: datetime
    failures: int


def _remembered(now: datetime):
    return AccessAttempt.objects.filter(attempt_time__gt=now - settings.AXES_COOLOFF_TIME)


def account_hold(username: str | None, ip_address: str | None, *, now: datetime) -> Hold | None:
    """The hold on `username` signing in from `ip_address`, if its failures there lock it now."""
    if not username:
        return None
    row = (
        _remembered(now)
        .filter(username=username, ip_address=ip_address)
        .aggregate(failures=models.Sum("failures_since_start"), last=models.Max("attempt_time"))
    )
    failures = row["failures"] or 0
    if failures < settings.AXES_FAILURE_LIMIT:
        return None
    until = row["last"] + cool_off_for(failures)
    return Hold("account", until, failures) if until > now else None


def address_hold(ip_address: str | None, *, now: datetime) -> Hold | None:
    """The throttle on `ip_address`, if too many different usernames failed from it within the window."""
    if not ip_address:
        return None
    limit = address_username_limit(ip_address)
    window = settings.SIGNIN_ADDRESS_WINDOW
    latest = list(
        _remembered(now)
        .filter(ip_address=ip_address, attempt_time__gt=now - window, username__isnull=False)
        .values("username")
        .annotate(last=models.Max("attempt_time"))
        .order_by("-last")
        .values_list("last", flat=True)[:limit]
    )
    if len(latest) < limit:
        return None
    # Throttled until the limit-th most recent of them leaves the window.
    return Hold("address", latest[-1] + window, len(latest))


def sign_in_hold(username: str | None, ip_address: str | None, *, now: datetime | None = None) -> Hold | None:
    now = now or timezone.now()
    return address_hold(ip_address, now=now) or account_hold(username, ip_address, now=now)


# --- django-axes -------------------------------------------------------------------------------


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler (`AXES_HANDLER`), deciding lockouts by the two rules above."""

    def is_locked(self, request, credentials=None) -> bool:
        username = get_client_username(request, credentials)
        return sign_in_hold(username, request.axes_ip_address, now=request.axes_attempt_time) is not None

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        # The failure that reaches the address's limit throttles it at once, as the limit-th
        # failure at one account locks that account (which axes itself decides).
        if request is None or request.axes_locked_out or self.is_whitelisted(request, credentials):
            return
        if self.is_locked(request, credentials):
            request.axes_locked_out = True
            request.axes_credentials = credentials
            username = get_client_username(request, credentials)
            user_locked_out.send("axes", request=request, username=username, ip_address=request.axes_ip_address)


def lockout_response(request, original_response=None, credentials=None):
    """The page a held-back sign-in gets (`AXES_LOCKOUT_CALLABLE`): which lock, and until when."""
    username = get_client_username(request, credentials)
    hold = sign_in_hold(username, getattr(request, "axes_ip_address", None))
    context = {"hold": hold, "username": username or ""}
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=settings.AXES_HTTP_RESPONSE_CODE)

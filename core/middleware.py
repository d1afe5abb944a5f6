"""Idle session timeout, the two-factor sign-in requirement, and no caching of private pages."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect, resolve_url
from django.utils.cache import add_never_cache_headers, patch_cache_control

LAST_ACTIVITY = "last_activity"
OTP_STATE = "otp_state"  # "verified" | "verify" | "setup" | "not_required"
ACTIVITY_RESOLUTION = 60  # seconds: the session is re-saved at most once a minute


class PrivatePagesNotCachedMiddleware:
    """Pages and downloads shown to a signed-in user are never stored by a browser or proxy.

    A child's record left in a shared computer's cache, or shown again by the back button after
    sign-out, is a leak; `no-store` prevents both.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response


class IdleTimeoutMiddleware:
    """Signs a user out after SESSION_IDLE_TIMEOUT_MINUTES without a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_ACTIVITY)
            if last is not None and now - last > settings.SESSION_IDLE_TIMEOUT_MINUTES * 60:
                logout(request)
                query = urlencode({"next": request.get_full_path(), "timeout": "1"})
                return redirect(f"{resolve_url(settings.LOGIN_URL)}?{query}")
            if last is None or now - last >= ACTIVITY_RESOLUTION:
                request.session[LAST_ACTIVITY] = now
        return self.get_response(request)


def otp_exempt(view):
    """Mark a view as reachable before the second sign-in step (sign-in, sign-out, set-up)."""
    view.otp_exempt = True
    return view


def otp_state_for(user) -> str:
    from django_otp import devices_for_user

    is_verified = getattr(user, "is_verified", None)  # absent on a user object just signed in
    if is_verified is not None and is_verified():
        return "verified"
    if any(True for _ in devices_for_user(user, confirmed=True)):
        return "verify"
    return "setup" if settings.OTP_REQUIRED else "not_required"


class TwoFactorRequiredMiddleware:
    """Sends a signed-in user to the second sign-in step until they have passed it.

    Required for everyone when OTP_REQUIRED (production); otherwise for anyone who has set up an
    authenticator app. The answer is kept in the session so it costs no query per request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or getattr(view_func, "otp_exempt", False):
            return None
        state = request.session.get(OTP_STATE)
        if state == "provider":  # the identity provider asserted a second factor (core/sso.py)
            from .sso import provider_mfa

            if provider_mfa(request):
                return None
            state = None
        if state is None or (state == "verified" and not user.is_verified()):
            state = otp_state_for(user)
            request.session[OTP_STATE] = state
        if state == "verify":
            return redirect(f"{resolve_url('core:otp_verify')}?{urlencode({'next': request.get_full_path()})}")
        if state == "setup":
            return redirect("core:otp_setup")
        return None


class SingleSignOnRecheckMiddleware:
    """Every OIDC_RECHECK_MINUTES, asks the identity provider again about a user signed in through
    it and reads their groups again (core/sso.py): a leaver the provider no longer vouches for, or
    someone whose mapped groups are gone, is signed out then, with the reason on the sign-in page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            from django.contrib import messages

            from .sso import recheck_due, session_recheck

            if recheck_due(request):
                refusal = session_recheck(request)
                if refusal:
                    messages.error(request, refusal)
                    return redirect(resolve_url(settings.LOGIN_URL))
        return self.get_response(request)

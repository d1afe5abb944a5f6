"""A fresh sign-in for sensitive actions: restricting a child, merging children, changing roles and
teams, exports that name children.

The session holds when the user last proved who they are (`FRESH_AT`). Every sign-in through Django's
`login()` sets it (the service's own sign-in, and a later single sign-on whose backend logs the user
in the same way); the "Confirm it's you" page (`core:reauth`) sets it again after asking for the
password and, when the user has an authenticator app, a current security code. A view marked with
`fresh_sign_in_required` sends a user whose last check is older than `REAUTH_FRESH_MINUTES` to
`REAUTH_URL` and back again afterwards. A single sign-on can point `REAUTH_URL` at a view that asks the
identity provider to sign the user in again (`prompt=login`, `max_age=0`) and calls `mark_fresh`.

A POST that arrives stale (the form was open longer than the window) is never replayed: what was
typed is kept in the session for that page only, and the page is shown again with it after the check,
to be checked and sent again.
"""

from __future__ import annotations

import time
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.shortcuts import redirect, resolve_url

FRESH_AT = "reauth_fresh_at"  # seconds since the epoch of the last check of who the user is
SAVED_FORM = "reauth_saved_form"  # {"path": ..., "data": urlencoded POST} of a stale POST
SAVED_FORM_LIMIT = 64 * 1024  # characters: a larger POST is not kept (none of the sensitive forms is near)
NOT_KEPT = ("csrfmiddlewaretoken",)


def mark_fresh(request) -> None:
    """Record that the user proved who they are just now."""
    request.session[FRESH_AT] = int(time.time())


def is_fresh(request) -> bool:
    at = request.session.get(FRESH_AT)
    return at is not None and time.time() - at <= settings.REAUTH_FRESH_MINUTES * 60


def on_sign_in(sender, request, user, **kwargs) -> None:
    """Django's `user_logged_in`: signing in is a fresh check (connected in core.apps)."""
    if request is not None and hasattr(request, "session"):
        mark_fresh(request)


def confirm_url(next_path: str) -> str:
    return f"{resolve_url(settings.REAUTH_URL)}?{urlencode({'next': next_path})}"


def fresh_sign_in_required(view=None, *, methods: tuple[str, ...] | None = None):
    """Mark a view as sensitive: a user whose last sign-in check is older than the window confirms it
    is them before it runs. `methods=("POST",)` lets a page be read without the check (reversing a
    merge is sensitive, reading the merge is not)."""

    def decorator(view_func):
        @wraps(view_func)
        def wrapped(request, *args, **kwargs):
            if (methods is not None and request.method not in methods) or is_fresh(request):
                _restore_form(request)
                return view_func(request, *args, **kwargs)
            if request.method == "POST":
                _keep_form(request)
            return redirect(confirm_url(request.get_full_path()))

        wrapped.fresh_sign_in_required = True
        return wrapped

    return decorator(view) if view is not None else decorator


def _keep_form(request) -> None:
    data = request.POST.copy()
    for name in NOT_KEPT:
        data.pop(name, None)
    encoded = data.urlencode()
    if len(encoded) <= SAVED_FORM_LIMIT and not request.FILES:
        request.session[SAVED_FORM] = {"path": request.path, "data": encoded}


def _restore_form(request) -> None:
    """On the GET after the check, the page's form is bound to what was typed before it (never run:
    the request is still a GET, so no service is called)."""
    saved = request.session.get(SAVED_FORM)
    if not saved or request.method != "GET":
        return
    del request.session[SAVED_FORM]
    if saved.get("path") == request.path:
        request.POST = QueryDict(saved["data"])
        messages.info(request, "You confirmed it's you. Check what you entered and send it again.")


# --- The check itself ----------------------------------------------------------------------------


def needs_code(user) -> bool:
    """A security code is asked for when the user has an authenticator app (or recovery codes)."""
    from django_otp import devices_for_user

    return any(True for _ in devices_for_user(user, confirmed=True))


def confirm_identity(request, *, password: str, token: str = ""):
    """Check the signed-in user's password and, when they have an authenticator, a current code; on
    success mark the session fresh and return the device that matched (or None). A failure counts
    towards the sign-in lockout (django-axes), as at sign-in; raises ValidationError by field."""
    from django_otp import match_token

    user = request.user
    errors: dict[str, str] = {}
    checked = authenticate(request, username=user.get_username(), password=password)
    if checked is None or checked.pk != user.pk:
        errors["password"] = "Enter your correct password"  # noqa: S105 - a message, not a password
    device = None
    if needs_code(user):
        device = match_token(user, token) if token and not errors else None
        if device is None and not errors:
            errors["token"] = "The security code is not right. Enter the code your app shows now"  # noqa: S105
            # A wrong code counts towards the lockout as a wrong password does (django-axes).
            user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)
    if errors:
        raise ValidationError(errors)
    if settings.AXES_RESET_ON_SUCCESS:
        from axes.utils import reset

        reset(username=user.get_username())  # as a successful sign-in does
    request.session.cycle_key()
    mark_fresh(request)
    return device

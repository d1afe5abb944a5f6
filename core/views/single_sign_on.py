"""Single sign-on pages: the provider's buttons, its callback, re-authentication at the provider,
its back-channel logout (core/oidc.py, core/sso.py), and the group mapping's pages."""

from __future__ import annotations

import logging
import time
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from django_otp import match_token

from .. import oidc, selectors, sso
from .. import reauth as fresh
from ..choices import MappingChangeStatus
from ..forms import GroupMappingDecideForm, GroupMappingProposeForm, OtpTokenForm, add_service_errors
from ..middleware import OTP_STATE, otp_exempt, otp_state_for
from ..pages import paginate, safe_next
from ..permissions import DECIDE_MAPPING, PROPOSE_MAPPING, VIEW_MAPPING
from . import reauth as password_confirm

logger = logging.getLogger(__name__)


# --- Single sign-on (OpenID Connect) -------------------------------------------------------

SSO_REAUTH_CODE = "sso_reauth_code"  # after the provider's fresh sign-in, a local code is still owed


def _sso_redirect_uri(request, provider) -> str:
    return request.build_absolute_uri(reverse("core:sso_callback", args=[provider.key]))


def _to_provider(request, provider, *, purpose: str, next_url: str):
    try:
        url = oidc.authorization_url(
            request, provider, redirect_uri=_sso_redirect_uri(request, provider), purpose=purpose, next_url=next_url
        )
    except oidc.ProviderUnavailable as exc:
        logger.warning("Single sign-on: %s could not be reached: %s", provider.key, exc)
        messages.error(
            request,
            f"Sign-in through {provider.label} is not available right now. Try again in a few minutes. "
            "If you hold a break-glass administrator account, sign in with its password and security code.",
        )
        return redirect("core:home" if request.user.is_authenticated else "core:login")
    return redirect(url)


@login_not_required
@otp_exempt
@never_cache
@require_GET
def sso_start(request, provider: str):
    """The sign-in page's button for a provider: off to the provider's sign-in."""
    found = oidc.provider_or_404(provider)
    if request.user.is_authenticated:
        return redirect(safe_next(request, reverse("core:home")))
    return _to_provider(request, found, purpose="sign_in", next_url=safe_next(request, ""))


def _safe_target(request, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("core:home")


@login_not_required
@otp_exempt
@never_cache
@require_GET
def sso_callback(request, provider: str):
    """Where the provider sends the person back: the answer is checked (core/oidc.py), then they
    are signed in as the account their issuer and subject are linked to (core/sso.py), with the
    local second factor unless the provider asserted one."""
    found = oidc.provider_or_404(provider)
    back = "core:home" if request.user.is_authenticated else "core:login"
    try:
        done = oidc.complete(request, found)
    except oidc.ProviderUnavailable as exc:
        logger.warning("Single sign-on: %s could not be reached at the callback: %s", found.key, exc)
        messages.error(
            request, f"Sign-in through {found.label} is not available right now. Try again in a few minutes."
        )
        return redirect(back)
    except oidc.SignInRefused as exc:
        logger.warning("Single sign-on: %s sign-in refused: %r", found.key, exc.__cause__ or exc)
        messages.error(request, str(exc))
        return redirect(back)
    if done.purpose == "reauth":
        return _sso_reauth_done(request, found, done)
    if request.user.is_authenticated:
        sso.sign_out(request)
    result = sso.sign_in_resolve(provider=found, claims=done.claims)
    if result.user is None:
        messages.error(request, result.refusal)
        return redirect("core:login")
    sso.sign_in(request, provider=found, account=result.user, claims=done.claims, token=done.token)
    target = _safe_target(request, done.next_url)
    if sso.provider_mfa(request):
        request.session[OTP_STATE] = "provider"
        return redirect(target)
    state = otp_state_for(result.user)
    request.session[OTP_STATE] = state
    if state == "verify":
        return redirect(f"{reverse('core:otp_verify')}?{urlencode({'next': target})}")
    if state == "setup":
        return redirect("core:otp_setup")
    return redirect(target)


def _sso_reauth_done(request, provider, done):
    data = sso.session_of(request)
    target = _safe_target(request, done.next_url)
    same = (
        request.user.is_authenticated
        and data is not None
        and data["provider"] == provider.key
        and data["issuer"] == done.claims["iss"]
        and data["subject"] == done.claims["sub"]
    )
    if not same:
        messages.error(request, "You signed in at the provider as someone else. Nothing was confirmed.")
        return redirect("core:home" if request.user.is_authenticated else "core:login")
    auth_time = done.claims.get("auth_time")
    if not isinstance(auth_time, int | float) or auth_time < done.started - oidc.LEEWAY_SECONDS:
        messages.error(request, f"{provider.label} did not ask you to sign in again, so it could not confirm it's you.")
        return redirect("core:home")
    result = sso.sign_in_resolve(provider=provider, claims=done.claims)
    if result.user is None or result.user.pk != request.user.pk:
        sso.sign_out(request)
        messages.error(request, result.refusal or "Your access has changed. Sign in again.")
        return redirect("core:login")
    data.update(token=done.token, checked_at=int(time.time()), mfa=provider.asserts_mfa(done.claims))
    request.session[sso.SESSION_KEY] = data
    if not data["mfa"] and fresh.needs_code(request.user):
        request.session[SSO_REAUTH_CODE] = {"next": target, "at": int(time.time())}
        return redirect("core:sso_reauth")
    fresh.mark_fresh(request)
    return redirect(target)


@never_cache
def sso_reauth(request):
    """Confirm it's you (REAUTH_URL with single sign-on): a provider's user signs in at their
    provider again (prompt=login, max_age=0), then gives a current code when the provider did not
    assert a second factor; anyone else (a break-glass account) gives their password and code."""
    data = sso.session_of(request)
    if data is None:
        return password_confirm(request)
    owed = request.session.get(SSO_REAUTH_CODE)
    if isinstance(owed, dict) and time.time() - owed.get("at", 0) < 5 * 60:
        form = OtpTokenForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            device = match_token(request.user, form.cleaned_data["token"])
            if device is None:
                form.add_error("token", "The security code is not right. Enter the code your app shows now")
                user_login_failed.send(
                    sender=__name__, credentials={"username": request.user.get_username()}, request=request
                )
                if getattr(request, "axes_locked_out", False):
                    sso.sign_out(request)
                    return redirect("core:login")
            else:
                del request.session[SSO_REAUTH_CODE]
                fresh.mark_fresh(request)
                return redirect(_safe_target(request, owed.get("next", "")))
        return render(request, "core/sso_reauth_code.html", {"form": form})
    request.session.pop(SSO_REAUTH_CODE, None)
    provider = oidc.provider_or_none(data["provider"])
    if provider is None:
        sso.sign_out(request)
        return redirect("core:login")
    return _to_provider(request, provider, purpose="reauth", next_url=safe_next(request, reverse("core:home")))


@csrf_exempt
@login_not_required
@otp_exempt
@never_cache
@require_POST
def sso_backchannel_logout(request, provider: str):
    """OpenID Connect back-channel logout: the provider posts a signed logout token and every
    session it names ends (400 for anything that is not one)."""
    found = oidc.provider_or_404(provider)
    try:
        claims = oidc.logout_token_claims(found, request.POST.get("logout_token", ""))
        sso.backchannel_logout(provider=found, claims=claims, session_store=type(request.session))
    except (oidc.SignInRefused, oidc.ProviderUnavailable):
        return JsonResponse({"error": "invalid_request"}, status=400)
    return HttpResponse(status=200)


# --- Single sign-on: the group mapping -----------------------------------------------------


def _propose_form(request):
    return GroupMappingProposeForm(
        request.POST if request.method == "POST" else None,
        providers=oidc.providers(),
        **selectors.group_mapping_choices(),
    )


@fresh.fresh_sign_in_required(methods=("POST",))
def group_mappings(request):
    """Which provider groups give which roles, and the changes proposed and decided. An
    administrator proposes a change here; a group manager decides it on the change's page."""
    if not request.user.has_perm(VIEW_MAPPING):
        raise PermissionDenied
    form = _propose_form(request)
    if request.method == "POST":
        if not request.user.has_perm(PROPOSE_MAPPING):
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                change = sso.group_mapping_propose(
                    provider_key=data["provider"],
                    action=data["action"],
                    group=data["group"],
                    role=data["role"],
                    team=data["team"],
                    agency=data["agency"],
                    reason=data["reason"],
                    actor=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Change proposed. It takes effect when a group manager approves it.")
                return redirect(change.get_absolute_url())
    page = paginate(request, selectors.group_mapping_changes_for_user(request.user))
    return render(
        request,
        "core/group_mappings.html",
        {
            "form": form,
            "mappings": selectors.group_mappings_for_user(request.user),
            "page": page,
            "providers": {p.key: p.label for p in oidc.providers()},
            "can_propose": request.user.has_perm(PROPOSE_MAPPING),
        },
    )


@fresh.fresh_sign_in_required(methods=("POST",))
def group_mapping_change(request, pk: int):
    """One proposed change of the mapping: a group manager (not its proposer) approves or rejects it."""
    change = selectors.group_mapping_change_get_for_user(request.user, pk)
    may_decide = (
        request.user.has_perm(DECIDE_MAPPING)
        and change.proposed_by_id != request.user.pk
        and change.status == MappingChangeStatus.PROPOSED
    )
    form = GroupMappingDecideForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm(DECIDE_MAPPING) or change.proposed_by_id == request.user.pk:
            raise PermissionDenied
        if form.is_valid():
            try:
                sso.group_mapping_decide(
                    change=change,
                    approve=form.cleaned_data["decision"] == "approve",
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Decision recorded.")
                return redirect("core:group_mappings")
    provider = oidc.provider_or_none(change.provider)
    return render(
        request,
        "core/group_mapping_change.html",
        {
            "change": change,
            "form": form,
            "may_decide": may_decide,
            "provider_label": provider.label if provider else change.provider,
        },
    )

from __future__ import annotations

import base64
import logging
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice

from .. import accounts, contract, oidc, selectors, services, sso
from .. import reauth as fresh
from ..audit import hidden_child_numbers
from ..clock import Duration, Unit
from ..forms import (
    AccessLogFilterForm,
    AccountUnlockForm,
    EnrolmentCodeForm,
    OtpTokenForm,
    PasswordSetForm,
    ReauthForm,
    SettingDurationForm,
    SettingFrequencyForm,
    SettingIntegerForm,
    SettingRagForm,
    SettingRoleForm,
    SignInForm,
    add_service_errors,
)
from ..lockout import describe as describe_cooloff
from ..middleware import OTP_STATE, otp_exempt, otp_state_for
from ..navigation import nav_items_for
from ..pages import paginate, query_without_page, safe_next
from ..permissions import (
    CHANGE_SETTINGS,
    VIEW_ACCESS_LOG,
    VIEW_SETTINGS,
    may_unlock_accounts,
)
from ..timescales import GROUPS, REGISTRY, RISK_LEVELS, Frequency, Kind

logger = logging.getLogger(__name__)


# --- Home ----------------------------------------------------------------------------------


@require_GET
def home(request):
    """Each role's work tray (what the apps count for the user, each count linking to its list),
    the unread notifications and the user's pages."""
    notifications = selectors.notifications_unread_for_user(request.user, limit=5)
    links = [item for item in nav_items_for(request) if item["href"] != reverse("core:home")]
    tray = contract.work_tray(request.user, now=timezone.now())
    return render(request, "core/home.html", {"notifications": notifications, "links": links, "tray": tray})


# --- Sign-in -------------------------------------------------------------------------------


@method_decorator(login_not_required, name="dispatch")
@method_decorator(otp_exempt, name="dispatch")
class SignInView(auth_views.LoginView):
    template_name = "core/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["timed_out"] = self.request.GET.get("timeout") == "1"
        context["idle_minutes"] = settings.SESSION_IDLE_TIMEOUT_MINUTES
        context["providers"] = oidc.providers()
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        state = otp_state_for(self.request.user)
        self.request.session[OTP_STATE] = state
        if state == "verify":
            return redirect(f"{reverse('core:otp_verify')}?{urlencode({'next': self.get_success_url()})}")
        if state == "setup":
            return redirect("core:otp_setup")
        return response


@method_decorator(otp_exempt, name="dispatch")
class SignOutView(auth_views.LogoutView):
    """Sign-out ends the session here and, for a provider's user, at the provider too where it
    offers RP-initiated logout (back to the sign-in page afterwards)."""

    http_method_names = ["post", "options"]

    def post(self, request, *args, **kwargs):
        data = sso.session_of(request)
        if data is None:
            return super().post(request, *args, **kwargs)
        sso.sign_out(request)
        provider = oidc.provider_or_none(data["provider"])
        url = None
        if provider is not None and (data.get("token") or {}).get("id_token"):
            url = oidc.logout_url(
                provider,
                id_token=data["token"]["id_token"],
                post_logout_redirect_uri=request.build_absolute_uri(reverse("core:login")),
            )
        return redirect(url or "core:login")


@otp_exempt
@never_cache
def otp_verify(request):
    """The second sign-in step: a code from the authenticator app or a recovery code."""
    if request.user.is_verified():
        return redirect(safe_next(request, reverse("core:home")))
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is None:
            form.add_error("token", "The security code is not right. Check your app and try again")
        else:
            otp_login(request, device)
            request.session[OTP_STATE] = "verified"
            if isinstance(device, StaticDevice):
                remaining = selectors.otp_recovery_codes_left(device)
                messages.warning(request, f"You used a recovery code. You have {remaining} left.")
            return redirect(safe_next(request, reverse("core:home")))
    return render(request, "core/otp_verify.html", {"form": form, "next": safe_next(request, "")})


@never_cache
def reauth(request):
    """Confirm it's you: before a sensitive action, when the last sign-in check is older than the
    window, the password again and a current code when the user has an authenticator app; then back
    to the page (core/reauth.py). Wrong answers count towards the sign-in lockout."""
    target = safe_next(request, reverse("core:home"))
    form = ReauthForm(request.POST or None, needs_code=fresh.needs_code(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            device = fresh.confirm_identity(
                request, password=form.cleaned_data["password"], token=form.cleaned_data.get("token", "")
            )
        except ValidationError as exc:
            if getattr(request, "axes_locked_out", False):
                logout(request)  # someone is guessing at this session: it ends (the lockout page says why)
                return redirect("core:login")
            add_service_errors(form, exc)
        else:
            if isinstance(device, StaticDevice):
                remaining = selectors.otp_recovery_codes_left(device)
                messages.warning(request, f"You used a recovery code. You have {remaining} left.")
            return redirect(target)
    return render(
        request,
        "core/reauth.html",
        {"form": form, "next": safe_next(request, ""), "minutes": settings.REAUTH_FRESH_MINUTES},
    )


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


@otp_exempt
@never_cache
def otp_setup(request):
    """Set up an authenticator app (TOTP), then show recovery codes once. Only with a set-up grant
    in the session (the link e-mailed to the person, or a code from an administrator): without one
    the page offers to e-mail a link and takes a code, and no secret is made or shown."""
    if selectors.otp_app_confirmed(request.user):
        return redirect("core:otp_verify")
    grant = request.session.get(accounts.ENROLMENT_GRANT)
    if not accounts.enrolment_grant_valid(request.user, grant):
        return _enrolment_needed(request)
    device = services.otp_app_start(actor=request.user, grant=grant)
    form = OtpTokenForm(request.POST or None)
    form.fields["token"].help_text = "The 6-digit code your authenticator app shows for this service."
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.otp_app_confirm(
                device=device, token=form.cleaned_data["token"], actor=request.user, grant=grant
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            request.session.pop(accounts.ENROLMENT_GRANT, None)
            otp_login(request, device)
            request.session[OTP_STATE] = "verified"
            request.session["recovery_codes"] = codes
            return redirect("core:otp_recovery_codes")
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "core/otp_setup.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device.config_url),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        },
    )


def _enrolment_needed(request):
    """Set-up without a grant: e-mail a set-up link (`intent=send_link`) or take an administrator's
    code. A security code sent here without a grant is refused (403)."""
    # Any POST but the send-link button is the code form, so a garbled one is answered with its errors.
    sending_link = request.POST.get("intent") == "send_link"
    refused = request.method == "POST" and "token" in request.POST
    coded = request.method == "POST" and not sending_link and not refused
    form = EnrolmentCodeForm(request.POST if coded else None)
    link_errors = []
    if request.method == "POST" and sending_link:
        try:
            accounts.enrolment_link_request(actor=request.user)
        except ValidationError as exc:
            link_errors = exc.messages
        else:
            messages.success(request, f"We have e-mailed a set-up link to {_masked(request.user.email)}.")
            return redirect("core:otp_setup")
    elif request.method == "POST" and form.is_valid():
        try:
            grant = accounts.enrolment_code_redeem(code=form.cleaned_data["code"], actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            request.session[accounts.ENROLMENT_GRANT] = grant
            return redirect("core:otp_setup")
    if refused:
        link_errors.append(
            "Setting up an authenticator needs the set-up link we e-mail you or a code from your administrator"
        )
    context = {
        "form": form,
        "link_errors": [{"text": text, "href": "#send-link"} for text in link_errors],
        "page_has_errors": bool(link_errors),
        "email": _masked(request.user.email),
    }
    return render(request, "core/otp_enrolment_needed.html", context, status=403 if refused else 200)


def _masked(address: str) -> str:
    """j•••@council.gov.uk: enough for a person to know which address, not enough to harvest it."""
    local, _, domain = (address or "").partition("@")
    return f"{local[:1]}\u2022\u2022\u2022@{domain}" if domain else "your work e-mail address"


@login_not_required
@otp_exempt
@never_cache
@require_GET
def enrolment_link(request, uidb64: str, token: str):
    """The set-up link e-mailed to a person: it puts a set-up grant in the session (after signing
    out anyone else signed in here) and goes on to the set-up, through sign-in when needed; the
    token leaves the address bar at once."""
    grant = accounts.enrolment_grant_from_link(uidb64, token)
    if grant is None:
        return render(request, "core/link_invalid.html", {"what": "set up two-factor sign-in"})
    if request.user.is_authenticated and request.user.pk != grant["uid"]:
        logout(request)
    request.session[accounts.ENROLMENT_GRANT] = grant
    if request.user.is_authenticated:
        return redirect("core:otp_setup")
    messages.info(request, "Sign in with your password to set up two-factor sign-in.")
    return redirect(f"{reverse('core:login')}?{urlencode({'next': reverse('core:otp_setup')})}")


@method_decorator(login_not_required, name="dispatch")
@method_decorator(otp_exempt, name="dispatch")
class PasswordLinkView(auth_views.PasswordResetConfirmView):
    """The link e-mailed to a person to set their own password (a new account, a forced reset)."""

    template_name = "core/password_set.html"
    form_class = PasswordSetForm
    token_generator = accounts.password_link_tokens
    reset_url_token = "set-password"  # noqa: S105 (a URL segment, not a password)

    def get_user(self, uidb64):
        return accounts.account_from_uid(uidb64)

    def dispatch(self, *args, **kwargs):
        response = super().dispatch(*args, **kwargs)
        if self.request.method == "POST" and not self.validlink:
            response.status_code = 403  # a form sent to a dead link: nothing is set, the page says why
        return response

    def form_valid(self, form):
        accounts.password_set_from_link(account=form.user, password=form.cleaned_data["new_password1"])
        self.request.session.pop(auth_views.INTERNAL_RESET_SESSION_TOKEN, None)
        messages.success(self.request, "Your password is set. Sign in with it.")
        return redirect("core:login")


@never_cache
def otp_recovery_codes(request):
    codes = request.session.pop("recovery_codes", None)
    if not codes:
        return redirect("core:home")
    return render(request, "core/otp_recovery_codes.html", {"codes": codes})


@never_cache
def account(request):
    """The person's own account: their authenticator, recovery codes and recent sign-ins; they
    issue themselves new recovery codes with a code from their authenticator app."""
    form = OtpTokenForm(request.POST or None)
    form.fields["token"].help_text = "The 6-digit code your authenticator app shows now."
    if request.method == "POST" and form.is_valid():
        try:
            codes = accounts.recovery_codes_regenerate(actor=request.user, token=form.cleaned_data["token"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            request.session["recovery_codes"] = codes
            return redirect("core:otp_recovery_codes")
    security = selectors.account_security(request.user)
    return render(request, "core/account.html", {"form": form, "security": security})


# --- Notifications -------------------------------------------------------------------------


@require_GET
def notification_list(request):
    page = paginate(request, selectors.notifications_for_user(request.user))
    return render(request, "core/notification_list.html", {"page": page})


@require_GET
def notification_open(request, pk: int):
    notification = selectors.notification_get_for_user(request.user, pk)
    services.notification_mark_read(notification=notification, actor=request.user)
    target = notification.url
    if not target or not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("core:notification_list")
    return redirect(target)


@require_POST
def notification_mark_all_read(request):
    count = services.notifications_mark_all_read(actor=request.user)
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read.")
    return redirect("core:notification_list")


# --- Settings ------------------------------------------------------------------------------


@require_GET
@permission_required(VIEW_SETTINGS, raise_exception=True)
def settings_list(request):
    current = selectors.service_settings()
    groups = [(name, [e for e in current.entries() if e.definition.group == name]) for name in GROUPS]
    return render(
        request,
        "core/settings_list.html",
        {
            "groups": groups,
            "can_change": request.user.has_perm(CHANGE_SETTINGS),
            "risk_levels": RISK_LEVELS,
            "changes": selectors.describe_setting_changes(selectors.setting_changes()[:RECENT_SETTING_CHANGES]),
        },
    )


RECENT_SETTING_CHANGES = 10


@require_GET
@permission_required(VIEW_SETTINGS, raise_exception=True)
def setting_changes(request):
    """Every change of the settings, newest first; `?key=` for one setting's."""
    key = request.GET.get("key") or None
    if key is not None and key not in REGISTRY:
        raise Http404
    page = paginate(request, selectors.setting_changes(key=key))
    return render(
        request,
        "core/setting_changes.html",
        {
            "page": page,
            "changes": selectors.describe_setting_changes(page.object_list),
            "setting": REGISTRY[key] if key else None,
            "query": query_without_page(request),
        },
    )


_FORMS = {
    Kind.DURATION: SettingDurationForm,
    Kind.INTEGER: SettingIntegerForm,
    Kind.FREQUENCY: SettingFrequencyForm,
    Kind.RAG_MAPPING: SettingRagForm,
    Kind.ROLE: SettingRoleForm,
}


def _initial(entry) -> dict:
    value, kind = entry.value, entry.definition.kind
    initial = {"version": entry.version}
    if kind is Kind.DURATION:
        initial.update(amount=value.amount, unit=str(value.unit))
    elif kind is Kind.FREQUENCY:
        initial.update(visits=value.visits, per_days=value.per_days)
    elif kind in (Kind.INTEGER, Kind.ROLE):
        initial.update(value=value)
    else:
        initial.update(value)
    return initial


def _value(kind: Kind, data: dict):
    if kind is Kind.DURATION:
        return Duration(amount=data["amount"], unit=Unit(data["unit"]))
    if kind is Kind.FREQUENCY:
        return Frequency(visits=data["visits"], per_days=data["per_days"])
    if kind in (Kind.INTEGER, Kind.ROLE):
        return data["value"]
    return {level: data[level] for level, _ in RISK_LEVELS}


@permission_required(CHANGE_SETTINGS, raise_exception=True)
def setting_edit(request, key: str):
    current = selectors.service_settings()
    try:
        entry = current.entry(key)
    except KeyError:
        raise Http404 from None
    form_class = _FORMS[entry.definition.kind]
    form = form_class(request.POST or None, initial=_initial(entry))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.setting_update(
                key=key,
                value=_value(entry.definition.kind, data),
                actor=request.user,
                reason=data["reason"],
                expected_version=data.get("version"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{entry.definition.label} changed.")
            return redirect("core:settings")
    changes = selectors.describe_setting_changes(selectors.setting_changes(key=key)[:RECENT_SETTING_CHANGES])
    return render(request, "core/setting_edit.html", {"form": form, "entry": entry, "changes": changes})


# --- Sign-in lockouts ----------------------------------------------------------------------


def locked_accounts(request):
    """Administrators, and the managers of the staff locked out, see the accounts locked out of
    sign-in and lift a lockout with a reason; administrators also see the addresses throttled."""
    if not may_unlock_accounts(request.user):
        raise PermissionDenied
    form = AccountUnlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        try:
            cleared = services.account_unlock(username=username, actor=request.user, reason=form.cleaned_data["reason"])
        except PermissionDenied:
            raise Http404 from None  # someone else's member of staff: as if there were no such account
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if cleared:
                messages.success(request, f"{username} can sign in again.")
            else:
                messages.info(request, f"{username} was not locked out.")
            return redirect("core:locked_accounts")
    administrator = request.user.has_perm(services.UNLOCK_ACCOUNTS)
    return render(
        request,
        "core/locked_accounts.html",
        {
            "accounts": selectors.locked_accounts_for_user(request.user),
            "addresses": selectors.throttled_addresses() if administrator else [],
            "administrator": administrator,
            "form": form,
            "failed_username": form["username"].value() or "",
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "first_cooloff": describe_cooloff(settings.SIGNIN_COOLOFF_FIRST),
            "longest_cooloff": describe_cooloff(settings.SIGNIN_COOLOFF_MAX),
        },
    )


# --- Audit ---------------------------------------------------------------------------------


@require_GET
@permission_required(VIEW_ACCESS_LOG, raise_exception=True)
def audit(request):
    form = AccessLogFilterForm(
        request.GET or None, users=selectors.staff_list(), object_types=selectors.access_log_object_types()
    )
    rows = []
    if form.is_valid():
        data = form.cleaned_data
        rows = selectors.access_log_list(
            user_id=data["user"].pk if data["user"] else None,
            content_type_id=int(data["object_type"]) if data["object_type"] else None,
            object_id=data["object_id"] or None,
            child_number=data["child"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
    elif not request.GET:
        rows = selectors.access_log_list()
    page = paginate(request, rows)
    hidden = hidden_child_numbers(request.user, (row.child_number for row in page.object_list))
    for row in page.object_list:
        row.is_hidden = row.child_number in hidden
    return render(request, "core/audit.html", {"form": form, "page": page, "query": query_without_page(request)})


# --- Health and errors ---------------------------------------------------------------------


@login_not_required
@otp_exempt
@require_GET
@never_cache
def healthz(request):
    """200 with the state of the database and the broker; 503 when the database is down."""
    state = {"database": "ok", "broker": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        logger.exception("Health check: database unreachable")
        state["database"] = "unavailable"
    try:
        from kombu import Connection

        from config.celery import app

        broker = Connection(
            app.conf.broker_url, transport_options=app.conf.broker_transport_options or {}, connect_timeout=2
        )
        with broker:
            broker.ensure_connection(max_retries=1)
    except Exception:
        logger.warning("Health check: broker unreachable")
        state["broker"] = "unavailable"
    return JsonResponse(state, status=200 if state["database"] == "ok" else 503)


def server_error(request):
    """500, or 503 when the database is unreachable (an outage, not a fault: try again shortly).
    Rendered without context processors: nothing here may need the database."""
    import sys

    from django.db import InterfaceError, OperationalError
    from django.http import HttpResponseServerError
    from django.template import loader

    exc = sys.exc_info()[1]
    if isinstance(exc, (OperationalError, InterfaceError)):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())


@login_not_required
@otp_exempt
def admin_sign_in(request):
    """The admin site's sign-in page. Everyone signs in through the service's own sign-in (with its
    second step); staff already signed in who are not administrators get the styled 403 page,
    rather than being sent between the two sign-ins for ever."""
    if request.user.is_authenticated:
        raise PermissionDenied("The administration pages are for administrators only.")
    query = request.META.get("QUERY_STRING", "")
    return redirect(reverse("core:login") + (f"?{query}" if query else ""))

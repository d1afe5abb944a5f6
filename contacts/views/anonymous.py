"""The anonymous online form (public): tell Family Connect about a child you are worried about."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from core import audit
from core.middleware import otp_exempt
from core.selectors import service_settings
from core.timescales import REGISTRY

from .. import forms, limits, rules, services


@login_not_required
@otp_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def anonymous_referral(request):
    """Tell Family Connect about a child you are worried about, without saying who you are."""
    address = audit.client_ip(request)
    context = {"limits": limits}
    if request.method == "POST":
        form = forms.AnonymousReferralForm(request.POST)
        limited_until = services.anonymous_form_is_limited(address)
        if limited_until is not None:
            minutes = rules.minutes_until(limited_until)
            form.full_clean()
            form.errors.clear()
            form.add_error(
                None,
                "Too many reports have been sent from this connection. Your report has not been sent. "
                f"You can send it in {minutes} minute{'s' if minutes != 1 else ''}: what you typed is still below. "
                "If a child is in danger right now, call 999.",
            )
            context.update(form=form, started_token=forms.form_started_token())
            return render(request, "contacts/anonymous_referral_form.html", context, status=429)
        if form.is_valid():
            contact = services.anonymous_referral_submit(
                address=address, **{name: form.cleaned_data[name] for name in form.VISIBLE_FIELDS}
            )
            request.session["anonymous_reference"] = contact.reference
            return redirect("contacts:anonymous_referral_sent")
        if form.spam_reason:
            services.anonymous_form_attempt_record(address=address, accepted=False)
    else:
        form = forms.AnonymousReferralForm()
    context.update(form=form, started_token=forms.form_started_token())
    return render(request, "contacts/anonymous_referral_form.html", context)


@login_not_required
@otp_exempt
@never_cache
@require_GET
def anonymous_referral_sent(request):
    reference = request.session.get("anonymous_reference")
    if not reference:
        return redirect("contacts:anonymous_referral")
    decision = REGISTRY["contact_decision"]
    return render(
        request,
        "contacts/anonymous_referral_sent.html",
        {"reference": reference, "decision_time": service_settings().duration(decision.key)},
    )

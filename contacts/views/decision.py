"""The decision on a contact, and the follow-ups of early-help referrals."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from core import pages
from core.forms import refuse_if_stale
from core.permissions import role_required
from core.selectors import service_settings

from .. import forms, selectors, services
from ..permissions import COMPLETE_FOLLOW_UP, FAMILY_CONNECT_ROLES, contact_permissions, front_door_permissions


def _decision(data) -> dict:
    return {
        "outcome": data["outcome"],
        "outcome_detail": data["outcome_detail"],
        "early_help_agency": data["early_help_agency"],
        "early_help_service": data["early_help_service"],
        "refer_to_cate": "cate" in data["refer_to"],
        "refer_to_statutory": "statutory" in data["refer_to"],
        "late_decision_reason": data.get("late_decision_reason", ""),
        "referrer_outcome": data.get("referrer_outcome", ""),
        "referrer_outcome_reason": data.get("referrer_outcome_reason", ""),
    }


@require_http_methods(["GET", "POST"])
@pages.record_view(
    get=selectors.contact_get_for_user, permissions=contact_permissions, allow=lambda p: p.may_decide, log=False
)
def contact_decide(request, contact, perms):
    pages.log(request, contact, contact.child)
    now = timezone.now()
    is_late = now > contact.decision_due_at
    ask_referrer = services.asks_screener_about_referrer(contact)
    form = forms.DecisionForm(
        request.POST or None, initial={"version": contact.version}, is_late=is_late, ask_referrer=ask_referrer
    )
    if not contact.is_open and not refuse_if_stale(form, contact):
        messages.error(request, "This contact has already been decided.")
        return redirect(contact)
    if contact.is_open:
        response = pages.submit(
            request,
            form,
            services.contact_decide,
            contact=contact,
            args=_decision,
            success=contact.get_absolute_url(),
            message=f"Decision recorded for contact {contact.reference}.",
        )
        if response:
            return response
    return render(
        request,
        "contacts/contact_decide.html",
        {
            "form": form,
            "contact": contact,
            "is_late": is_late,
            "tells_referrer": services.tells_referrer_outcome(contact),
            "has_assessment": selectors.contact_has_threshold_assessment(contact),
            "follow_up_after": service_settings().duration("early_help_follow_up"),
        },
    )


@require_GET
@role_required(*FAMILY_CONNECT_ROLES)
def follow_up_list(request):
    now, current = timezone.now(), service_settings()
    form = forms.FollowUpFilterForm(request.GET or None)
    state = (form.cleaned_data.get("state") if form.is_valid() else "") or "open"
    rows = selectors.follow_up_list_for_user(request.user, now=now, state=state)
    page = pages.paginate(request, rows)
    for follow_up in page.object_list:
        follow_up.due_state = current.classify(
            "early_help_follow_up", follow_up.due_at, now=now, met_at=follow_up.completed_at
        )
    return render(
        request,
        "contacts/follow_up_list.html",
        {
            "form": form,
            "page": page,
            "state": state,
            "query": pages.query_without_page(request),
            "overdue": selectors.overdue_follow_up_count(request.user, now=now),
            "perms": front_door_permissions(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def follow_up_complete(request, pk: int):
    follow_up = selectors.follow_up_get_for_user(request.user, pk)
    pages.require_perm(request, COMPLETE_FOLLOW_UP)
    pages.log(request, follow_up.contact)
    form = forms.FollowUpForm(request.POST or None, initial={"version": follow_up.version})
    if follow_up.is_done and not refuse_if_stale(form, follow_up):
        messages.error(request, "This follow-up has already been recorded.")
        return redirect("contacts:follow_up_list")
    if not follow_up.is_done:
        response = pages.submit(
            request,
            form,
            services.follow_up_complete,
            follow_up=follow_up,
            args=lambda data: {"action_taken": data["action_taken"] == "yes", "notes": data["notes"]},
            success=reverse("contacts:follow_up_list"),
            message=f"Follow-up of contact {follow_up.contact.reference} recorded.",
        )
        if response:
            return response
    state = service_settings().classify("early_help_follow_up", follow_up.due_at, now=timezone.now())
    return render(request, "contacts/follow_up_form.html", {"form": form, "follow_up": follow_up, "due_state": state})

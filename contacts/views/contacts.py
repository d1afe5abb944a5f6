"""A contact's pages: recording, reading, correcting, linking to a child, entered in error."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from core import audit, pages
from core.choices import AccessAction
from core.forms import add_service_errors, refuse_if_stale
from core.selectors import history_of, service_settings

from .. import forms, hooks, rules, selectors, services
from ..permissions import ADD_CONTACT, contact_permissions


def _contact_page(allow=None):
    """A page of one contact the user may see (404 otherwise); `allow` refuses it with 403."""
    return pages.record_view(
        get=selectors.contact_get_for_user, permissions=contact_permissions, allow=allow, log=False
    )


@require_http_methods(["GET", "POST"])
def contact_create(request):
    pages.require_perm(request, ADD_CONTACT)
    child = None
    child_id = pages.record_id(request.POST.get("child") or request.GET.get("child"))
    if child_id is not None:
        child = selectors.child_get_for_user(request.user, child_id)
        pages.log(request, child)
    form = forms.ContactForm(request.POST or None, initial={"received_at": timezone.now()})
    # The form carries no record's version (the contact does not exist yet): not `pages.submit`.
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_record(actor=request.user, data=form.contact_data(), child=child)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Contact {contact.reference} recorded. It is in the screening queue.")
            return redirect(contact)
    return render(request, "contacts/contact_form.html", {"form": form, "child": child, "is_new": True})


@require_GET
@_contact_page()
def contact_detail(request, contact, perms):
    user, now, current = request.user, timezone.now(), service_settings()
    pages.log(request, contact, contact.child)
    assessment = getattr(contact, "threshold_assessment", None)
    follow_up = getattr(contact, "follow_up", None)
    mace_requests = selectors.mace_requests_for_contact(user, contact)
    for mace in mace_requests:
        for recipient in mace.recipients.all():
            recipient.due_state = current.classify("mace_response", mace.due_at, now=now, met_at=recipient.responded_at)
    repeat_count = selectors.recent_contact_count(contact.child, now=now, settings=current) if contact.child_id else 0
    involvements = hooks.involvements_for_children([contact.child_id], user=user).get(contact.child_id, [])
    context = {
        "contact": contact,
        "child": contact.child,
        "perms": perms,
        "due_state": current.classify("contact_decision", contact.decision_due_at, now=now, met_at=contact.decided_at),
        "previous_contacts": list(selectors.previous_contacts(user, contact)[:20]) if contact.child_id else [],
        "repeat_count": repeat_count,
        "repeat_threshold": current["repeat_contacts_alert"],
        "repeat_window": current.duration("repeat_contacts_window"),
        "involvements": involvements,
        "contributions": pages.contributions(request, "contact_page", contact),
        "assessment": assessment,
        "factor_rows": rules.factor_rows(assessment),
        "assessment_history": history_of(assessment) if assessment else [],
        "last_change": audit.last_change(assessment) if assessment is not None and assessment.is_draft else None,
        "mace_requests": mace_requests,
        "mace_entries": selectors.mace_pack_for_contact(user, contact),
        "follow_up": follow_up,
        "follow_up_state": current.classify(
            "early_help_follow_up", follow_up.due_at, now=now, met_at=follow_up.completed_at
        )
        if follow_up
        else None,
        "history": history_of(contact, limit=50),
        "is_late": contact.is_open and now > contact.decision_due_at,
    }
    return render(request, "contacts/contact_detail.html", context)


@require_http_methods(["GET", "POST"])
@_contact_page(allow=lambda perms: perms.may_change)
def contact_edit(request, contact, perms):
    pages.log(request, contact)
    form = forms.ContactEditForm(request.POST or None, initial=forms.ContactForm.initial_for(contact))
    if not contact.is_open and not refuse_if_stale(form, contact):
        messages.error(request, "This contact has been decided: its details can no longer change.")
        return redirect(contact)
    if contact.is_open:
        response = pages.submit(
            request,
            form,
            services.contact_update,
            contact=contact,
            args=lambda data: {"data": form.contact_data(), "reason": data["reason"]},
            success=contact.get_absolute_url(),
            message=f"Contact {contact.reference} updated.",
        )
        if response:
            return response
    return render(
        request,
        "contacts/contact_form.html",
        {"form": form, "contact": contact, "child": contact.child, "is_new": False},
    )


@require_http_methods(["GET", "POST"])
@_contact_page(allow=lambda perms: perms.may_change)
def contact_link_child(request, contact, perms):
    pages.log(request, contact)
    if request.method == "POST":
        child_id = pages.record_id(request.POST.get("child"))
        child = selectors.child_get_for_user(request.user, child_id) if child_id is not None else None
        if child is None:
            messages.error(request, "Choose a child from the results.")
            return redirect("contacts:contact_link_child", pk=contact.pk)
        try:
            services.contact_link_child(
                contact=contact,
                child=child,
                actor=request.user,
                expected_version=pages.record_id(request.POST.get("version")),
            )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            return redirect("contacts:contact_link_child", pk=contact.pk)
        messages.success(request, f"Contact {contact.reference} is now about {child.full_name}.")
        return redirect(contact)
    data = request.GET if request.GET else {"name": contact.reported_child_name}
    form = forms.ChildSearchForm(data)
    results = []
    if form.is_valid():
        results = list(selectors.child_search(request.user, form.query())[: pages.PAGE_SIZE])
        pages.log_many(request, results, action=AccessAction.SEARCH)
    return render(
        request,
        "contacts/contact_link_child.html",
        {"contact": contact, "form": form, "results": results, "searched": form.is_bound and form.is_valid()},
    )


@require_http_methods(["GET", "POST"])
@_contact_page(allow=lambda perms: perms.may_screen)
def contact_entered_in_error(request, contact, perms):
    pages.log(request, contact)
    form = forms.EnteredInErrorForm(request.POST or None, initial={"version": contact.version})
    response = pages.submit(
        request,
        form,
        services.contact_mark_entered_in_error,
        contact=contact,
        success=reverse("contacts:queue"),
        message=f"Contact {contact.reference} marked as entered in error.",
    )
    return response or render(request, "contacts/contact_entered_in_error.html", {"form": form, "contact": contact})

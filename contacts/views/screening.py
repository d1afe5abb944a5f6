"""The landing page, the screening queue, the list of contacts, and taking a contact to screen."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core import pages
from core.permissions import role_required
from core.selectors import service_settings

from .. import forms, selectors, services
from ..permissions import FAMILY_CONNECT_ROLES, LANDING_ROLES, contact_permissions, front_door_permissions


@require_GET
@role_required(*LANDING_ROLES)
def index(request):
    user, now = request.user, timezone.now()
    perms = front_door_permissions(user)
    context = {"perms": perms}
    if perms.can_see_front_door:
        context["counts"] = selectors.screening_queue_counts(user, now=now)
    elif perms.can_see_figures:  # the figures, no contact named
        context["counts"] = selectors.front_door_figures(user, now=now)
    if perms.can_see_follow_ups:
        context["overdue_follow_ups"] = selectors.overdue_follow_up_count(user, now=now)
    if perms.can_see_mace:
        if perms.is_partner and user.agency_id:
            context["agency"] = user.agency
        context["open_enquiries"] = selectors.mace_open_count_for_user(user)
    return render(request, "contacts/index.html", context)


@require_GET
@role_required(*FAMILY_CONNECT_ROLES)
def queue(request):
    now, current = timezone.now(), service_settings()
    form = forms.QueueFilterForm(request.GET or None)
    filters = selectors.QueueFilters(**form.cleaned_data) if form.is_valid() else selectors.QueueFilters()
    rows = selectors.screening_queue(request.user, now=now, settings=current, filters=filters)
    page = pages.paginate(request, rows)
    for contact in page.object_list:
        contact.due_state = current.classify("contact_decision", contact.decision_due_at, now=now)
    return render(
        request,
        "contacts/contact_queue.html",
        {
            "form": form,
            "page": page,
            "query": pages.query_without_page(request),
            "counts": selectors.screening_queue_counts(request.user, now=now),
            "perms": front_door_permissions(request.user),
            "repeat_threshold": current["repeat_contacts_alert"],
            "repeat_window": current.duration("repeat_contacts_window"),
        },
    )


@require_GET
@role_required(*FAMILY_CONNECT_ROLES)
def contact_list(request):
    form = forms.ContactListFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = selectors.contact_list_for_user(
        request.user,
        text=data.get("text", ""),
        status=data.get("status", ""),
        recorded_by=request.user if data.get("recorded") == "me" else None,
    )
    return render(
        request,
        "contacts/contact_list.html",
        {"form": form, "page": pages.paginate(request, rows), "query": pages.query_without_page(request)},
    )


def _queue_action(request, contact, service, **kwargs) -> bool:
    """Run a queue button's service (no form): a refusal becomes a message on the next page."""
    version = pages.record_id(request.POST.get("version"))
    try:
        service(contact=contact, actor=request.user, expected_version=version, **kwargs)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return False
    return True


@require_POST
@pages.record_view(
    get=selectors.contact_get_for_user, permissions=contact_permissions, allow=lambda p: p.may_screen, log=False
)
def contact_assign(request, contact, perms):
    if _queue_action(request, contact, services.contact_assign, assignee=request.user):
        messages.success(request, f"Contact {contact.reference} is assigned to you.")
    return redirect(pages.safe_next(request, contact.get_absolute_url()))


@require_POST
@pages.record_view(
    get=selectors.contact_get_for_user, permissions=contact_permissions, allow=lambda p: p.may_screen, log=False
)
def contact_release(request, contact, perms):
    if _queue_action(request, contact, services.contact_release):
        messages.success(request, f"Contact {contact.reference} is back in the queue.")
    return redirect(pages.safe_next(request, contact.get_absolute_url()))

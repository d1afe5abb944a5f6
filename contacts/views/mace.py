"""Multi-agency child enquiries (MACE): asking, the list, an enquiry, an agency's answer, export."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import pages
from core.audit import export_contents
from core.choices import AccessAction
from core.permissions import role_required
from core.reauth import fresh_sign_in_required
from core.selectors import service_settings

from .. import forms, rules, selectors, services
from ..permissions import LANDING_ROLES, contact_permissions, front_door_permissions, mace_permissions


def _mace_page(allow=None):
    """A page of one enquiry the user may see (404 otherwise); `allow` refuses it with 403."""
    return pages.record_view(
        get=selectors.mace_request_get_for_user, permissions=mace_permissions, allow=allow, log=False
    )


@require_http_methods(["GET", "POST"])
@pages.record_view(
    get=selectors.contact_get_for_user, permissions=contact_permissions, allow=lambda p: p.may_request_mace, log=False
)
def mace_create(request, contact, perms):
    pages.log(request, contact, contact.child)
    if contact.child_id is None:
        messages.error(request, "Link the contact to a child before asking other agencies about them.")
        return redirect(contact)
    form = forms.MaceRequestForm(request.POST or None)
    response = pages.submit(
        request,
        form,
        services.mace_request_send,
        contact=contact,
        success=lambda mace: mace.get_absolute_url(),
        message=lambda mace: f"Enquiry sent. Answers are due {timezone.localtime(mace.due_at):%-d %B %Y at %H:%M}.",
    )
    if response:
        return response
    due = service_settings().due("mace_response", timezone.now())
    return render(request, "contacts/mace_form.html", {"form": form, "contact": contact, "due": due})


@require_GET
@role_required(*LANDING_ROLES)
def mace_list(request):
    perms = front_door_permissions(request.user)
    if not perms.can_see_mace:
        raise PermissionDenied
    now, current = timezone.now(), service_settings()
    form = forms.MaceListFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = selectors.mace_request_list_for_user(request.user, text=data.get("text", ""), state=data.get("state", ""))
    page = pages.paginate(request, rows)
    for mace in page.object_list:
        for recipient in mace.recipients.all():
            recipient.due_state = current.classify("mace_response", mace.due_at, now=now, met_at=recipient.responded_at)
    return render(
        request,
        "contacts/mace_list.html",
        {"form": form, "page": page, "query": pages.query_without_page(request), "perms": perms},
    )


def _mace_context(request, mace, perms, entry_form=None):
    user, now, current = request.user, timezone.now(), service_settings()
    recipients = list(selectors.mace_recipients_for_user(user, mace))
    for recipient in recipients:
        recipient.due_state = current.classify("mace_response", mace.due_at, now=now, met_at=recipient.responded_at)
    return {
        "mace": mace,
        "child": mace.contact.child,
        "perms": perms,
        "recipients": recipients,
        "entries": list(selectors.mace_entries_for_request(user, mace)) if perms.sees_entries else None,
        "entry_form": entry_form or (forms.MaceEntryForm() if perms.can_respond else None),
        "form": entry_form,
        "contributions": pages.contributions(request, "mace_page", mace),
    }


@require_GET
@_mace_page()
def mace_detail(request, mace, perms):
    pages.log(request, mace, mace.contact.child)
    return render(request, "contacts/mace_detail.html", _mace_context(request, mace, perms))


@require_POST
@_mace_page(allow=lambda perms: perms.may_respond)
def mace_entry_create(request, mace, perms):
    pages.log(request, mace, mace.contact.child)
    form = forms.MaceEntryForm(request.POST)
    response = pages.submit(
        request,
        form,
        services.mace_entry_add,
        args=lambda data: {"request": mace, **data},
        success=mace.get_absolute_url(),
        message="Your agency's information has been added.",
    )
    return response or render(
        request, "contacts/mace_detail.html", _mace_context(request, mace, perms, entry_form=form)
    )


@require_POST
@_mace_page(allow=lambda perms: perms.may_close)
def mace_close(request, mace, perms):
    services.mace_request_close(request=mace, actor=request.user)
    messages.success(request, "Enquiry closed.")
    return redirect(mace)


@require_GET
@_mace_page(allow=lambda perms: perms.sees_entries)
@fresh_sign_in_required
def mace_export(request, mace, perms):
    """The entries of an enquiry as CSV: a partner's export holds only their agency's entries."""
    entries = list(selectors.mace_entries_for_request(request.user, mace))
    contents = export_contents(
        "mace_entries_csv",
        f"CSV of enquiry {mace.pk} (child {mace.contact.child_id}): {len(entries)} agency "
        f"entr{'y' if len(entries) == 1 else 'ies'}",
        enquiry=mace.pk,
        children=[mace.contact.child_id],
        entries=[entry.pk for entry in entries],
    )
    pages.log(request, mace, mace.contact.child, action=AccessAction.EXPORT, contents=contents)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mace-{mace.pk}.csv"'
    response["Cache-Control"] = "no-store"
    writer = csv.writer(response)
    writer.writerow(["Enquiry", "Child", "Agency", "Added by", "Added at", "Systems checked", "Information"])
    for entry in entries:
        writer.writerow(
            [
                mace.pk,
                rules.csv_safe(mace.contact.child.full_name),
                rules.csv_safe(entry.agency.name),
                rules.csv_safe(str(entry.author)),
                timezone.localtime(entry.created_at).strftime("%Y-%m-%d %H:%M"),
                rules.csv_safe(entry.systems_checked),
                rules.csv_safe(entry.information),
            ]
        )
    return response

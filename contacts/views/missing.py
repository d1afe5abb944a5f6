"""The assessment of a missing-from-home report's links to CSE (issue 24)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from core import pages
from core.forms import refuse_if_stale

from .. import forms, selectors, services
from ..choices import ContactKind
from ..permissions import contact_permissions


@require_http_methods(["GET", "POST"])
@pages.record_view(
    get=selectors.contact_get_for_user, permissions=contact_permissions, allow=lambda p: p.may_screen, log=False
)
def missing_cse_link(request, contact, perms):
    pages.log(request, contact, contact.child)
    if contact.kind != ContactKind.MISSING_FROM_HOME:
        messages.error(request, "Only a missing-from-home report is assessed for links to CSE.")
        return redirect(contact)
    form = forms.CseLinkForm(request.POST or None, initial={"version": contact.version})
    if contact.cse_link_assessed_at is not None and not refuse_if_stale(form, contact):
        messages.error(request, "The links to CSE of this report have already been assessed.")
        return redirect(contact)
    if contact.cse_link_assessed_at is None:
        response = pages.submit(
            request,
            form,
            services.missing_cse_link_assess,
            contact=contact,
            args=lambda data: {"linked": data["linked"] == "yes", "notes": data["notes"]},
            success=contact.get_absolute_url(),
            message=f"Links to CSE of contact {contact.reference} assessed.",
        )
        if response:
            return response
    return render(request, "contacts/missing_cse_link_form.html", {"form": form, "contact": contact})

"""The threshold assessment of a contact."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from core import audit, pages
from core.forms import refuse_if_stale

from .. import forms, rules, selectors, services
from ..permissions import contact_permissions


@require_http_methods(["GET", "POST"])
@pages.record_view(
    get=selectors.contact_get_for_user, permissions=contact_permissions, allow=lambda p: p.may_assess, log=False
)
def threshold_assess(request, contact, perms):
    pages.log(request, contact, contact.child)
    assessment = getattr(contact, "threshold_assessment", None)
    initial = forms.ThresholdForm.initial_for(assessment) if assessment else {"version": 0}
    is_revision = assessment is not None and not assessment.is_draft
    form = forms.ThresholdForm(request.POST or None, initial=initial, is_revision=is_revision)
    if not contact.is_open and not (assessment is not None and refuse_if_stale(form, assessment)):
        messages.error(request, "This contact has been decided: the threshold assessment can no longer change.")
        return redirect(contact)
    if contact.is_open:
        response = pages.submit(
            request,
            form,
            services.threshold_assess,
            contact=contact,
            args=lambda data: {
                "factors": form.factors(),
                "overall_level": data["overall_level"],
                "reason_differs_from_highest": data["reason_differs_from_highest"],
                "revision_reason": data.get("revision_reason", ""),
                "draft": not form.finalising,
            },
            success=contact.get_absolute_url(),
            message="Threshold assessment saved." if form.finalising else "Threshold assessment saved as a draft.",
        )
        if response:
            return response
    highest = rules.highest_level_typed(form.data) if form.is_bound else None
    return render(
        request,
        "contacts/threshold_form.html",
        {
            "form": form,
            "contact": contact,
            "assessment": assessment,
            "is_revision": is_revision,
            "highest": highest,
            "last_change": audit.last_change(assessment) if assessment is not None and assessment.is_draft else None,
        },
    )

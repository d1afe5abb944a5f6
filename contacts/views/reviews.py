"""The safeguarding advisors' review list: contacts assessed Complex or Acute (issue 24)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from core import pages
from core.forms import refuse_if_stale

from .. import forms, review_selectors, services

STATES = {"open": "Waiting for review", "done": "Reviewed", "all": "All"}


@require_GET
def threshold_review_list(request):
    if not review_selectors.is_safeguarding_advisor(request.user):
        raise PermissionDenied
    state = request.GET.get("state") if request.GET.get("state") in STATES else "open"
    page = pages.paginate(request, review_selectors.threshold_review_list_for_user(request.user, state=state))
    return render(
        request,
        "contacts/threshold_review_list.html",
        {"page": page, "state": state, "states": STATES, "query": pages.query_without_page(request)},
    )


@require_http_methods(["GET", "POST"])
def threshold_review_detail(request, pk: int):
    review = review_selectors.threshold_review_get_for_user(request.user, pk)
    pages.log(request, review.contact)
    form = forms.ThresholdReviewForm(request.POST or None, initial={"version": review.version})
    if not review.is_open and request.method == "POST" and not refuse_if_stale(form, review):
        messages.error(request, "This review has already been recorded.")
        return redirect(review)
    if review.is_open:
        response = pages.submit(
            request,
            form,
            services.threshold_review_record,
            review=review,
            args=lambda data: {"outcome": data["outcome"], "notes": data["notes"]},
            success=reverse("contacts:threshold_review_list"),
            message=f"Review of contact {review.contact.reference} recorded.",
        )
        if response:
            return response
    return render(request, "contacts/threshold_review_detail.html", {"form": form, "review": review})

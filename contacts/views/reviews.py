"""The safeguarding advisors' review list: contacts assessed Complex or Acute (issue 24)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from core import pages
from core.forms import refuse_if_stale
from core.roles import has_role

from .. import forms, review_selectors, services
from ..permissions import RESTRICTION_ROLES

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


@require_GET
def same_name_set_list(request):
    if not has_role(request.user, *RESTRICTION_ROLES):
        raise PermissionDenied
    state = request.GET.get("state") if request.GET.get("state") in STATES else "open"
    page = pages.paginate(request, review_selectors.same_name_set_list_for_user(request.user, state=state))
    return render(
        request,
        "contacts/same_name_set_list.html",
        {"page": page, "state": state, "states": STATES, "query": pages.query_without_page(request)},
    )


@require_http_methods(["GET", "POST"])
def same_name_set_detail(request, pk: int):
    name_set = review_selectors.same_name_set_get_for_user(request.user, pk)
    children = list(name_set.children.all())
    pages.log(request, *children)
    form = forms.SameNameReviewForm(request.POST or None, initial={"version": name_set.version})
    if not name_set.is_open and request.method == "POST" and not refuse_if_stale(form, name_set):
        messages.error(request, "This set has already been reviewed.")
        return redirect(name_set)
    if name_set.is_open:
        response = pages.submit(
            request,
            form,
            services.same_name_set_review,
            name_set=name_set,
            args=lambda data: {"outcome": data["outcome"], "notes": data["notes"]},
            success=reverse("contacts:same_name_set_list"),
            message=f"Review of set {name_set.pk} recorded.",
        )
        if response:
            return response
    return render(
        request, "contacts/same_name_set_detail.html", {"form": form, "name_set": name_set, "children": children}
    )

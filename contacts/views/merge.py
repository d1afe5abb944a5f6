"""Merging duplicate children, the record of merges, and reversing a merge."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from core import pages
from core.choices import AccessAction
from core.permissions import role_required
from core.reauth import fresh_sign_in_required

from .. import forms, rules, selectors, services
from ..choices import RecordStatus
from ..permissions import MERGE_RECORD_ROLES, child_permissions, merge_permissions


@require_http_methods(["GET", "POST"])
@pages.record_view(
    get=selectors.child_get_for_user, permissions=child_permissions, allow=lambda p: p.may_merge, log=False
)
@fresh_sign_in_required
def child_merge(request, child, perms):
    pages.log(request, child)
    if not perms.is_active:
        messages.error(request, "This record has already been merged.")
        return redirect(child)
    other_id = pages.record_id(request.POST.get("other") or request.GET.get("other"))
    if other_id is None and request.method == "POST":
        messages.error(request, "Choose the record to merge with.")
        return redirect("contacts:child_merge", pk=child.pk)
    if other_id is None:
        return _choose(request, child)
    other = selectors.child_get_for_user(request.user, other_id)
    pages.log(request, other)
    if other.pk == child.pk or other.status != RecordStatus.ACTIVE:
        messages.error(request, "Choose another active record to merge with.")
        return redirect("contacts:child_merge", pk=child.pk)
    form = forms.MergeForm(request.POST or None, child=child, other=other)

    def sides(data) -> dict:
        target, source = (child, other) if int(data["keep"]) == child.pk else (other, child)
        return {"source": source, "target": target, "reason": data["reason"]}

    response = pages.submit(
        request,
        form,
        services.child_merge,
        args=sides,
        success=lambda merge: merge.target.get_absolute_url(),
        message=lambda merge: f"Records merged: child {merge.source_id} is now part of child {merge.target_id}.",
    )
    if response:
        return response
    linked = {c.pk: selectors.child_linked_counts(c) for c in (child, other)}
    return render(
        request,
        "contacts/child_merge_confirm.html",
        {"form": form, "child": child, "other": other, "comparison": rules.comparison_rows(child, other, linked)},
    )


def _choose(request, child):
    """The first step: likely duplicates of the child, and a search for the other record."""
    suggestions = selectors.likely_duplicates(
        request.user,
        first_name=child.first_name,
        last_name=child.last_name,
        known_as=child.known_as,
        date_of_birth=child.date_of_birth,
        postcode=child.postcode,
        nhs_number=child.nhs_number,
        exclude_pk=child.pk,
    )
    search_form = forms.ChildSearchForm(request.GET if "name" in request.GET else None)
    results = []
    if search_form.is_bound and search_form.is_valid():
        found = selectors.child_search(request.user, search_form.query())[: pages.PAGE_SIZE]
        results = [c for c in found if c.pk != child.pk]
    pages.log_many(request, [m.child for m in suggestions] + results, action=AccessAction.SEARCH)
    return render(
        request,
        "contacts/child_merge_choose.html",
        {"child": child, "suggestions": suggestions, "form": search_form, "results": results},
    )


@require_GET
@role_required(*MERGE_RECORD_ROLES)
def merge_list(request):
    rows = selectors.merge_list_for_user(request.user)
    return render(request, "contacts/merge_list.html", {"page": pages.paginate(request, rows), "query": ""})


@require_http_methods(["GET", "POST"])
@pages.record_view(get=selectors.merge_get_for_user, permissions=merge_permissions, log=False)
@fresh_sign_in_required(methods=("POST",))  # reversing a merge; reading it is not sensitive
def merge_detail(request, merge, perms):
    form = forms.MergeReverseForm(request.POST or None) if perms.can_reverse else None
    if request.method == "POST":
        if not perms.can_reverse:
            raise PermissionDenied
        response = pages.submit(
            request,
            form,
            services.child_merge_reverse,
            merge=merge,
            success=reverse("contacts:merge_detail", args=[merge.pk]),
            message=f"Merge {merge.pk} reversed: child {merge.source_id} is a separate record again.",
        )
        if response:
            return response
    labels = {model._meta.label_lower: model._meta.verbose_name_plural for model, _ in selectors.child_link_fields()}
    moved = [(str(labels.get(group["model"], group["model"])).capitalize(), len(group["pks"])) for group in merge.moved]
    return render(request, "contacts/merge_detail.html", {"merge": merge, "moved": moved, "form": form})

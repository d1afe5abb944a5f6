"""Possible duplicates: the list (Family Connect managers; the staff named on a restricted record see
its pairs) and a pair's page, where it is merged into the restricted record or marked as two children."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from core import pages

from .. import duplicate_selectors, forms, rules, selectors, services
from ..permissions import duplicate_permissions


@require_GET
def duplicate_list(request):
    if not duplicate_selectors.uses_duplicate_list(request.user):
        raise PermissionDenied
    state = "resolved" if request.GET.get("state") == "resolved" else "open"
    page = pages.paginate(request, duplicate_selectors.possible_duplicate_list_for_user(request.user, state=state))
    pages.log_many(request, [child for pair in page.object_list for child in (pair.child, pair.existing)])
    return render(
        request,
        "contacts/duplicate_list.html",
        {"page": page, "state": state, "query": pages.query_without_page(request)},
    )


@require_http_methods(["GET", "POST"])
@pages.record_view(
    get=duplicate_selectors.possible_duplicate_get_for_user, permissions=duplicate_permissions, log=False
)
def duplicate_detail(request, pair, perms):
    form = forms.DuplicateResolveForm(request.POST or None, pair=pair, initial={"version": pair.version})
    if request.method == "POST":
        if not perms.may_resolve:
            raise PermissionDenied  # a pair resolved since the form was opened is refused on the form
        response = pages.submit(
            request,
            form,
            services.possible_duplicate_resolve,
            duplicate=pair,
            success=lambda resolved: resolved.get_absolute_url(),
            message=lambda resolved: f"Possible duplicate {resolved.pk}: {resolved.get_status_display().lower()}.",
        )
        if response:
            return response
    else:
        pages.log(request, pair)
        pages.log_many(request, [pair.child, pair.existing])
    linked = {child.pk: selectors.child_linked_counts(child) for child in (pair.child, pair.existing)}
    return render(
        request,
        "contacts/duplicate_detail.html",
        {
            "pair": pair,
            "perms": perms,
            "form": form if perms.can_resolve or (request.method == "POST" and perms.may_resolve) else None,
            "comparison": rules.comparison_rows(pair.child, pair.existing, linked),
            "same_nhs_number": bool(pair.child.nhs_number) and pair.child.nhs_number == pair.existing.nhs_number,
        },
    )

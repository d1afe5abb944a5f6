"""Restricting a child's record to named staff: a casework decision of CATE team leaders, Family
Connect managers and group managers who can see the child."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from core import pages
from core.reauth import fresh_sign_in_required

from .. import forms, hooks, selectors, services
from ..permissions import RESTRICT_CHILD, VIEW_CHILD


@require_GET
def child_restriction_find(request):
    """Those who restrict records: find a record by its number to restrict it, and the restricted
    records they are named on."""
    pages.require_perm(request, RESTRICT_CHILD)
    form = forms.ChildRestrictionFindForm(request.GET or None)
    if form.is_bound and form.is_valid():
        child = selectors.child_restrictable_or_none(request.user, form.cleaned_data["child"])
        if child is not None:
            return redirect("contacts:child_restriction", pk=child.pk)
        form.add_error("child", "There is no record with this number that you can restrict")
    restricted = pages.paginate(request, selectors.restricted_child_list_for_user(request.user))
    pages.log_many(request, restricted.object_list)
    return render(request, "contacts/child_restriction_find.html", {"form": form, "page": restricted})


@require_http_methods(["GET", "POST"])
@fresh_sign_in_required
def child_restriction(request, pk: int):
    """Restrict a child's record to named staff, or lift the restriction, with a reason."""
    pages.require_perm(request, RESTRICT_CHILD)  # before the record: the page is no secret, the record is
    child = selectors.child_get_for_restriction(request.user, pk)
    pages.log(request, child)
    named = list(child.restricted_to.all())
    # The allocated worker and their team leaders are always named: listed, not offered to untick.
    always = hooks.always_named(child.pk)
    always_ids = {holder.user_id for holder in always}
    form = forms.ChildRestrictionForm(
        request.POST or None,
        staff=selectors.restriction_staff_choices(always_named=always_ids),
        initial={
            "is_restricted": "yes" if child.is_restricted else "no",
            "staff": [user.pk for user in named if user.pk not in always_ids],
            "version": child.version,
        },
    )
    done = child.get_absolute_url() if request.user.has_perm(VIEW_CHILD) else reverse("contacts:child_restriction_find")
    response = pages.submit(
        request,
        form,
        services.child_restrict,
        child=child,
        success=done,
        message=f"Access to {child.full_name}'s record updated.",
    )
    if response:
        return response
    named_ids = {user.pk for user in named}
    unnamed_holders = [holder for holder in always if child.is_restricted and holder.user_id not in named_ids]
    return render(
        request,
        "contacts/child_restriction.html",
        {"form": form, "child": child, "named": named, "always": always, "unnamed_holders": unnamed_holders},
    )

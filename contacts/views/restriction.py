"""Restricting a child's record to named staff (group managers and administrators)."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from core import pages

from .. import forms, hooks, selectors, services
from ..permissions import RESTRICT_CHILD, VIEW_CHILD


@require_GET
def child_restriction_find(request):
    """Group managers and administrators: find a record by its number to restrict it, and the
    restricted records they are named on."""
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
def child_restriction(request, pk: int):
    """Restrict a child's record to named staff, or lift the restriction, with a reason."""
    pages.require_perm(request, RESTRICT_CHILD)  # before the record: the page is no secret, the record is
    child = selectors.child_get_for_restriction(request.user, pk)
    pages.log(request, child)
    named = list(child.restricted_to.all())
    holders = hooks.holders_of_children([child.pk]).get(child.pk, [])
    # Those who hold the child's records are ticked to start with: restricting must not take their work away.
    ticked = [user.pk for user in named] if child.is_restricted else [holder.user_id for holder in holders]
    form = forms.ChildRestrictionForm(
        request.POST or None,
        staff=selectors.restriction_staff_choices(),
        initial={"is_restricted": "yes" if child.is_restricted else "no", "staff": ticked, "version": child.version},
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
    unnamed_holders = [holder for holder in holders if child.is_restricted and holder.user_id not in named_ids]
    return render(
        request,
        "contacts/child_restriction.html",
        {"form": form, "child": child, "named": named, "holders": holders, "unnamed_holders": unnamed_holders},
    )

"""The child index: searching, adding, a child's record, correcting it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from core import pages
from core.choices import AccessAction
from core.forms import add_service_errors
from core.permissions import role_required
from core.selectors import history_of

from .. import forms, hooks, search, selectors, services
from ..permissions import (
    ADD_CHILD,
    FRONT_DOOR_ROLES,
    child_permissions,
    contact_permissions,
    front_door_permissions,
)


def _child_page(allow=None):
    """A page of one child the user may see (404 otherwise); `allow` refuses it with 403."""
    return pages.record_view(get=selectors.child_get_for_user, permissions=child_permissions, allow=allow, log=False)


@require_GET
@role_required(*FRONT_DOOR_ROLES)
def child_search(request):
    form = forms.ChildSearchForm(request.GET or None)
    page, searched, too_broad = None, False, False
    if form.is_bound and form.is_valid() and not form.query().is_empty:
        searched = True
        page = pages.paginate(request, selectors.child_search(request.user, form.query()))
        too_broad = selectors.child_search_too_broad(request.user, form.query())
        pages.log_many(request, page.object_list, action=AccessAction.SEARCH)
    return render(
        request,
        "contacts/child_search.html",
        {
            "form": form,
            "page": page,
            "searched": searched,
            "too_broad": too_broad,
            "max_compared": search.MAX_CANDIDATES,
            "query": pages.query_without_page(request),
            "perms": front_door_permissions(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def child_create(request):
    pages.require_perm(request, ADD_CHILD)
    contact = None
    contact_id = pages.record_id(request.POST.get("contact") or request.GET.get("contact"))
    if contact_id is not None:
        contact = selectors.contact_get_for_user(request.user, contact_id)
    initial = {
        "first_name": request.GET.get("first_name", "")[:100],
        "last_name": request.GET.get("last_name", "")[:100],
    }
    form = forms.ChildCreateForm(request.POST or None, initial=initial)
    matches = []
    # Likely duplicates are shown beside the form, not as an error on it: not `pages.submit`.
    if request.method == "POST" and form.is_valid():
        try:
            child = services.child_create(
                actor=request.user, data=form.child_data(), confirmed_not_duplicate=form.cleaned_data["confirm_new"]
            )
        except services.PossibleDuplicates as exc:
            matches = exc.matches
            pages.log_many(request, [m.child for m in matches], action=AccessAction.SEARCH)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{child.full_name} added to the index.")
            if contact is not None and contact_permissions(request.user, contact).can_edit:
                try:
                    services.contact_link_child(contact=contact, child=child, actor=request.user)
                except ValidationError as exc:
                    messages.error(request, exc.messages[0])
                return redirect(contact)
            return redirect(child)
    return render(
        request,
        "contacts/child_form.html",
        {"form": form, "matches": matches, "contact": contact, "is_new": True, "page_has_errors": bool(matches)},
    )


@require_GET
@_child_page()
def child_detail(request, child, perms):
    user = request.user
    pages.log(request, child)
    return render(
        request,
        "contacts/child_detail.html",
        {
            "child": child,
            "perms": perms,
            "contacts": selectors.contacts_of_child(user, child, limit=50),
            "education_spells": selectors.missing_from_education_of_child(user, child),
            "involvements": hooks.involvements_for_children([child.pk], user=user).get(child.pk, []),
            "mace_entries": list(selectors.mace_entries_for_child(user, child))
            if perms.sees_all_mace_entries
            else None,
            "merges": list(selectors.merges_of_child(child)),
            "history": history_of(child, limit=50),
            "contributions": pages.contributions(request, "child_page", child),
        },
    )


@require_http_methods(["GET", "POST"])
@_child_page(allow=lambda perms: perms.may_change)
def child_edit(request, child, perms):
    pages.log(request, child)
    if not perms.is_active:
        messages.error(request, "This record has been merged or marked entered in error: it cannot change.")
        return redirect(child)
    form = forms.ChildEditForm(request.POST or None, initial=forms.ChildForm.initial_for(child))
    response = pages.submit(
        request,
        form,
        services.child_update,
        child=child,
        args=lambda data: {"data": form.child_data(), "reason": data["reason"]},
        success=child.get_absolute_url(),
        message=f"{child.full_name}'s record updated.",
    )
    return response or render(request, "contacts/child_form.html", {"form": form, "child": child, "is_new": False})

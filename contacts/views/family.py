"""A child's family and household: the genogram with its table, adding and changing the people in it
and the relationships between them, withdrawing what was recorded in error."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from core import pages

from .. import family_forms, family_selectors, genogram, selectors, services
from ..permissions import child_permissions


def _family_page(allow=None):
    return pages.record_view(get=selectors.child_get_for_user, permissions=child_permissions, allow=allow, log=False)


def _records(perms) -> bool:
    return perms.can_record_family


def _back(child) -> str:
    return reverse("contacts:family_detail", args=[child.pk])


@require_GET
@_family_page()
def family_detail(request, child, perms):
    pages.log(request, child)
    picture = family_selectors.family_of(child, request.user)
    return render(
        request,
        "contacts/family_detail.html",
        {"child": child, "perms": perms, "picture": picture, "drawing": genogram.draw(picture)},
    )


def _form_page(request, child, perms, form, **context):
    return render(
        request, "contacts/family_member_form.html", {"child": child, "perms": perms, "form": form, **context}
    )


@require_http_methods(["GET", "POST"])
@_family_page(allow=_records)
def family_member_add(request, child, perms):
    pages.log(request, child)
    form = family_forms.FamilyMemberForm(request.POST or None)
    if request.method == "POST" and request.POST.get("index_child"):
        form = family_forms.FamilyMemberForm(request.POST, linked=True)
    response = pages.submit(
        request,
        form,
        services.family_member_add,
        child=child,
        args=lambda data: {
            "person": form.person(),
            "relationship": form.relationship_values(),
            "index_child": data.get("index_child"),
        },
        success=_back(child),
        message="Person added to the family",
    )
    return response or _form_page(request, child, perms, form)


@require_http_methods(["GET", "POST"])
@_family_page(allow=_records)
def family_member_edit(request, child, perms, item: int):
    pages.log(request, child)
    member = family_selectors.family_member_get(child, request.user, item)
    if member.child_id == child.pk:
        raise PermissionDenied("The child's own details are changed on their record.")
    relationship = family_selectors.relationship_of(child, member)
    form = family_forms.FamilyMemberForm(
        request.POST or None,
        initial=family_forms.FamilyMemberForm.initial_for(member, relationship),
        linked=member.child_id is not None,
        adding=False,
    )
    response = pages.submit(
        request,
        form,
        services.family_member_update,
        child=child,
        member=member,
        args=lambda data: {"person": form.person(), "relationship": form.relationship_values()},
        success=_back(child),
        message="Family member saved",
    )
    return response or _form_page(request, child, perms, form, member=member)


@require_http_methods(["GET", "POST"])
@_family_page(allow=_records)
def family_member_withdraw(request, child, perms, item: int):
    pages.log(request, child)
    member = family_selectors.family_member_get(child, request.user, item)
    form = family_forms.WithdrawForm(request.POST or None)
    response = pages.submit(
        request,
        form,
        services.family_member_withdraw,
        child=child,
        member=member,
        success=_back(child),
        message="Person withdrawn from the family",
    )
    return response or render(
        request, "contacts/family_withdraw.html", {"child": child, "form": form, "what": member.name}
    )


@require_http_methods(["GET", "POST"])
@_family_page(allow=_records)
def family_tie_add(request, child, perms):
    pages.log(request, child)
    picture = family_selectors.family_of(child, request.user)
    members = {person.pk: person.member for person in picture.people}
    form = family_forms.FamilyTieForm(request.POST or None, people=picture.people)
    response = pages.submit(
        request,
        form,
        services.family_tie_add,
        child=child,
        args=lambda data: {"a": members[data["a"]], "b": members[data["b"]], "kind": data["kind"]},
        success=_back(child),
        message="Relationship recorded",
    )
    return response or render(
        request, "contacts/family_tie_form.html", {"child": child, "form": form, "picture": picture}
    )


@require_http_methods(["GET", "POST"])
@_family_page(allow=_records)
def family_tie_withdraw(request, child, perms, item: int):
    pages.log(request, child)
    tie = family_selectors.family_tie_get(child, request.user, item)
    form = family_forms.WithdrawForm(request.POST or None)
    response = pages.submit(
        request,
        form,
        services.family_tie_withdraw,
        child=child,
        tie=tie,
        success=_back(child),
        message="Relationship withdrawn",
    )
    return response or render(
        request, "contacts/family_withdraw.html", {"child": child, "form": form, "what": str(tie)}
    )

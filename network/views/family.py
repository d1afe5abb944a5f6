"""A person in a child's family recorded as a person of concern: the network holds the link. The
child and the family member are read through the child index's selectors (404 when the reader may
not see them); the write is network.services.person_from_family_member."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from contacts import family_selectors
from contacts.selectors import child_get_for_user
from core import pages

from .. import services, source_forms
from ..permissions import network_permissions


@require_http_methods(["GET", "POST"])
@pages.record_view(
    get=child_get_for_user, permissions=network_permissions, allow=lambda perms: perms.can_record, log=False
)
def family_member_concern(request, child, perms, item: int):
    pages.log(request, child)
    member = family_selectors.family_member_get(child, request.user, item)
    form = source_forms.FamilyConcernForm(request.POST or None)
    response = pages.submit(
        request,
        form,
        services.person_from_family_member,
        child=child,
        member=member,
        success=lambda person: person.get_absolute_url(),
        message="Recorded as a person of concern",
    )
    return response or render(
        request, "network/family_member_concern.html", {"child": child, "member": member, "form": form}
    )

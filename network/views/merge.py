"""Duplicate persons of concern: merging two records of one person (from a person's page, with the
likely duplicates and a search by name), the possible duplicates found when persons are added or
changed, the record of merges and their reversal. Those who merge persons (CATE team leaders and
Family Connect managers) use these pages; other readers of the network are refused (403), anyone
else finds nothing (404). Merging, and reversing a merge, need a fresh sign-in (core/reauth.py)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from core import pages
from core.choices import AccessAction
from core.reauth import fresh_sign_in_required

from .. import duplicate_selectors, merge_forms, selectors, services
from ..choices import NetworkStatus
from ..permissions import can_merge_persons, can_read_network, network_permissions


def person_page(person, *, otherwise: str) -> str:
    """The person's page (network:person_detail, the records' pages), or `otherwise` on a deployment
    without them."""
    try:
        return person.get_absolute_url()
    except NoReverseMatch:
        return otherwise


def _require_merger(request) -> None:
    """These pages are for those who merge persons: other readers are refused, to anyone else they
    do not exist."""
    if not can_read_network(request.user):
        raise Http404
    if not can_merge_persons(request.user):
        raise PermissionDenied


# --- What a person's page shows of merges (network/views/records.py calls these) -------------------


def redirect_if_merged(request, person):
    """A merged record's page sends its reader to the record it was merged into, saying so (when they
    may see it); None otherwise."""
    if person.status != NetworkStatus.MERGED or person.merged_into_id is None:
        return None
    try:
        survivor = selectors.person_get_for_user(request.user, person.merged_into_id)
    except Http404:
        return None
    messages.info(request, f"Person {person.pk} ({person.display_name}) was merged into this record.")
    return redirect(person_page(survivor, otherwise=reverse("network:person_merge", args=[survivor.pk])))


def person_merge_context(user, person) -> dict:
    """For a person's page: the merges their record took part in and whether it may be merged
    (templates/network/merge_person_panel.html)."""
    may_merge = can_merge_persons(user)
    return {
        "merges": list(duplicate_selectors.merges_of_person(user, person)) if may_merge else [],
        "can_merge_person": may_merge and person.status == NetworkStatus.ACTIVE,
    }


# --- Merging two records --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@pages.record_view(
    get=selectors.person_get_for_user, permissions=network_permissions, allow=lambda p: p.can_merge, log=False
)
@fresh_sign_in_required
def person_merge(request, person, perms):
    pages.log(request, person)
    if person.status != NetworkStatus.ACTIVE:
        messages.error(request, "This record was merged or entered in error: it cannot be merged.")
        return redirect(person_page(person, otherwise=reverse("network:person_merge_list")))
    other_id = pages.record_id(request.POST.get("other") or request.GET.get("other"))
    if other_id is None and request.method == "POST":
        messages.error(request, "Choose the record to merge with.")
        return redirect("network:person_merge", pk=person.pk)
    if other_id is None:
        return _choose(request, person)
    other = selectors.person_get_for_user(request.user, other_id)
    pages.log(request, other)
    if other.pk == person.pk or other.status != NetworkStatus.ACTIVE:
        messages.error(request, "Choose another current record to merge with.")
        return redirect("network:person_merge", pk=person.pk)
    form = merge_forms.PersonMergeForm(request.POST or None, person=person, other=other)

    def sides(data) -> dict:
        target, source = (person, other) if int(data["keep"]) == person.pk else (other, person)
        return {"source": source, "target": target, "reason": data["reason"]}

    response = pages.submit(
        request,
        form,
        services.person_merge,
        args=sides,
        success=lambda merge: person_page(merge.target, otherwise=merge.get_absolute_url()),
        message=lambda merge: f"Records merged: person {merge.source_id} is now part of person {merge.target_id}.",
    )
    if response:
        return response
    return render(
        request,
        "network/merge_confirm.html",
        {"form": form, "person": person, "other": other, "comparison": _comparison(request.user, person, other)},
    )


def _choose(request, person):
    """The first step: the likely duplicates of the person, and a search for the other record."""
    suggestions = selectors.person_likely_duplicates(
        request.user,
        first_name=person.first_name,
        last_name=person.last_name,
        aliases=person.aliases,
        date_of_birth=person.date_of_birth,
        age_band=person.age_band,
        exclude_pk=person.pk,
    )
    form = merge_forms.PersonMergeSearchForm(request.GET if "name" in request.GET else None)
    results, too_broad = [], False
    if form.is_bound and form.is_valid() and form.cleaned_data["name"]:
        name = form.cleaned_data["name"]
        results = [p for p in selectors.person_search(request.user, name)[: pages.PAGE_SIZE] if p.pk != person.pk]
        too_broad = selectors.person_search_too_broad(request.user, name)
    pages.log_many(request, [m.person for m in suggestions] + results, action=AccessAction.SEARCH)
    return render(
        request,
        "network/merge_choose.html",
        {"person": person, "suggestions": suggestions, "form": form, "results": results, "too_broad": too_broad},
    )


def _age(person) -> str:
    if person.date_of_birth:
        return person.date_of_birth.strftime("%-d %B %Y")
    return person.get_age_band_display()


def _comparison(user, *people) -> list[tuple]:
    """(label, value of each record) for the merge's and the pair's pages."""
    counts = [duplicate_selectors.person_record_counts(user, p) for p in people]
    rows = [
        ("Name", [p.display_name for p in people]),
        ("Aliases and nicknames", [p.aliases for p in people]),
        ("Date of birth or age", [_age(p) for p in people]),
        ("Gender", [p.get_gender_display() for p in people]),
        ("Kind", [p.get_kind_display() for p in people]),
        ("Description", [p.description for p in people]),
        ("Police status", [p.get_police_status_display() for p in people]),
        ("Custody", [p.get_custody_status_display() for p in people]),
        ("Staff-safety marker", [p.staff_safety_reason if p.staff_safety_warning else "No" for p in people]),
        ("A child in the index", ["Yes" if p.child_id else "No" for p in people]),
        ("Links", [str(c["links"]) for c in counts]),
        ("Enquiries about them", [str(c["enquiries"]) for c in counts]),
        ("Added", [f"{p.created_at:%-d %b %Y} by {p.created_by}" for p in people]),
    ]
    return [(label, *values) for label, values in rows]


# --- Possible duplicates --------------------------------------------------------------------------


@require_GET
def person_duplicate_list(request):
    _require_merger(request)
    state = "resolved" if request.GET.get("state") == "resolved" else "open"
    page = pages.paginate(request, duplicate_selectors.person_duplicate_list_for_user(request.user, state=state))
    pages.log_many(request, [p for pair in page.object_list for p in (pair.person, pair.existing)])
    return render(
        request,
        "network/merge_duplicate_list.html",
        {"page": page, "state": state, "query": pages.query_without_page(request)},
    )


def _pair_permissions(user, pair) -> dict:
    both_current = pair.person.status == pair.existing.status == NetworkStatus.ACTIVE
    return {"can_resolve": pair.status == "open" and both_current, "may_resolve": can_merge_persons(user)}


@require_http_methods(["GET", "POST"])
@pages.record_view(get=duplicate_selectors.person_duplicate_get_for_user, permissions=_pair_permissions, log=False)
@fresh_sign_in_required(methods=("POST",))  # "the same person" merges the records
def person_duplicate_detail(request, pair, perms):
    form = merge_forms.PersonDuplicateResolveForm(request.POST or None, pair=pair, initial={"version": pair.version})
    if request.method == "POST":
        response = pages.submit(
            request,
            form,
            services.person_duplicate_resolve,
            duplicate=pair,
            args=lambda data: form.service_arguments(),
            success=lambda resolved: resolved.get_absolute_url(),
            message=lambda resolved: f"Possible duplicate {resolved.pk}: {resolved.get_status_display().lower()}.",
        )
        if response:
            return response
    else:
        pages.log(request, pair)
        pages.log_many(request, [pair.person, pair.existing])
    shown = perms["can_resolve"] or request.method == "POST"
    return render(
        request,
        "network/merge_duplicate_detail.html",
        {
            "pair": pair,
            "form": form if shown else None,
            "comparison": _comparison(request.user, pair.existing, pair.person),
        },
    )


# --- The record of merges, and reversing one ----------------------------------------------------


@require_GET
def person_merge_list(request):
    _require_merger(request)
    page = pages.paginate(request, duplicate_selectors.person_merge_list_for_user(request.user))
    return render(request, "network/merge_list.html", {"page": page, "query": pages.query_without_page(request)})


@require_http_methods(["GET", "POST"])
@pages.record_view(
    get=duplicate_selectors.person_merge_get_for_user,
    permissions=lambda user, merge: {"can_reverse": can_merge_persons(user) and not merge.reversed_at},
    log=False,
)
@fresh_sign_in_required(methods=("POST",))  # reversing a merge; reading it is not sensitive
def person_merge_detail(request, merge, perms):
    form = merge_forms.PersonMergeReverseForm(request.POST or None)
    if request.method == "POST":
        response = pages.submit(
            request,
            form,
            services.person_merge_reverse,
            merge=merge,
            success=reverse("network:person_merge_detail", args=[merge.pk]),
            message=f"Merge {merge.pk} reversed: person {merge.source_id} is a separate record again.",
        )
        if response:
            return response
    else:
        pages.log(request, merge)
    moved = merge.moved or {}
    counts = [
        ("Links moved", len(moved.get("links", []))),
        ("Links joined with the same link of the kept record", len(moved.get("joined", []))),
        ("Links between the two records set aside", len(moved.get("between", []))),
        ("Enquiries moved", len(moved.get("mace_subjects", []))),
        ("Details filled in on the kept record", len(merge.filled_fields or {})),
    ]
    return render(
        request,
        "network/merge_detail.html",
        {"merge": merge, "counts": counts, "form": form if perms["can_reverse"] or request.method == "POST" else None},
    )


def urlpatterns_of_merges() -> list:
    return [
        path("persons/<int:pk>/merge/", person_merge, name="person_merge"),
        path("person-duplicates/", person_duplicate_list, name="person_duplicate_list"),
        path("person-duplicates/<int:pk>/", person_duplicate_detail, name="person_duplicate_detail"),
        path("person-merges/", person_merge_list, name="person_merge_list"),
        path("person-merges/<int:pk>/", person_merge_detail, name="person_merge_detail"),
    ]

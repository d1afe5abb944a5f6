"""Links between two things of the network: adding one from any record's page (choose what the
other end is, find it among what the reader may see, say how they are linked), a peer group's
members and the places it uses, changing a link, ending a membership and withdrawing a link
entered in error (never deleted)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path

from core.pages import record_view, safe_next, submit

from .. import forms, selectors, services
from ..choices import LinkKind, LinkStatus, NodeKind
from ..permissions import network_permissions
from ..rules import identifier_typed
from .records import MEMBER_KINDS, RECORD_KINDS, recorder

ALL_OTHER_KINDS = tuple(kind for kind, _ in forms.OTHER_KINDS)


def _title_of(record) -> str:
    label = record._meta.label
    if label == "contacts.Child":
        return record.full_name
    if label == "cate.Case":
        return f"{record.reference} ({record.child.full_name})"
    return str(record)


def _link_add_page(request, record, *, other_kinds, link_kinds=None, member=False, heading: str):
    """Step one (GET): what the other end is, and a search. Step two (the results, GET; the link,
    POST): which one, how they are linked and what is known."""
    back = safe_next(request, record.get_absolute_url())
    data = request.POST if request.method == "POST" else (request.GET if "other_kind" in request.GET else None)
    find = forms.LinkFindForm(data, kinds=other_kinds)
    form = None
    if find.is_valid():
        other_kind, text = find.cleaned_data["other_kind"], find.cleaned_data["q"]
        choices = selectors.link_candidates(request.user, other_kind, text, exclude=record)
        form = forms.LinkAddForm(request.POST or None, choices=choices, kinds=link_kinds)
        new = request.method == "POST" and request.POST.get("other") == "new"

        def args(cleaned: dict) -> dict:
            details = {key: value for key, value in cleaned.items() if key != "other"}
            if new:
                kind, value = identifier_typed(text)
                return {**details, "a": record, "identifier_kind": kind, "value": value}
            other = selectors.record_to_link(request.user, other_kind, int(cleaned["other"]))
            return {**details, "a": other, "b": record} if member else {**details, "a": record, "b": other}

        response = submit(
            request,
            form,
            services.link_add_to_value if new else services.link_add,
            args=args,
            success=back,
            message="Link added",
        )
        if response is not None:
            return response
    elif request.method == "POST":
        find.add_error(None, "Search again for what it is linked to")
    return render(
        request,
        "network/link_add.html",
        {
            "record": record,
            "title": _title_of(record),
            "heading": heading,
            "find": find,
            "form": form,
            "back": back,
            "next": request.POST.get("next") or request.GET.get("next") or "",
        },
    )


def _link_add(slug: str, get, name: str):
    @record_view(get=get, permissions=network_permissions, allow=recorder)
    def view(request, record, perms):
        return _link_add_page(request, record, other_kinds=ALL_OTHER_KINDS, heading="Add a link")

    view.__name__ = name
    return view


@record_view(get=selectors.peer_group_get_for_user, permissions=network_permissions, allow=recorder)
def peer_group_member_add(request, group, perms):
    return _link_add_page(
        request,
        group,
        other_kinds=MEMBER_KINDS,
        link_kinds=[LinkKind.MEMBER_OF],
        member=True,
        heading="Add a member",
    )


@record_view(get=selectors.peer_group_get_for_user, permissions=network_permissions, allow=recorder)
def peer_group_place_add(request, group, perms):
    return _link_add_page(
        request,
        group,
        other_kinds=(NodeKind.PLACE,),
        link_kinds=[LinkKind.USES_PLACE],
        heading="Add a place the group uses",
    )


def _withdrawn(request, link):
    """A withdrawn link cannot be changed: its forms send a GET back, and the service refuses a POST
    made before it was withdrawn (on the form, keeping what was typed)."""
    if request.method != "POST" and link.status != LinkStatus.ACTIVE:
        messages.info(request, "This link was withdrawn: it cannot be changed")
        return redirect(safe_next(request, _home_of(link)))
    return None


def _home_of(link) -> str:
    """The page a link's forms return to without a `next`: its first end that is the network's own."""
    for end in (link.a, link.b):
        if end.kind not in (NodeKind.CHILD, NodeKind.CASE):
            return end.target.get_absolute_url()
    return link.a.target.get_absolute_url()


def _ends(request, link) -> list[dict]:
    """The link's two ends as its pages name them: the page of each only when the reader may open it."""
    return selectors.link_ends(request.user, link)


def _link_page(request, link, form, template: str, **extra):
    return render(
        request,
        template,
        {
            "link": link,
            "form": form,
            "ends": _ends(request, link),
            "back": safe_next(request, _home_of(link)),
            "next": request.POST.get("next") or request.GET.get("next") or "",
            "history": selectors.history_of(link),
            **extra,
        },
    )


@record_view(get=selectors.link_get_for_user, permissions=network_permissions, allow=recorder)
def link_edit(request, link, perms):
    gone = _withdrawn(request, link)
    if gone is not None:
        return gone
    initial = {
        "relationship": link.relationship,
        "reported_by": link.reported_by,
        "first_seen": link.first_seen,
        "last_seen": link.last_seen,
        "confidence": link.confidence,
        "notes": link.notes,
        "offer_sti_screening": link.offer_sti_screening,
        "version": link.version,
    }
    form = forms.LinkChangeForm(request.POST or None, initial=initial)
    response = submit(
        request, form, services.link_update, link=link, success=safe_next(request, _home_of(link)), message="Link saved"
    )
    return response or _link_page(request, link, form, "network/link_form.html")


@record_view(get=selectors.link_get_for_user, permissions=network_permissions, allow=recorder)
def link_end(request, link, perms):
    """A membership (or any link) that has ended: the date it ended is its last seen."""
    gone = _withdrawn(request, link)
    if gone is not None:
        return gone
    form = forms.LinkEndForm(request.POST or None, initial={"version": link.version, "last_seen": link.last_seen})

    def args(cleaned: dict) -> dict:
        kept = ("relationship", "reported_by", "first_seen", "confidence", "notes")
        return {**{name: getattr(link, name) for name in kept}, "last_seen": cleaned["last_seen"]}

    response = submit(
        request,
        form,
        services.link_update,
        link=link,
        args=args,
        success=safe_next(request, _home_of(link)),
        message="End date saved",
    )
    return response or _link_page(request, link, form, "network/link_end.html")


@record_view(get=selectors.link_get_for_user, permissions=network_permissions, allow=recorder)
def link_withdraw(request, link, perms):
    gone = _withdrawn(request, link)
    if gone is not None:
        return gone
    form = forms.LinkWithdrawForm(request.POST or None, initial={"version": link.version})
    response = submit(
        request,
        form,
        services.link_withdraw,
        link=link,
        success=safe_next(request, _home_of(link)),
        message="Link withdrawn",
    )
    return response or _link_page(request, link, form, "network/link_withdraw.html")


def urlpatterns_of_links() -> list:
    patterns = [
        path(
            f"{kind.prefix}/<int:pk>/links/add/",
            _link_add(kind.slug, kind.get, f"{kind.slug}_link_add"),
            name=f"{kind.slug}_link_add",
        )
        for kind in RECORD_KINDS
    ]
    child, case = selectors.child_get_for_linking, selectors.case_get_for_linking
    return [
        *patterns,
        path("children/<int:pk>/links/add/", _link_add("child", child, "child_link_add"), name="child_link_add"),
        path("cases/<int:pk>/links/add/", _link_add("case", case, "case_link_add"), name="case_link_add"),
        path("peer-groups/<int:pk>/members/add/", peer_group_member_add, name="peer_group_member_add"),
        path("peer-groups/<int:pk>/places/add/", peer_group_place_add, name="peer_group_place_add"),
        path("links/<int:pk>/edit/", link_edit, name="link_edit"),
        path("links/<int:pk>/end/", link_end, name="link_end"),
        path("links/<int:pk>/withdraw/", link_withdraw, name="link_withdraw"),
    ]

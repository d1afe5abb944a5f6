"""Linking from where the information appears: a missing episode's place and the people the child
was found with, a person named in an agency's answer to an enquiry, and the persons of concern an
enquiry asks about. Each page reads its source through the owning app's selectors (404 when the
reader may not see it) and writes through network.services."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from contacts.choices import MaceStatus
from core import pages

from .. import selectors, services, source_forms
from ..choices import LinkSource
from ..permissions import network_permissions
from ..sections import rows_of
from ..services.sources import can_change_mace_subjects


def _query(request, default: str = "") -> str:
    """What the reader searched for: the form's `q` on a POST, the address's on a GET (or the
    default the page starts from)."""
    source = request.POST if request.method == "POST" else request.GET
    if request.method != "POST" and "q" not in source:
        return default[:200]
    search = source_forms.SearchForm({"q": source.get("q", "")})
    return search.cleaned_data["q"] if search.is_valid() else ""


def _form(request, form_class, q: str, found, **kwargs):
    data = request.POST if request.method == "POST" else None
    return form_class(data, initial={"q": q}, found=found, **kwargs)


def _recorder(perms) -> bool:
    return perms.can_record


# --- A missing episode ------------------------------------------------------------------------

_episode_page = pages.record_view(get=selectors.missing_episode_get_for_user, permissions=network_permissions)
_episode_form = pages.record_view(
    get=selectors.missing_episode_get_for_user, permissions=network_permissions, allow=_recorder
)


@require_GET
@_episode_page
def missing_episode(request, episode, perms):
    """Where the child was found (the episode's own words), and the places and people linked from it."""
    links = selectors.links_from_sources(request.user, LinkSource.MISSING_EPISODE, [episode.pk])
    return render(
        request,
        "network/sources/missing_episode.html",
        {"episode": episode, "perms": perms, "rows": rows_of(links, children=[episode.child_id])},
    )


@require_http_methods(["GET", "POST"])
@_episode_form
def missing_episode_place(request, episode, perms):
    q = _query(request, default=episode.where_found)
    form = _form(request, source_forms.EpisodePlaceForm, q, selectors.places_matching(request.user, q))
    response = pages.submit(
        request,
        form,
        services.episode_link_place,
        episode=episode,
        args=lambda data: {
            **form.picked(data),
            "kind": data["kind"],
            "confidence": data["confidence"],
            "notes": data["notes"],
        },
        success=lambda link: _episode_url(episode),
        message="Place linked to the missing episode",
    )
    return response or render(
        request,
        "network/sources/episode_place_form.html",
        {"episode": episode, "form": form, "q": q, "search": source_forms.SearchForm(initial={"q": q})},
    )


@require_http_methods(["GET", "POST"])
@_episode_form
def missing_episode_person(request, episode, perms):
    q = _query(request)
    user = request.user
    children = [child for child in selectors.children_matching(user, q) if child.pk != episode.child_id]
    form = _form(request, source_forms.EpisodePersonForm, q, [*selectors.persons_matching(user, q), *children])
    response = pages.submit(
        request,
        form,
        services.episode_link_person,
        episode=episode,
        args=lambda data: {**form.picked(data), "confidence": data["confidence"], "notes": data["notes"]},
        success=lambda link: _episode_url(episode),
        message="Linked: found with",
    )
    return response or render(
        request,
        "network/sources/person_pick_form.html",
        {
            "form": form,
            "q": q,
            "search": source_forms.SearchForm(initial={"q": q}),
            "caption": f"Missing episode of {episode.child.full_name}",
            "heading": "Who was the child found with?",
            "back": _episode_url(episode),
            "button": "Link the person",
            "children_too": True,
        },
    )


def _episode_url(episode) -> str:
    return reverse("network:missing_episode", kwargs={"pk": episode.pk})


# --- An agency's answer to an enquiry ---------------------------------------------------------


@require_http_methods(["GET", "POST"])
@pages.record_view(get=selectors.mace_entry_get_for_user, permissions=network_permissions, allow=_recorder, log=False)
def mace_answer_link(request, entry, perms):
    mace = entry.request
    if request.method == "GET":
        pages.log(request, mace, mace.contact.child)
    q = _query(request)
    form = _form(request, source_forms.AnswerPersonForm, q, selectors.persons_matching(request.user, q))
    response = pages.submit(
        request,
        form,
        services.mace_answer_link_person,
        entry=entry,
        args=lambda data: {
            **form.picked(data),
            "kind": data["kind"],
            "relationship": data["relationship"],
            "confidence": data["confidence"],
            "notes": data["notes"],
        },
        success=mace.get_absolute_url(),
        message="Person of concern linked to the child",
    )
    return response or render(
        request,
        "network/sources/person_pick_form.html",
        {
            "form": form,
            "q": q,
            "search": source_forms.SearchForm(initial={"q": q}),
            "caption": f"Enquiry {mace.pk} about {mace.contact.child.full_name}",
            "heading": "Link a person of concern named in this answer",
            "entry": entry,
            "back": mace.get_absolute_url(),
            "button": "Link the person",
        },
    )


# --- The persons an enquiry asks about --------------------------------------------------------


def _closed(mace) -> str | None:
    if mace.status != MaceStatus.OPEN:
        return "This enquiry is closed: the persons it asks about can no longer change"
    return None


_mace_form = pages.record_view(
    get=selectors.mace_request_get_for_user,
    permissions=lambda user, mace: can_change_mace_subjects(user),
    allow=bool,
    log=False,
    closed=_closed,
)


@require_http_methods(["GET", "POST"])
@_mace_form
def mace_subject_add(request, mace, perms):
    if request.method == "GET":
        pages.log(request, mace, mace.contact.child)
    q = _query(request)
    form = _form(request, source_forms.MaceSubjectForm, q, selectors.persons_matching(request.user, q))
    response = pages.submit(
        request,
        form,
        services.mace_subject_add,
        mace=mace,
        args=form.picked,
        success=mace.get_absolute_url(),
        message="The enquiry now asks about the person of concern too",
    )
    return response or render(
        request,
        "network/sources/person_pick_form.html",
        {
            "form": form,
            "q": q,
            "search": source_forms.SearchForm(initial={"q": q}),
            "caption": f"Enquiry {mace.pk} about {mace.contact.child.full_name}",
            "heading": "Add a person of concern to the enquiry",
            "intro": "The agencies asked will see the person's name, nicknames and description, nothing else "
            "of the network.",
            "back": mace.get_absolute_url(),
            "button": "Add the person",
        },
    )


@require_http_methods(["GET", "POST"])
@_mace_form
def mace_subject_remove(request, mace, perms):
    if request.method == "GET":
        pages.log(request, mace, mace.contact.child)
    form = source_forms.MaceSubjectRemoveForm(
        request.POST if request.method == "POST" else None, subjects=selectors.mace_subjects_for(request.user, mace)
    )
    if request.method == "POST" and not form.subjects:
        messages.info(request, "The enquiry asks about no person of concern.")
        return redirect(mace)
    response = pages.submit(
        request,
        form,
        services.mace_subject_remove,
        args=lambda data: {"subject": form.subjects[data["subject"]], "reason": data["reason"]},
        success=mace.get_absolute_url(),
        message="Person taken off the enquiry",
    )
    return response or render(request, "network/sources/mace_subject_remove.html", {"mace": mace, "form": form})

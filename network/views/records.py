"""The network's own records: persons of concern, places, vehicles, numbers and handles, peer
groups. For each: a list with search and filters, a page (its details, its links, who changed it
last and its history), adding, changing, and marking it entered in error.

Readers of the network read them (police partners, and panel members while invited to an open
panel, too); everyone else gets 404, as for a record that does not exist. Those who only read
(group managers, panel members) are refused the forms (403)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_GET

from core import audit
from core.forms import for_a_new_record
from core.pages import contributions, log_many, paginate, query_without_page, record_view, submit

from .. import forms, selectors, services
from ..choices import LinkKind, NetworkStatus, NodeKind
from ..graph import SEGMENTS
from ..models import Identifier, PeerGroup, Person, Place, Vehicle
from ..permissions import can_read_network, can_record_network, network_permissions
from .merge import person_merge_context

recorder = attrgetter("can_record")


def require_reader(request) -> None:
    """The network's pages are for its readers; to anyone else they do not exist."""
    if not can_read_network(request.user):
        raise Http404


def closed_message(record) -> str | None:
    """A record merged or entered in error is kept as it was: it cannot be changed."""
    if record.status == NetworkStatus.MERGED:
        return "This record was merged into another: change that one"
    if record.status == NetworkStatus.ENTERED_IN_ERROR:
        return "This record was marked as entered in error: it cannot be changed"
    return None


@dataclass(frozen=True)
class RecordKind:
    """One kind of the network's own records and what its pages use."""

    slug: str  # "person": the URL names (person_list, person_detail, ...) and templates
    prefix: str  # "persons": the URL path
    name: str  # "person of concern"
    plural: str  # "Persons of concern"
    model: type
    get: Callable
    list: Callable
    filter_form: type
    form: type
    create: Callable
    update: Callable
    update_key: str  # the update service's keyword for the record
    fields: tuple[str, ...]  # the form's fields, read from the record to change it
    filters: Callable  # the filter form -> the list selector's keywords
    added: str  # the message on adding


def _person_filters(form) -> dict:
    return {
        "text": form.value("q"),
        "kind": form.value("kind"),
        "police_status": form.value("police_status"),
        "staff_safety": form.flag("staff_safety"),
    }


KINDS: dict[str, RecordKind] = {
    kind.slug: kind
    for kind in (
        RecordKind(
            "person",
            "persons",
            "person of concern",
            "Persons of concern",
            Person,
            selectors.person_get_for_user,
            selectors.person_list_for_user,
            forms.PersonFilterForm,
            forms.PersonForm,
            services.person_create,
            services.person_update,
            "person",
            tuple(f for f in forms.PersonForm.base_fields if f != "version"),
            _person_filters,
            "Person of concern added",
        ),
        RecordKind(
            "place",
            "places",
            "place",
            "Places",
            Place,
            selectors.place_get_for_user,
            selectors.place_list_for_user,
            forms.PlaceFilterForm,
            forms.PlaceForm,
            services.place_create,
            services.place_update,
            "place",
            tuple(f for f in forms.PlaceForm.base_fields if f != "version"),
            lambda form: {"text": form.value("q"), "kind": form.value("kind"), "hotspot": form.flag("hotspot")},
            "Place added",
        ),
        RecordKind(
            "vehicle",
            "vehicles",
            "vehicle",
            "Vehicles",
            Vehicle,
            selectors.vehicle_get_for_user,
            selectors.vehicle_list_for_user,
            forms.VehicleFilterForm,
            forms.VehicleForm,
            services.vehicle_create,
            services.vehicle_update,
            "vehicle",
            tuple(f for f in forms.VehicleForm.base_fields if f != "version"),
            lambda form: {"text": form.value("q"), "kind": form.value("kind")},
            "Vehicle added",
        ),
        RecordKind(
            "identifier",
            "identifiers",
            "number or handle",
            "Numbers, handles and e-mail addresses",
            Identifier,
            selectors.identifier_get_for_user,
            selectors.identifier_list_for_user,
            forms.IdentifierFilterForm,
            forms.IdentifierForm,
            services.identifier_create,
            services.identifier_update,
            "identifier",
            tuple(f for f in forms.IdentifierForm.base_fields if f != "version"),
            lambda form: {"text": form.value("q"), "kind": form.value("kind")},
            "Number or handle added",
        ),
        RecordKind(
            "peer_group",
            "peer-groups",
            "peer group",
            "Peer groups",
            PeerGroup,
            selectors.peer_group_get_for_user,
            selectors.peer_group_list_for_user,
            forms.PeerGroupFilterForm,
            forms.PeerGroupForm,
            services.peer_group_create,
            services.peer_group_update,
            "group",
            ("name", "description"),
            lambda form: {"text": form.value("q")},
            "Peer group added",
        ),
    )
}


# In the order the index lists them.
RECORD_KINDS = tuple(KINDS[slug] for slug in KINDS)


@require_GET
def index(request):
    require_reader(request)
    return render(
        request,
        "network/index.html",
        {"kinds": RECORD_KINDS, "perms": network_permissions(request.user)},
    )


def _list(kind: RecordKind):
    @require_GET
    def view(request):
        require_reader(request)
        form = kind.filter_form(request.GET or None)
        page = paginate(request, kind.list(request.user, **kind.filters(form)))
        log_many(request, page.object_list)
        return render(
            request,
            f"network/{kind.slug}_list.html",
            {
                "kind": kind,
                "form": form,
                "page": page,
                "query": query_without_page(request),
                "perms": network_permissions(request.user),
                "searched": bool(request.GET.get("q") or any(v for k, v in request.GET.items() if k != "page")),
            },
        )

    view.__name__ = f"{kind.slug}_list"
    return view


def _form(kind: RecordKind, request, **kwargs):
    if kind.slug == "person":
        kwargs["children"] = selectors.children_visible_for_person(request.user)
    return kind.form(request.POST or None, **kwargs)


NOT_A_DUPLICATE = "not_a_duplicate"


def _likely_duplicates(request, kind: RecordKind, form) -> list:
    """A person being added who may already be recorded: the likely duplicates, shown before the
    record is made, until the recorder confirms it is someone else (nothing typed is lost)."""
    if kind.slug != "person" or request.method != "POST" or request.POST.get(NOT_A_DUPLICATE) == "yes":
        return []
    if not form.is_valid():
        return []
    data = form.cleaned_data
    likely = selectors.person_likely_duplicates(
        request.user,
        first_name=data.get("first_name", ""),
        last_name=data.get("last_name", ""),
        aliases=data.get("aliases", ""),
        date_of_birth=data.get("date_of_birth"),
        age_band=data.get("age_band", ""),
    )
    if likely:
        form.add_error(
            None,
            "This person may already be recorded: check the likely duplicates below, then confirm this is someone "
            "else to add a new record",
        )
    return likely


def _add(kind: RecordKind):
    def view(request):
        require_reader(request)
        if not can_record_network(request.user):
            raise PermissionDenied
        form = for_a_new_record(_form(kind, request))
        likely = _likely_duplicates(request, kind, form)
        response = None
        if not likely:
            response = submit(
                request, form, kind.create, success=lambda record: record.get_absolute_url(), message=kind.added
            )
        context = {"kind": kind, "form": form, "record": None, "likely_duplicates": likely}
        return response or render(request, "network/record_form.html", context)

    view.__name__ = f"{kind.slug}_add"
    return view


def _detail(kind: RecordKind):
    @require_GET
    @record_view(get=kind.get, permissions=network_permissions)
    def view(request, record, perms):
        rows = selectors.link_rows(request.user, record, include_withdrawn=True)
        context = {
            "kind": kind,
            "record": record,
            "perms": perms,
            "rows": rows,
            "last_change": audit.last_change(record),
            "history": selectors.history_of(record),
            "current": record.status == NetworkStatus.ACTIVE,
            "map_kind": SEGMENTS[kind.slug],
            # What higher apps add to the page (core.contract `record_page_sections`: the disruption register).
            "contributions": contributions(request, "record_page", record),
        }
        if kind.slug == "person":
            context["child_readable"] = selectors.person_child_readable(request.user, record)
            context.update(person_merge_context(request.user, record))
        if kind.slug == "peer_group":
            context.update(peer_group_rows(rows))
        return render(request, f"network/{kind.slug}_detail.html", context)

    view.__name__ = f"{kind.slug}_detail"
    return view


def peer_group_rows(rows: list) -> dict:
    """A peer group's links in three tables: its members (children and persons), the places it
    uses, and the rest."""
    members = [row for row in rows if row.link.kind == LinkKind.MEMBER_OF and row.other.kind in MEMBER_KINDS]
    places = [row for row in rows if row.link.kind == LinkKind.USES_PLACE and row.other.kind == NodeKind.PLACE]
    shown = {id(row) for row in members + places}
    return {"members": members, "places": places, "rows": [row for row in rows if id(row) not in shown]}


MEMBER_KINDS = (NodeKind.CHILD, NodeKind.PERSON)


def _initial(kind: RecordKind, record) -> dict:
    initial = {name: getattr(record, name) for name in kind.fields if name != "child"}
    if "child" in kind.fields:
        initial["child"] = record.child_id
    initial["version"] = record.version
    return initial


def _edit(kind: RecordKind):
    @record_view(get=kind.get, permissions=network_permissions, allow=recorder, closed=closed_message)
    def view(request, record, perms):
        form = _form(kind, request, initial=_initial(kind, record))
        response = submit(
            request,
            form,
            kind.update,
            **{kind.update_key: record},
            success=record.get_absolute_url(),
            message="Changes saved",
        )
        return response or render(request, "network/record_form.html", {"kind": kind, "form": form, "record": record})

    view.__name__ = f"{kind.slug}_edit"
    return view


def _entered_in_error(kind: RecordKind):
    @record_view(get=kind.get, permissions=network_permissions, allow=recorder, closed=closed_message)
    def view(request, record, perms):
        form = forms.EnteredInErrorForm(request.POST or None, initial={"version": record.version})
        response = submit(
            request,
            form,
            services.record_mark_entered_in_error,
            record=record,
            success=record.get_absolute_url(),
            message="Marked as entered in error",
        )
        return response or render(
            request, "network/record_entered_in_error.html", {"kind": kind, "form": form, "record": record}
        )

    view.__name__ = f"{kind.slug}_entered_in_error"
    return view


def urlpatterns_of_records() -> list:
    patterns = []
    for kind in RECORD_KINDS:
        slug, prefix = kind.slug, kind.prefix
        patterns += [
            path(f"{prefix}/", _list(kind), name=f"{slug}_list"),
            path(f"{prefix}/add/", _add(kind), name=f"{slug}_add"),
            path(f"{prefix}/<int:pk>/", _detail(kind), name=f"{slug}_detail"),
            path(f"{prefix}/<int:pk>/edit/", _edit(kind), name=f"{slug}_edit"),
            path(f"{prefix}/<int:pk>/entered-in-error/", _entered_in_error(kind), name=f"{slug}_entered_in_error"),
        ]
    return patterns


def list_url(kind: RecordKind) -> str:
    return reverse(f"network:{kind.slug}_list")

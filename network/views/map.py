"""The network map of a child, case, person, place, vehicle, number or peer group: the drawing, the
same content as a table beneath it (sorted by the query string, no script), the analysis, and a
printable table. Every map is access-logged (each child shown); the printable table as an export."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from core import audit
from core.choices import AccessAction
from core.pages import log, log_many, paginate, query_without_page, record_view
from core.reauth import fresh_sign_in_required

from .. import analysis, drawing, graph, services
from ..choices import NodeKind
from ..forms import MapFilterForm

TABLE_PAGE_SIZE = 100
COLUMNS = (
    ("from", "Linked"),
    ("kind", "Link"),
    ("to", "To"),
    ("confidence", "Confidence"),
    ("first_seen", "First seen"),
    ("last_seen", "Last seen"),
    ("source", "Source"),
    ("steps", "Steps"),
)


def _title(subject, kind: str) -> str:
    if kind == NodeKind.CHILD:
        return subject.full_name or f"Child {subject.pk}"
    if kind == NodeKind.CASE:
        return f"{subject.reference} ({subject.child.full_name})"
    return str(subject)


def _child_of(subject, kind: str):
    """The child whose map this is (a child's or a case's), or None."""
    if kind == NodeKind.CHILD:
        return subject
    if kind == NodeKind.CASE:
        return subject.child
    return None


def _sort_headers(request, sort: str | None) -> list[dict]:
    """Each column's header: a link sorting by it (the other way when it is the current order)."""
    column, descending = graph.sort_key(sort)
    query = request.GET.copy()
    query.pop("page", None)
    headers = []
    for key, label in COLUMNS:
        current = key == column
        query["sort"] = f"-{key}" if current and not descending else key
        headers.append(
            {
                "label": label,
                "url": f"?{query.urlencode()}",
                "aria_sort": ("descending" if descending else "ascending") if current else "none",
            }
        )
    return headers


def _map(request, subject):
    kind = graph.kind_of(subject)
    form = MapFilterForm(request.GET)
    filters = form.filters()
    network_map = graph.walk(request.user, subject, filters)
    title = _title(subject, kind)
    sort = request.GET.get("sort")
    more = request.GET.copy()
    more.pop("page", None)
    if filters.more_cap:
        more["cap"] = str(filters.more_cap)
    own = [n for n in network_map.centre if n.kind == kind and n.target.pk == subject.pk]
    return {
        "subject": subject,
        "subject_page": own[0].page_url if own and own[0].page_url != own[0].map_url else "",
        "kind": kind,
        "kind_label": NodeKind(kind).label,
        "segment": graph.SEGMENTS[kind],
        "title": title,
        "form": form,
        "filters": filters,
        "map": network_map,
        "drawing": drawing.draw(network_map, title=f"Network map of {title}"),
        "edges": graph.sorted_edges(network_map, sort),
        "headers": _sort_headers(request, sort),
        "show_more": f"?{more.urlencode()}" if filters.more_cap else "",
        "query": request.GET.urlencode(),
        "max_links": graph.MAX_LINKS,
    }


def _log(request, context, *, action: str, contents: dict) -> None:
    """The subject and every child shown (a child, a case, a child as a person of concern)."""
    subject = context["subject"]
    log(request, subject, action=action, contents=contents)
    log_many(request, context["map"].child_records(besides=subject), action=action, contents=contents)


def _contents(context, kind: str) -> dict:
    network_map = context["map"]
    links = sorted(edge.pk for edge in network_map.edges if edge.pk)
    return audit.export_contents(
        kind,
        f"Network map of {context['segment']} {context['subject'].pk}: {len(network_map.nodes)} things, "
        f"{len(links)} links, {len(network_map.child_ids)} children",
        subject={"kind": context["segment"], "pk": context["subject"].pk},
        filters=context["filters"].describe(),
        children=sorted(network_map.child_ids),
        links=links,
    )


@require_GET
@record_view(get=graph.map_subject_get_for_user, keys=("kind", "pk"), log=False)
def network_map(request, subject, _perms):
    context = _map(request, subject)
    context["page"] = paginate(request, context["edges"], size=TABLE_PAGE_SIZE)
    context["page_query"] = query_without_page(request)
    context["analysis"] = analysis.analyse(context["map"])
    context["at_risk"] = None  # on a child's or a case's map only
    child = _child_of(subject, context["kind"])
    if child is not None:
        context["at_risk"], context["at_risk_total"] = analysis.children_at_risk(request.user, child)
    _log(request, context, action=AccessAction.VIEW, contents=_contents(context, "network_map"))
    if child is not None:
        # Those who may see the children this reader may not are told; nothing of it reaches the page.
        services.at_risk_alerts_send(child=child, actor=request.user)
    return render(request, "network/map.html", context)


@require_GET
@record_view(get=graph.map_subject_get_for_user, keys=("kind", "pk"), log=False)
@fresh_sign_in_required
def network_map_print(request, subject, _perms):
    context = _map(request, subject)
    _log(request, context, action=AccessAction.EXPORT, contents=_contents(context, "network_map_table"))
    return render(request, "network/map_print.html", context)

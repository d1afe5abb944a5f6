"""Hotspots and the cohort's profile (issue 18 §5), for the holders of `analyse_network` (the panel's
and the partnership's analysts: CATE team leaders, group managers, Family Connect managers).

- Places by the number of children linked to them and of missing episodes linked to them in a
  period: a link of a child (or of a child's case) to the place counts when its seen dates (first
  and last seen, else the day it was recorded) meet the period; a missing episode is a link from a
  missing episode (source `missing_episode`, one episode however many links it made) or a link of
  the kinds "goes missing to" and "found at".
- The profile of the CATE cohort (children with a CATE case) linked in the period to persons of
  concern, places, or either: age at the end of the period, gender, ethnicity, and the exploitation
  types of their latest case.

Everything is read through network.selectors: a child the reader may not see (a restricted child not
naming them, a case they may not open) is in no count. Hotspots are sensitive (redacted in public
versions, seed 001 L761-762): these pages are the only place they are counted, never an aggregate
report, a dashboard or an export (tests/network/test_analysis.py checks reporting's outputs).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db import models
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, When
from django.db.models.functions import Coalesce, TruncDate

from cate.models import Case
from contacts.choices import Ethnicity, Gender
from contacts.models import Child
from contacts.visibility import children_visible_to

from .choices import LinkKind, LinkSource, NetworkStatus, NodeKind
from .models import Link, Place
from .selectors import links_visible_to, places_visible_to

CHILD_ENDS = (NodeKind.CHILD, NodeKind.CASE)
MISSING_KINDS = (LinkKind.GOES_MISSING_TO, LinkKind.FOUND_AT)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date


def links_in_period(user, period: Period) -> QuerySet[Link]:
    """The links `user` may read whose seen dates meet the period (a link with no dates: the day it
    was recorded)."""
    recorded = TruncDate("created_at")
    return (
        links_visible_to(user)
        .annotate(
            seen_from=Coalesce("first_seen", "last_seen", recorded),
            seen_to=Coalesce("last_seen", "first_seen", recorded),
        )
        .filter(seen_from__lte=period.end, seen_to__gte=period.start)
    )


def _child_of(end: str):
    return Coalesce(f"{end}__child_id", f"{end}__case__child_id")


def hotspot_rows(user, period: Period, *, hotspots_only: bool = False) -> QuerySet:
    """One row per place with a child linked in the period: {"place", "children", "episodes"}, the
    most children first (then the most episodes). Rows only; `places_for` loads a page's places."""
    place_first = Q(a__kind=NodeKind.PLACE)
    places = places_visible_to(user).filter(status=NetworkStatus.ACTIVE)
    if hotspots_only:
        places = places.filter(is_hotspot=True)
    episode = models.Case(
        When(source=LinkSource.MISSING_EPISODE, source_record__isnull=False, then=F("source_record")),
        When(kind__in=MISSING_KINDS, then=-F("pk")),  # an episode of its own, not from a record
        default=None,
        output_field=IntegerField(),
    )
    return (
        links_in_period(user, period)
        .filter(Q(a__kind=NodeKind.PLACE, b__kind__in=CHILD_ENDS) | Q(b__kind=NodeKind.PLACE, a__kind__in=CHILD_ENDS))
        .annotate(
            place=models.Case(When(place_first, then=F("a__place_id")), default=F("b__place_id")),
            child=models.Case(When(place_first, then=_child_of("b")), default=_child_of("a")),
            episode=episode,
        )
        .filter(place__in=places.values("pk"))
        .order_by()
        .values("place")
        .annotate(children=Count("child", distinct=True), episodes=Count("episode", distinct=True))
        .order_by("-children", "-episodes", "place")
    )


def places_for(rows) -> list[dict]:
    """A page of hotspot rows with their places (one query)."""
    rows = list(rows)
    places = Place.objects.in_bulk([row["place"] for row in rows])
    return [{**row, "place": places[row["place"]]} for row in rows]


# --- The cohort's profile -----------------------------------------------------------------------

LINKED_TO = {
    "any": ("persons of concern or places", (NodeKind.PERSON, NodeKind.PLACE)),
    "person": ("persons of concern", (NodeKind.PERSON,)),
    "place": ("places", (NodeKind.PLACE,)),
}
AGE_BANDS = (
    (0, 9, "Under 10"),
    (10, 12, "10 to 12"),
    (13, 15, "13 to 15"),
    (16, 17, "16 to 17"),
    (18, 200, "18 and over"),
)
NOT_KNOWN = "Not known"
NOT_RECORDED = "Not recorded"


def cohort_children(user, period: Period, linked_to: str = "any") -> QuerySet[Child]:
    """The children with a CATE case that `user` may see, linked in the period to what `linked_to`
    names (persons of concern, places, or either)."""
    kinds = LINKED_TO[linked_to][1]
    links = links_in_period(user, period).filter(
        Q(a__kind__in=kinds, b__kind__in=CHILD_ENDS) | Q(b__kind__in=kinds, a__kind__in=CHILD_ENDS)
    )
    linked = Q()
    for path in ("a__child", "b__child", "a__case__child", "b__case__child"):
        linked |= Q(pk__in=links.filter(**{f"{path}__isnull": False}).values(path))
    return (
        children_visible_to(user)
        .filter(Exists(Case.objects.filter(child=OuterRef("pk"))))
        .filter(linked)
        .order_by("pk")
    )


@dataclass(frozen=True)
class Breakdown:
    label: str
    rows: tuple[tuple[str, int, int], ...]  # (group, count, percent of the children)


def _age(born: dt.date | None, on: dt.date) -> str:
    if born is None:
        return NOT_KNOWN
    years = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return next((label for low, high, label in AGE_BANDS if low <= years <= high), NOT_KNOWN)


def _rows(counts: Counter, order: list[str], total: int) -> tuple[tuple[str, int, int], ...]:
    return tuple((label, counts[label], round(100 * counts[label] / total) if total else 0) for label in order)


def cohort_profile(children: list[Child], period: Period) -> tuple[Breakdown, ...]:
    """Age at the end of the period, gender, ethnicity, and exploitation types of the latest case (a
    child may have more than one type: those percentages add up to more than 100)."""
    total = len(children)
    latest: dict[int, tuple[bool, bool, bool]] = {}
    cases = Case.objects.filter(child__in=[child.pk for child in children]).order_by("child_id", "-opened_at", "-pk")
    for child_id, cse, cce, other in cases.values_list("child_id", "cse", "cce", "other_exploitation"):
        latest.setdefault(child_id, (cse, cce, other))
    ages = Counter(_age(child.date_of_birth, period.end) for child in children)
    genders = Counter(Gender(child.gender or Gender.NOT_KNOWN).label for child in children)
    ethnicities = Counter(Ethnicity(child.ethnicity).label if child.ethnicity else NOT_RECORDED for child in children)
    types: Counter = Counter()
    for child in children:
        cse, cce, other = latest.get(child.pk, (False, False, False))
        for label, present in (("CSE", cse), ("CCE", cce), ("Other exploitation", other)):
            types[label] += present
        types["None recorded"] += not (cse or cce or other)
    seen_ethnicities = [label for label in [*Ethnicity.labels, NOT_RECORDED] if ethnicities[label]]
    return (
        Breakdown("Age at the end of the period", _rows(ages, [*(label for *_, label in AGE_BANDS), NOT_KNOWN], total)),
        Breakdown("Gender", _rows(genders, list(Gender.labels), total)),
        Breakdown("Ethnicity", _rows(ethnicities, seen_ethnicities, total)),
        Breakdown("Exploitation type", _rows(types, ["CSE", "CCE", "Other exploitation", "None recorded"], total)),
    )

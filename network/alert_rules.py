"""Alerts of the exploitation network (core.alerts, declared in the AppConfig's `alert_rules`).

- `network_release`: a person of concern's release date falls within RELEASE_NOTICE (28 days).
- `network_awn`: an Abduction Warning Notice expires within AWN_NOTICE (14 days: two weeks leaves
  time to ask the police to renew it before it lapses).
- `network_link`: a new link (added within NEW_LINK_WINDOW) between an open case's child (or the
  case) and a person of concern with a staff-safety warning, or a hotspot place.

Who is told: the allocated worker of each open case of a child linked to the person or place; a
case nobody holds goes to the CATE team leaders. Each recipient is told only of a link they may read
(network.selectors.links_visible_to) on a case they may open, so a restricted child reaches only
the staff named on it. Titles name the recipient's case by its reference and never the other end of
the link (another child, or a juvenile person of concern who is one).

Exactly once (core.alerts): the key is the rule, the record and case, and the date (release date,
expiry date, the link's creation), so a second run, or two workers at once, send nothing twice; a
changed release or expiry date is a new alert. The runner's escalation never applies (the items are
not overdue work), and a case nobody holds names its recipients itself so that the runner never
falls back on every team leader regardless of what they may see.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse

from cate.choices import LIVE_CASE_STATUSES
from cate.models import Case
from cate.selectors import cases_visible_to
from core import clock
from core.alerts import AlertRule, Candidate, Stage
from core.roles import Role
from core.selectors import ServiceSettings

from .choices import LinkStatus, NetworkStatus, NodeKind
from .models import Link, Node, Person
from .selectors import links_visible_to

RELEASE_NOTICE = timedelta(days=28)
AWN_NOTICE = timedelta(days=14)
NEW_LINK_WINDOW = timedelta(days=7)  # a run after an outage of up to a week still catches a new link


@dataclass(frozen=True)
class _CaseLink:
    link_id: int
    concern_node_id: int  # the person's or place's node
    case_id: int
    reference: str
    worker_id: int | None


def _live_case_links(links) -> list[_CaseLink]:
    """For links (a queryset) of which one end is in `concern` nodes: one row per link and open case
    of the child (or case) at the other end."""
    rows = list(
        links.values_list(
            "pk", "a_id", "b_id", "a__kind", "b__kind", "a__child_id", "b__child_id", "a__case_id", "b__case_id"
        )
    )
    ends = []  # (link id, concern node id, child id, case id)
    for pk, a_id, b_id, a_kind, b_kind, a_child, b_child, a_case, b_case in rows:
        for kind, child, case, concern in ((a_kind, a_child, a_case, b_id), (b_kind, b_child, b_case, a_id)):
            if kind in (NodeKind.CHILD, NodeKind.CASE):
                ends.append((pk, concern, child, case))
    if not ends:
        return []
    children = {child for _, _, child, _ in ends if child}
    case_ids = {case for _, _, _, case in ends if case}
    cases = Case.objects.filter(Q(child_id__in=children) | Q(pk__in=case_ids), status__in=LIVE_CASE_STATUSES)
    by_child, by_pk = defaultdict(list), {}
    for pk, child_id, reference, worker in cases.values_list("pk", "child_id", "reference", "allocated_worker_id"):
        by_child[child_id].append((pk, reference, worker))
        by_pk[pk] = (pk, reference, worker)
    found = []
    for link_id, concern, child, case in ends:
        open_cases = by_child.get(child, []) if child else [by_pk[case]] if case in by_pk else []
        found += [_CaseLink(link_id, concern, *open_case) for open_case in open_cases]
    return found


class _Readers:
    """Who is told of a case's link, and whether each may read it (one pair of queries per person
    asked, whatever the number of links)."""

    def __init__(self, case_links: list[_CaseLink]):
        self.link_ids = {row.link_id for row in case_links}
        self.case_ids = {row.case_id for row in case_links}
        User = get_user_model()
        self.leaders = sorted(
            User.objects.filter(groups__name=Role.TEAM_LEADER.label, is_active=True, is_system=False).values_list(
                "pk", flat=True
            )
        )
        wanted = set(self.leaders) | {row.worker_id for row in case_links if row.worker_id}
        self.users = User.objects.filter(is_active=True).in_bulk(wanted)
        self._seen: dict[int, tuple[set[int], set[int]]] = {}

    def _sees(self, user_id: int) -> tuple[set[int], set[int]]:
        if user_id not in self._seen:
            user = self.users[user_id]
            links = set(links_visible_to(user).filter(pk__in=self.link_ids).values_list("pk", flat=True))
            cases = set(cases_visible_to(user).filter(pk__in=self.case_ids).values_list("pk", flat=True))
            self._seen[user_id] = (links, cases)
        return self._seen[user_id]

    def told(self, worker_id: int | None, case_id: int, link_ids: Iterable[int]) -> tuple[int, ...]:
        """The case's worker, or the team leaders when nobody holds it, who may open the case and
        read one of these links."""
        asked = [worker_id] if worker_id in self.users else self.leaders  # nobody holds it, or they left
        told = []
        for user_id in asked:
            links, cases = self._sees(user_id)
            if case_id in cases and links & set(link_ids):
                told.append(user_id)
        return tuple(told)


def _concern_links(nodes) -> Iterable:
    return Link.objects.filter(status=LinkStatus.ACTIVE).filter(Q(a__in=nodes) | Q(b__in=nodes))


def _person_candidates(persons, *, what: str, due_field: str, title: str) -> Iterator[Candidate]:
    """One candidate per person and open case of a child linked to them."""
    due_on = dict(persons.values_list("pk", due_field))
    if not due_on:
        return
    nodes = Node.objects.filter(person_id__in=due_on)
    person_of_node = dict(nodes.values_list("pk", "person_id"))
    case_links = _live_case_links(_concern_links(nodes.values("pk")))
    readers = _Readers(case_links)
    grouped: dict[tuple[int, int], list[_CaseLink]] = defaultdict(list)
    for row in case_links:
        grouped[(person_of_node[row.concern_node_id], row.case_id)].append(row)
    for (person_id, case_id), rows in sorted(grouped.items()):
        owners = readers.told(rows[0].worker_id, case_id, [row.link_id for row in rows])
        if not owners:
            continue
        day = due_on[person_id]
        yield Candidate(
            record_key=f"network.person:{person_id}:{what}:case:{case_id}",
            due_at=clock.end_of_local_day(day),
            stage=Stage.DUE_SOON,
            title=f"{rows[0].reference}: {title} on {day:%-d %B %Y}",
            url=reverse("cate:case_detail", args=[case_id]),
            owner_ids=owners,
            escalate=False,
        )


def releases(now: datetime, settings: ServiceSettings):
    today = clock.local_date(now)
    persons = Person.objects.filter(
        status=NetworkStatus.ACTIVE, release_date__gte=today, release_date__lte=today + RELEASE_NOTICE
    )
    return _person_candidates(
        persons,
        what="release",
        due_field="release_date",
        title="a person of concern linked to the child is due for release",
    )


def awn_expiries(now: datetime, settings: ServiceSettings):
    today = clock.local_date(now)
    persons = Person.objects.filter(
        status=NetworkStatus.ACTIVE, awn_expires_on__gte=today, awn_expires_on__lte=today + AWN_NOTICE
    )
    return _person_candidates(
        persons,
        what="awn",
        due_field="awn_expires_on",
        title="the Abduction Warning Notice on a person of concern linked to the child expires",
    )


def new_links(now: datetime, settings: ServiceSettings):
    """New links of an open case's child to a person with a staff-safety warning or a hotspot."""
    warned = Node.objects.filter(
        Q(person__staff_safety_warning=True, person__status=NetworkStatus.ACTIVE)
        | Q(place__is_hotspot=True, place__status=NetworkStatus.ACTIVE)
    )
    links = _concern_links(warned.values("pk")).filter(created_at__gte=now - NEW_LINK_WINDOW, created_at__lte=now)
    case_links = _live_case_links(links)
    kinds = dict(warned.filter(pk__in={row.concern_node_id for row in case_links}).values_list("pk", "kind"))
    case_links = [row for row in case_links if row.concern_node_id in kinds]  # not a child-to-child link
    created = dict(links.values_list("pk", "created_at"))
    readers = _Readers(case_links)
    for row in sorted(case_links, key=lambda row: (row.link_id, row.case_id)):
        owners = readers.told(row.worker_id, row.case_id, [row.link_id])
        if not owners:
            continue
        if kinds[row.concern_node_id] == NodeKind.PERSON:
            what = "a person of concern with a staff-safety warning: take care before visiting"
        else:
            what = "a hotspot place"
        yield Candidate(
            record_key=f"network.link:{row.link_id}:case:{row.case_id}",
            due_at=created[row.link_id],
            stage=Stage.DUE_SOON,
            title=f"{row.reference}: the child was linked to {what}",
            url=reverse("cate:case_detail", args=[row.case_id]),
            owner_ids=owners,
            escalate=False,
        )


def sti_screenings(now: datetime, settings: ServiceSettings):
    """A link of a person of concern and a child marked "offer STI screening": the worker of each
    open case of the child, once per marking. Names the case only: nothing of the person."""
    links = Link.objects.filter(status=LinkStatus.ACTIVE, offer_sti_screening=True)
    flagged = dict(links.values_list("pk", "sti_screening_flagged_at"))
    if not flagged:
        return
    case_links = _live_case_links(links)
    persons = set(
        Node.objects.filter(kind=NodeKind.PERSON, pk__in={r.concern_node_id for r in case_links}).values_list(
            "pk", flat=True
        )
    )
    case_links = [row for row in case_links if row.concern_node_id in persons]
    readers = _Readers(case_links)
    for row in sorted(case_links, key=lambda row: (row.link_id, row.case_id)):
        owners = readers.told(row.worker_id, row.case_id, [row.link_id])
        if not owners:
            continue
        yield Candidate(
            record_key=f"network.link:{row.link_id}:case:{row.case_id}:sti",
            due_at=flagged[row.link_id] or now,
            stage=Stage.DUE_SOON,
            title=f"{row.reference}: offer the child STI screening",
            url=reverse("cate:support_referral_add", args=[row.case_id]) + "?service=sexual_health",
            owner_ids=owners,
            escalate=False,
        )


# Declared in the AppConfig (`alert_rules`, the app contract of core.contract).
RULES = (
    AlertRule("network_release", "Persons of concern due for release", releases),
    AlertRule("network_awn", "Abduction Warning Notices expiring", awn_expiries),
    AlertRule("network_link", "New links to staff-safety persons and hotspots", new_links),
    AlertRule("network_sti_screening", "Children to offer STI screening", sti_screenings),
)

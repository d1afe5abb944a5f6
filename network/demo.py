"""Demo records of the exploitation network for the local run: a small network around the demo
children, recorded through the network's services by the demo staff who would record it (the police
practitioner's intelligence, the CATE workers' casework, the screener's front-door contacts), so
that its history, the cases' chronologies and who may read it are the real ones.

Four persons of concern (one known only by a nickname, one with a staff-safety marker, one on
licence, one with an Abduction Warning Notice), three places (a takeaway that is a hotspot, a hotel,
a park), two vehicles (a private hire car and a private car), two phone numbers and a Snapchat
handle, and a peer group, linking seven demo children. One of them, Cedar (a CATE demo case), is a
restricted record: the team leader restricts it through the restriction service, so that only the
staff named on it (the allocated worker and the team leader) see her in the network; everyone else
sees the network without her, and nothing in it says she is there.

Runs after the front door's and CATE's demos (INSTALLED_APPS order) and needs their children;
idempotent: each record of its own carries a `demo-network-…` legacy key, a link is made once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cate.models import MissingEpisode
from contacts.models import Child
from contacts.services import child_restrict
from core import audit

from . import services
from .choices import (
    AgeBand,
    Confidence,
    CustodyStatus,
    IdentifierKind,
    LinkKind,
    LinkSource,
    LinkStatus,
    PersonKind,
    PlaceKind,
    Platform,
    PoliceStatus,
    Relationship,
    VehicleKind,
)
from .models import Identifier, Link, Node, PeerGroup, Person, Place, Vehicle
from .panel_demo import seed_context_panel_demo

REASON = "Demo data"
KEY = "demo-network-"
USERS = ("police", "screener", "cateworker1", "cateworker2", "teamleader")
# The demo children the network links (their legacy keys, from contacts.demo and cate.demo).
CHILDREN = (
    "demo-cate-1",  # Ash: high risk, went missing (cateworker1)
    "demo-cate-2",  # Birch (cateworker1)
    "demo-cate-3",  # Cedar: restricted here (cateworker2)
    "demo-cate-4",  # Hazel (cateworker2)
    "demo-child-alpha",
    "demo-child-charlie",
    "demo-child-echo",
)
RESTRICTED_CHILD = "demo-cate-3"
RESTRICTION_REASON = (
    "Demo: the young person disclosed abuse by an adult in the network; her record is kept to the staff "
    "working with her."
)


def _days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


@dataclass(frozen=True)
class DemoRecord:
    key: str
    actor: str
    fields: dict = field(default_factory=dict)


def _persons() -> list[DemoRecord]:
    return [
        DemoRecord(
            "person-dee",
            "police",
            {
                "kind": PersonKind.SUSPECTED_PERPETRATOR,
                "aliases": "Dee, D-Man",
                "description": "Demo: a man in his early twenties, slim, often in a black puffer jacket; drives a grey "
                "Audi; seen outside the takeaway after school giving young people food and lifts.",
                "age_band": AgeBand.AGE_22_24,
                "gender": "male",
                "police_status": PoliceStatus.INTELLIGENCE,
            },
        ),
        DemoRecord(
            "person-marcus",
            "police",
            {
                "kind": PersonKind.SUSPECTED_PERPETRATOR,
                "first_name": "Marcus",
                "last_name": "Demoperson",
                "age_band": AgeBand.AGE_35_44,
                "gender": "male",
                "ethnicity": "WBRI",
                "description": "Demo: runs the takeaway; keeps a large dog at his flat above it.",
                "police_status": PoliceStatus.CHARGED,
                "police_status_on": _days(-40),
                "custody_status": CustodyStatus.NOT_IN_CUSTODY,
                "staff_safety_warning": True,
                "staff_safety_reason": "Demo: threatened a social worker with his dog at the flat in 2025. Visit in "
                "pairs and never inside the flat.",
            },
        ),
        DemoRecord(
            "person-lee",
            "police",
            {
                "kind": PersonKind.ADULT_RISK,
                "first_name": "Lee",
                "last_name": "Demoperson",
                "date_of_birth": _days(-365 * 31),
                "age_band": AgeBand.AGE_25_34,
                "gender": "male",
                "police_status": PoliceStatus.CONVICTED,
                "police_status_on": _days(-700),
                "custody_status": CustodyStatus.ON_LICENCE,
                "release_date": _days(-12),
                "licence_conditions": "Demo: not to have unsupervised contact with anyone under 18; to live at the "
                "approved address; not to drive for hire.",
                "exclusion_zones": "Demo: the town centre and the bus station.",
            },
        ),
        DemoRecord(
            "person-jason",
            "police",
            {
                "kind": PersonKind.ADULT_RISK,
                "first_name": "Jason",
                "last_name": "Demoperson",
                "age_band": AgeBand.AGE_25_34,
                "gender": "male",
                "police_status": PoliceStatus.SUSPECT,
                "police_status_on": _days(-75),
                "awn_issued_on": _days(-70),
                "awn_issued_by": "Police (demo), on behalf of Ash's parent",
                "awn_expires_on": _days(20),
            },
        ),
    ]


def _places() -> list[DemoRecord]:
    return [
        DemoRecord(
            "place-takeaway",
            "police",
            {
                "kind": PlaceKind.TAKEAWAY,
                "name": "Demo Chicken Shack",
                "address": "12 High Street (demo)",
                "postcode": "TF1 1AB",
                "owner": "Marcus Demoperson",
                "is_hotspot": True,
                "hotspot_reason": "Demo: young people gather here after school; adults give them free food, phones "
                "and lifts. Reported by PCSOs and Street Pastors.",
                "hotspot_review_on": _days(90),
            },
        ),
        DemoRecord(
            "place-hotel",
            "police",
            {
                "kind": PlaceKind.HOTEL,
                "name": "Station Hotel (demo)",
                "address": "1 Station Road (demo)",
                "postcode": "TF1 2CD",
                "owner": "Demo Hotels Ltd",
                "description": "Demo: rooms booked for one night by adults with young people.",
            },
        ),
        DemoRecord(
            "place-park",
            "screener",
            {
                "kind": PlaceKind.PARK,
                "name": "Demo Park",
                "description": "Demo: the skate park and the path behind the pavilion, evenings.",
                "postcode": "TF2 3EF",
            },
        ),
    ]


def _vehicles() -> list[DemoRecord]:
    return [
        DemoRecord(
            "vehicle-phv",
            "police",
            {
                "registration": "DM21 PHV",
                "make": "Toyota",
                "model": "Prius",
                "colour": "Silver",
                "kind": VehicleKind.PRIVATE_HIRE,
                "licensing_authority": "Demo Borough Council",
                "plate_number": "PH 0421",
                "description": "Demo: tagged by a PCSO collecting young people from the takeaway.",
            },
        ),
        DemoRecord(
            "vehicle-audi",
            "police",
            {"registration": "DM19 AUD", "make": "Audi", "model": "A3", "colour": "Grey", "kind": VehicleKind.PRIVATE},
        ),
    ]


# (key, actor, kind, value, platform)
IDENTIFIERS = (
    ("id-deal-line", "police", IdentifierKind.PHONE, "07700 900461", ""),
    ("id-jason-phone", "police", IdentifierKind.PHONE, "07700 900782", ""),
    ("id-dee-snapchat", "police", IdentifierKind.HANDLE, "@demo.dee22", Platform.SNAPCHAT),
)
PEER_GROUP = DemoRecord(
    "group-park", "cateworker1", {"name": "Park crew (demo)", "description": "Demo: young people who meet at the park."}
)


@dataclass(frozen=True)
class DemoLink:
    a: str  # "child:<legacy key>" or the key of a record above
    b: str
    kind: str
    actor: str
    relationship: str = ""
    source: str = LinkSource.INTELLIGENCE
    confidence: str = Confidence.REPORTED
    first_days_ago: int | None = None
    last_days_ago: int | None = None
    notes: str = ""


LINKS = (
    # The unknown man known as Dee, his number, handle and car.
    DemoLink("person-dee", "id-deal-line", LinkKind.USES_NUMBER, "police", confidence=Confidence.SUSPECTED),
    DemoLink("person-dee", "id-dee-snapchat", LinkKind.USES_NUMBER, "police", confidence=Confidence.CONFIRMED),
    DemoLink("person-dee", "vehicle-audi", LinkKind.DRIVES, "police", first_days_ago=60, last_days_ago=6),
    DemoLink("person-dee", "place-takeaway", LinkKind.FREQUENTS, "police", first_days_ago=90, last_days_ago=6),
    DemoLink("person-marcus", "place-takeaway", LinkKind.WORKS_AT, "police", confidence=Confidence.CONFIRMED),
    DemoLink("person-marcus", "person-dee", LinkKind.ASSOCIATES_WITH, "police", confidence=Confidence.SUSPECTED),
    DemoLink("person-lee", "vehicle-phv", LinkKind.DRIVES, "police", first_days_ago=10, last_days_ago=3),
    DemoLink("person-jason", "id-jason-phone", LinkKind.USES_NUMBER, "police", confidence=Confidence.CONFIRMED),
    # Ash (cateworker1): found at the takeaway after going missing, with Dee; the notice names Jason.
    DemoLink(
        "child:demo-cate-1",
        "person-dee",
        LinkKind.FOUND_WITH,
        "cateworker1",
        relationship=Relationship.ACQUAINTANCE,
        source=LinkSource.MISSING_EPISODE,
        confidence=Confidence.CONFIRMED,
        first_days_ago=1,
        notes="Demo: found with him by the police after her missing episode.",
    ),
    DemoLink(
        "child:demo-cate-1",
        "place-takeaway",
        LinkKind.FOUND_AT,
        "cateworker1",
        source=LinkSource.MISSING_EPISODE,
        confidence=Confidence.CONFIRMED,
        first_days_ago=1,
    ),
    DemoLink(
        "child:demo-cate-1",
        "person-jason",
        LinkKind.ASSOCIATES_WITH,
        "cateworker1",
        relationship=Relationship.ACQUAINTANCE,
        source=LinkSource.CASEWORK,
        first_days_ago=80,
        last_days_ago=72,
        notes="Demo: the Abduction Warning Notice followed nights away with him.",
    ),
    DemoLink("child:demo-cate-1", "group-park", LinkKind.MEMBER_OF, "cateworker1", source=LinkSource.CASEWORK),
    # Birch (cateworker1): messaged by Dee's handle, at the takeaway.
    DemoLink(
        "child:demo-cate-2",
        "id-dee-snapchat",
        LinkKind.CONTACTED_BY,
        "cateworker1",
        relationship=Relationship.ONLINE,
        source=LinkSource.CASEWORK,
        first_days_ago=30,
        last_days_ago=4,
    ),
    DemoLink("child:demo-cate-2", "place-takeaway", LinkKind.FREQUENTS, "cateworker1", source=LinkSource.CASEWORK),
    DemoLink("child:demo-cate-2", "group-park", LinkKind.MEMBER_OF, "cateworker1", source=LinkSource.CASEWORK),
    # Cedar (cateworker2), restricted below: the hotel, the private hire car, Dee, the group.
    DemoLink(
        "child:demo-cate-3",
        "place-hotel",
        LinkKind.GOES_MISSING_TO,
        "cateworker2",
        source=LinkSource.RHI,
        confidence=Confidence.CONFIRMED,
        first_days_ago=45,
        last_days_ago=15,
    ),
    DemoLink(
        "child:demo-cate-3",
        "vehicle-phv",
        LinkKind.SEEN_IN,
        "cateworker2",
        source=LinkSource.RHI,
        first_days_ago=15,
        notes="Demo: taken to the hotel in this car.",
    ),
    DemoLink(
        "child:demo-cate-3",
        "person-dee",
        LinkKind.SEEN_WITH,
        "cateworker2",
        relationship=Relationship.ACQUAINTANCE,
        source=LinkSource.CASEWORK,
    ),
    DemoLink("child:demo-cate-3", "group-park", LinkKind.MEMBER_OF, "cateworker2", source=LinkSource.CASEWORK),
    # Hazel (cateworker2): called from Jason's number.
    DemoLink(
        "child:demo-cate-4",
        "id-jason-phone",
        LinkKind.CONTACTED_BY,
        "cateworker2",
        relationship=Relationship.STRANGER,
        source=LinkSource.CASEWORK,
        first_days_ago=20,
    ),
    # Front-door children (screener): the park, the car after school, the takeaway's owner.
    DemoLink("child:demo-child-alpha", "place-park", LinkKind.FREQUENTS, "screener", source=LinkSource.CONTACT),
    DemoLink("child:demo-child-alpha", "group-park", LinkKind.MEMBER_OF, "screener", source=LinkSource.CONTACT),
    DemoLink(
        "child:demo-child-charlie",
        "vehicle-phv",
        LinkKind.SEEN_IN,
        "screener",
        source=LinkSource.CONTACT,
        notes="Demo: the school saw her get into this car after school.",
    ),
    DemoLink(
        "child:demo-child-echo",
        "person-marcus",
        LinkKind.SEEN_WITH,
        "screener",
        relationship=Relationship.ACQUAINTANCE,
        source=LinkSource.CONTACT,
    ),
    DemoLink("group-park", "place-park", LinkKind.USES_PLACE, "cateworker1", source=LinkSource.CASEWORK),
    DemoLink("group-park", "place-takeaway", LinkKind.USES_PLACE, "cateworker1", source=LinkSource.CASEWORK),
)


def _keyed(model, record: DemoRecord, create, users):
    """The record of this demo key, made through its service (then given its key) when missing."""
    found = model.objects.filter(legacy_key=KEY + record.key).first()
    if found is not None:
        return found, False
    actor = users[record.actor]
    made = create(actor=actor, **record.fields)
    made.legacy_key = KEY + record.key
    audit.save(made, actor=actor, reason=REASON, update_fields=["legacy_key"])
    return made, True


def _identifier(key: str, actor, kind: str, value: str, platform: str):
    found = Identifier.objects.filter(legacy_key=KEY + key).first()
    if found is not None:
        return found, False
    made = services.identifier_find_or_create(actor=actor, kind=kind, value=value, platform=platform)
    if not made.legacy_key:
        made.legacy_key = KEY + key
        audit.save(made, actor=actor, reason=REASON, update_fields=["legacy_key"])
    return made, True


def _field(obj) -> str:
    return {
        Child: "child",
        Person: "person",
        Place: "place",
        Vehicle: "vehicle",
        Identifier: "identifier",
        PeerGroup: "peer_group",
    }[type(obj)]


def _link_exists(a, b, kind: str) -> bool:
    node_a = Node.objects.filter(**{_field(a): a}).first()
    node_b = Node.objects.filter(**{_field(b): b}).first()
    if node_a is None or node_b is None:
        return False
    return Link.objects.filter(
        Q(a=node_a, b=node_b) | Q(a=node_b, b=node_a), kind=kind, status=LinkStatus.ACTIVE
    ).exists()


def _link(spec: DemoLink, records: dict, users: dict, children: dict) -> bool:
    def end(ref: str):
        return children[ref.removeprefix("child:")] if ref.startswith("child:") else records[ref]

    a, b = end(spec.a), end(spec.b)
    if _link_exists(a, b, spec.kind):
        return False
    source_record = None
    if spec.source == LinkSource.MISSING_EPISODE and isinstance(a, Child):
        episode = MissingEpisode.objects.filter(child=a).order_by("-missing_from").first()
        source_record = episode.pk if episode else None
    first = _days(-spec.first_days_ago) if spec.first_days_ago is not None else None
    last = _days(-spec.last_days_ago) if spec.last_days_ago is not None else None
    services.link_add(
        actor=users[spec.actor],
        a=a,
        b=b,
        kind=spec.kind,
        source=spec.source,
        source_record=source_record,
        relationship=spec.relationship,
        reported_by=f"{users[spec.actor].get_full_name()}",
        first_seen=first,
        last_seen=last,
        confidence=spec.confidence,
        notes=spec.notes,
    )
    return True


@transaction.atomic
def seed_demo(stdout) -> None:
    users = {u.username: u for u in get_user_model().objects.filter(username__in=USERS, is_active=True)}
    children = {c.legacy_key: c for c in Child.objects.filter(legacy_key__in=CHILDREN)}
    if len(users) < len(USERS) or len(children) < len(CHILDREN):
        stdout.write("Network demo skipped: the demo users or the front door's and CATE's demo children are missing.\n")
        return
    records: dict[str, object] = {}
    made = 0
    for record in _persons():
        records[record.key], new = _keyed(Person, record, services.person_create, users)
        made += new
    for record in _places():
        records[record.key], new = _keyed(Place, record, services.place_create, users)
        made += new
    for record in _vehicles():
        records[record.key], new = _keyed(Vehicle, record, services.vehicle_create, users)
        made += new
    for key, actor, kind, value, platform in IDENTIFIERS:
        records[key], new = _identifier(key, users[actor], kind, value, platform)
        made += new
    records[PEER_GROUP.key], new = _keyed(PeerGroup, PEER_GROUP, services.peer_group_create, users)
    made += new
    links = sum(_link(spec, records, users, children) for spec in LINKS)
    restricted = children[RESTRICTED_CHILD]
    if not restricted.is_restricted:
        child_restrict(
            child=restricted, actor=users["teamleader"], is_restricted=True, staff=[], reason=RESTRICTION_REASON
        )
    seed_context_panel_demo(stdout, records=records, users=users)
    stdout.write(
        f"Network: {len(records)} demo records (persons of concern, places, vehicles, numbers and handles, a peer "
        f"group; {made} new) and {len(LINKS)} links ({links} new) around {len(CHILDREN)} demo children; "
        f"{restricted.first_name}'s record is restricted (only cateworker2 and teamleader see her in it).\n"
    )

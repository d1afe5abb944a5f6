"""The generated exploitation network: persons of concern, places, vehicles, numbers and handles and
peer groups around the generated children, and the links between them (a part of Generator).

About 0.3 persons and 0.5 places per child, fewer vehicles and identifiers (vocabulary.py). Degrees
follow a power law, as in real association charts: each record draws how many links it has from a
discrete Pareto distribution (most one or two, a few hubs: the takeaway every group uses, the deal
line that messages dozens of children), capped by the scale; the child at the other end is drawn in
proportion to a heavy-tailed propensity, higher for children with a CATE case. Persons also drive
vehicles, use numbers, frequent places and know each other; peer groups have members and use
places. A pair is linked once. Every record has its node (as the services make one on creation);
a child has one once linked. The places with most links are the hotspots.
"""

from __future__ import annotations

import datetime as dt
import itertools
import string
from collections import defaultdict

from cate.models import MissingEpisode
from network.choices import (
    AgeBand,
    Confidence,
    CustodyStatus,
    IdentifierKind,
    LinkKind,
    LinkSource,
    LinkStatus,
    NodeKind,
    PersonKind,
    PlaceKind,
    Platform,
    PoliceStatus,
    Relationship,
    VehicleKind,
)
from network.matching import person_name_keys
from network.models import Identifier, Link, Node, PeerGroup, Person, PersonNameKey, Place, Vehicle

from .vocabulary import FIRST_F, FIRST_M, LAST, NICKNAMES, POSTCODES, VEHICLE_MODELS

# Power-law exponents of the records' degrees (smaller: heavier tail, bigger hubs).
ALPHA = {"person": 2.5, "place": 2.6, "vehicle": 2.4, "identifier": 2.3}
# Share of each record kind's links that go to another record rather than a child.
TO_RECORDS = {"person": 0.25, "vehicle": 0.3, "identifier": 0.35, "place": 0.0}
CASE_CHILD_WEIGHT = 6.0


def pareto_degree(rng, alpha: float, cap: int) -> int:
    """A discrete power-law draw, at least 1 and at most cap: P(k) ~ k^-alpha (inverse transform of
    a Pareto variable with minimum 1, floored). Most draws are 1 or 2."""
    return min(cap, int((1.0 - rng.random()) ** (-1.0 / (alpha - 1.0))))


class NetworkMixin:
    """The network of the generated records (a part of Generator)."""

    def network(self) -> None:
        rng = self.rng
        scale = self.scale
        self.degree_cap = max(25, int(1.5 * scale.children**0.5))
        self._net_spans()
        persons = self._net_persons(scale.persons)
        places = self._net_places(scale.places)
        vehicles = self._net_vehicles(scale.vehicles)
        identifiers = self._net_identifiers(scale.identifiers)
        groups = self._net_groups(scale.peer_groups)
        self._net_links = []  # (end a, end b, kind, first_seen, last_seen, extra)
        self._net_pairs: set[tuple] = set()
        self._child_draws = self._child_chooser()
        degrees = {}
        for tag, count in (("person", len(persons)), ("place", len(places))):
            degrees[tag] = [pareto_degree(rng, ALPHA[tag], self.degree_cap) for _ in range(count)]
        for tag, count in (("vehicle", len(vehicles)), ("identifier", len(identifiers))):
            degrees[tag] = [pareto_degree(rng, ALPHA[tag], self.degree_cap) for _ in range(count)]
        self._net_record_links(degrees, persons, places, vehicles, identifiers)
        self._net_group_links(groups, degrees["place"])
        self._net_hotspots(places, degrees["place"])
        self._net_write(persons, places, vehicles, identifiers, groups)

    # -- when each child can be linked ---------------------------------------------------------------
    def _net_spans(self) -> None:
        """The days each child's links may fall in: a case child's case (from three months before it
        opened), any other child's years of contacts; never after the as-at date."""
        today = self.now.date()
        self.net_span = list(self.window)
        for index, _received, opened, closed in self.case_plan:
            lo = opened.date() - dt.timedelta(days=90)
            hi = closed.date() if closed else today
            self.net_span[index] = (max(lo, self.start.date()), min(hi, today))
        self.net_span = [(lo, max(lo, min(hi, today))) for lo, hi in self.net_span]

    def _child_chooser(self):
        """Children drawn in proportion to a heavy-tailed propensity (higher with a CATE case)."""
        rng = self.rng
        case_children = {plan[0] for plan in self.case_plan}
        weights = []
        for index in range(self.scale.children):
            propensity = min(12.0, (1.0 - rng.random()) ** -0.5)
            weights.append(propensity * (CASE_CHILD_WEIGHT if index in case_children else 1.0))
        cumulative = list(itertools.accumulate(weights))
        population = range(self.scale.children)
        buffer: list[int] = []

        def draw() -> int:
            if not buffer:
                buffer.extend(rng.choices(population, cum_weights=cumulative, k=4096))
            return buffer.pop()

        return draw

    def _days_between(self, lo: dt.date, hi: dt.date) -> tuple[dt.date, dt.date]:
        """A first and last seen inside [lo, hi]: mostly the same day or weeks apart."""
        rng = self.rng
        span = (hi - lo).days
        first = lo + dt.timedelta(days=rng.randint(0, max(0, span)))
        last = first + dt.timedelta(days=rng.choice([0, 0, 0, rng.randint(1, 30), rng.randint(30, 240)]))
        return first, min(last, hi)

    # -- records -------------------------------------------------------------------------------------
    def _recorders(self) -> list:
        police = self.agencies["Police"].pk
        return (self.workers + self.leaders + self.screeners + [u for u in self.partners if u.agency_id == police]) or [
            self.actor
        ]

    def _net_persons(self, count: int) -> list[Person]:
        rng = self.rng
        recorders = self._recorders()
        today = self.now.date()
        bands = [
            (AgeBand.UNDER_18, 10),
            (AgeBand.AGE_18_21, 22),
            (AgeBand.AGE_22_24, 18),
            (AgeBand.AGE_25_34, 25),
            (AgeBand.AGE_35_44, 12),
            (AgeBand.AGE_45_UP, 5),
            (AgeBand.NOT_KNOWN, 8),
        ]
        youngest = {
            AgeBand.UNDER_18: (13, 17),
            AgeBand.AGE_18_21: (18, 21),
            AgeBand.AGE_22_24: (22, 24),
            AgeBand.AGE_25_34: (25, 34),
            AgeBand.AGE_35_44: (35, 44),
            AgeBand.AGE_45_UP: (45, 65),
        }
        persons = []
        for _ in range(count):
            band = self.weighted(bands)
            gender = self.weighted([("male", 80), ("female", 17), ("not_known", 3)])
            known = rng.random() > 0.35  # more than a third are not identified (001 L756-757)
            person = Person(
                kind=PersonKind.PEER
                if band == AgeBand.UNDER_18
                else self.weighted(
                    [
                        (PersonKind.SUSPECTED_PERPETRATOR, 60),
                        (PersonKind.ASSOCIATE, 27),
                        (PersonKind.ADULT_RISK, 13),
                    ]
                ),
                age_band=band,
                gender=gender,
                is_juvenile=band == AgeBand.UNDER_18,
                created_by=rng.choice(recorders),
                police_status=self.weighted(
                    [
                        (PoliceStatus.INTELLIGENCE, 50),
                        (PoliceStatus.SUSPECT, 18),
                        (PoliceStatus.ARRESTED, 8),
                        (PoliceStatus.BAIL, 6),
                        (PoliceStatus.CHARGED, 6),
                        (PoliceStatus.CONVICTED, 8),
                        (PoliceStatus.NFA, 4),
                    ]
                ),
            )
            if known:
                person.first_name = rng.choice(FIRST_F if gender == "female" else FIRST_M)
                person.last_name = rng.choice(LAST)
                if rng.random() < 0.3:
                    person.aliases = rng.choice(NICKNAMES)
                if band in youngest and rng.random() < 0.5:
                    lo, hi = youngest[band]
                    person.date_of_birth = today - dt.timedelta(days=rng.randint(365 * lo + 1, 365 * hi + 364))
            else:
                person.aliases = ", ".join(rng.sample(NICKNAMES, rng.choice([1, 1, 2])))
                person.description = rng.choice(
                    [
                        "Seen outside the takeaway in the evenings; drives a dark car.",
                        "Older male who gives young people lifts and cash.",
                        "Contacts young people online; never seen in person.",
                        "Woman who rents rooms by the night; known only by her first name.",
                        "Tall, slim, in his twenties; described by two young people after a missing episode.",
                    ]
                )
            if person.police_status != PoliceStatus.INTELLIGENCE:
                person.police_status_on = today - dt.timedelta(days=rng.randint(5, 2000))
            if person.police_status == PoliceStatus.NFA:
                person.nfa_reason = "Victim did not support a prosecution; evidence threshold not met."
            roll = rng.random()
            if roll < 0.06:
                person.custody_status = CustodyStatus.SERVING
                person.release_date = today + dt.timedelta(days=rng.randint(1, 900))
            elif roll < 0.12:
                person.custody_status = CustodyStatus.ON_LICENCE
                person.release_date = today - dt.timedelta(days=rng.randint(1, 700))
                person.licence_conditions = "Not to contact any child under 18 without supervision."
                person.exclusion_zones = "The town centre and the bus station."
            elif roll < 0.15:
                person.custody_status = CustodyStatus.REMANDED
            elif roll < 0.5:
                person.custody_status = CustodyStatus.NOT_IN_CUSTODY
            if rng.random() < 0.02:
                issued = today - dt.timedelta(days=rng.randint(10, 700))
                person.awn_issued_on = issued
                person.awn_issued_by = "West Mercia Police"
                person.awn_expires_on = issued + dt.timedelta(days=rng.randint(180, 730))
            if rng.random() < 0.03:
                person.staff_safety_warning = True
                person.staff_safety_reason = "Violent towards professionals; visit in pairs."
            persons.append(person)
        # A few peers are children in the index: linked to their own record, never entered twice.
        peers = [p for p in persons if p.kind == PersonKind.PEER]
        case_children = [plan[0] for plan in self.case_plan]
        for person, index in zip(
            peers[: len(peers) // 5], rng.sample(case_children, min(len(case_children), len(peers) // 5)), strict=False
        ):
            person.child_id = self.child_ids[index]
        return persons

    def _net_places(self, count: int) -> list[Place]:
        rng = self.rng
        recorders = self._recorders()
        kinds = [
            (PlaceKind.ADDRESS, 30),
            (PlaceKind.TAKEAWAY, 10),
            (PlaceKind.SHOP, 9),
            (PlaceKind.PARK, 9),
            (PlaceKind.HOTEL, 5),
            (PlaceKind.BED_AND_BREAKFAST, 3),
            (PlaceKind.HMO, 8),
            (PlaceKind.PROVIDER_FLAT, 6),
            (PlaceKind.NIGHTCLUB, 4),
            (PlaceKind.SCHOOL, 5),
            (PlaceKind.RURAL, 3),
            (PlaceKind.ONLINE, 4),
            (PlaceKind.OTHER, 4),
        ]
        nouns = {
            PlaceKind.TAKEAWAY: ["Chicken", "Pizza", "Kebab House", "Fish Bar", "Grill"],
            PlaceKind.SHOP: ["Convenience Store", "Vape Shop", "Off Licence", "Phone Repairs"],
            PlaceKind.PARK: ["Park", "Playing Fields", "Recreation Ground", "Woods"],
            PlaceKind.HOTEL: ["Hotel", "Lodge", "Inn"],
            PlaceKind.BED_AND_BREAKFAST: ["Guest House", "B&B"],
            PlaceKind.NIGHTCLUB: ["Bar", "Club", "Lounge"],
            PlaceKind.SCHOOL: ["Academy", "College"],
            PlaceKind.RURAL: ["Lane lay-by", "Farm track", "Canal towpath"],
            PlaceKind.ONLINE: ["group chat", "Discord server", "gaming lobby"],
            PlaceKind.OTHER: ["Bus Station", "Retail Park car park", "Leisure Centre"],
        }
        places = []
        for _ in range(count):
            kind = self.weighted(kinds)
            street = rng.choice(LAST)
            place = Place(kind=kind, created_by=rng.choice(recorders))
            if kind in (PlaceKind.ADDRESS, PlaceKind.HMO, PlaceKind.PROVIDER_FLAT):
                place.address = f"{rng.randint(1, 240)} {street} {rng.choice(['Road', 'Close', 'Way', 'Court'])}"
            else:
                place.name = f"{street} {rng.choice(nouns[kind])}"
                if kind != PlaceKind.ONLINE:
                    place.address = f"{street} Street, Telford"
                if kind in (PlaceKind.TAKEAWAY, PlaceKind.SHOP, PlaceKind.HOTEL, PlaceKind.NIGHTCLUB):
                    place.owner = f"{rng.choice(FIRST_M)} {rng.choice(LAST)}"
            if kind != PlaceKind.ONLINE:
                place.postcode = rng.choice(POSTCODES)
                if rng.random() < 0.6:
                    place.latitude = round(52.63 + rng.random() * 0.1, 5)
                    place.longitude = round(-2.55 + rng.random() * 0.17, 5)
            places.append(place)
        return places

    def _net_vehicles(self, count: int) -> list[Vehicle]:
        rng = self.rng
        recorders = self._recorders()
        letters = [c for c in string.ascii_uppercase if c not in "IQZ"]
        seen = set(Vehicle.objects.exclude(registration="").values_list("registration", flat=True))  # with --force
        vehicles = []
        for number in range(count):
            while True:
                mark = (
                    "".join(rng.choice(letters) for _ in range(2))
                    + f"{rng.randint(2, 74):02d}"
                    + "".join(rng.choice(letters) for _ in range(3))
                )
                if mark not in seen:
                    seen.add(mark)
                    break
            make, model = rng.choice(VEHICLE_MODELS)
            kind = self.weighted(
                [
                    (VehicleKind.PRIVATE, 68),
                    (VehicleKind.PRIVATE_HIRE, 18),
                    (VehicleKind.HACKNEY, 5),
                    (VehicleKind.TRADE, 2),
                    (VehicleKind.NOT_KNOWN, 7),
                ]
            )
            vehicle = Vehicle(
                registration=mark if rng.random() < 0.9 else "",
                make=make,
                model=model,
                colour=rng.choice(["Black", "Silver", "Grey", "White", "Blue", "Red"]),
                kind=kind,
                created_by=rng.choice(recorders),
            )
            if kind in (VehicleKind.PRIVATE_HIRE, VehicleKind.HACKNEY):
                vehicle.licensing_authority = self.weighted(
                    [("Telford & Wrekin Council", 60), ("Wolverhampton City Council", 30), ("Shropshire Council", 10)]
                )
                vehicle.plate_number = f"{'PH' if kind == VehicleKind.PRIVATE_HIRE else 'HC'}{number:05d}"
            vehicles.append(vehicle)
        return vehicles

    def _net_identifiers(self, count: int) -> list[Identifier]:
        rng = self.rng
        recorders = self._recorders()
        seen = set(Identifier.objects.values_list("kind", "platform", "value"))  # with --force
        platforms = [
            (Platform.SNAPCHAT, 40),
            (Platform.INSTAGRAM, 20),
            (Platform.TIKTOK, 15),
            (Platform.TELEGRAM, 10),
            (Platform.FACEBOOK, 5),
            (Platform.DISCORD, 5),
            (Platform.X, 5),
        ]
        identifiers = []
        while len(identifiers) < count:
            kind = self.weighted([(IdentifierKind.PHONE, 65), (IdentifierKind.HANDLE, 30), (IdentifierKind.EMAIL, 5)])
            platform = ""
            if kind == IdentifierKind.PHONE:
                value = f"+447{rng.randint(100_000_000, 999_999_999)}"
            elif kind == IdentifierKind.HANDLE:
                platform = self.weighted(platforms)
                value = f"{rng.choice(NICKNAMES).lower().replace(' ', '.')}{rng.randint(1, 9999)}"
            else:
                value = f"{rng.choice(NICKNAMES).lower().replace(' ', '')}{rng.randint(1, 9999)}@example.com"
            if (kind, platform, value) in seen:
                continue
            seen.add((kind, platform, value))
            identifiers.append(Identifier(kind=kind, platform=platform, value=value, created_by=rng.choice(recorders)))
        return identifiers

    def _net_groups(self, count: int) -> list[PeerGroup]:
        rng = self.rng
        recorders = self._recorders()
        groups = []
        for number in range(count):
            groups.append(
                PeerGroup(
                    name=f"{rng.choice(LAST)} {rng.choice(['crew', 'group', 'lot', 'boys', 'girls', 'estate group'])}"
                    f" ({number + 1})",
                    description="Young people seen together at the same places; some go missing together.",
                    created_by=rng.choice(recorders),
                )
            )
        return groups

    # -- links ---------------------------------------------------------------------------------------
    def _add_link(self, a: tuple, b: tuple, kind: str, first: dt.date, last: dt.date, **extra) -> bool:
        pair = (a, b) if a <= b else (b, a)
        if a == b or pair in self._net_pairs:
            return False
        self._net_pairs.add(pair)
        self._net_links.append((a, b, kind, first, last, extra))
        return True

    def _child_link(self, record: tuple, tag: str) -> None:
        rng = self.rng
        child = self._child_draws()
        lo, hi = self.net_span[child]
        first, last = self._days_between(lo, hi)
        if tag == "person":
            kind = self.weighted(
                [
                    (LinkKind.SEEN_WITH, 40),
                    (LinkKind.ASSOCIATES_WITH, 30),
                    (LinkKind.FOUND_WITH, 12),
                    (LinkKind.CONTACTED_BY, 13),
                    (LinkKind.FAMILY, 5),
                ]
            )
            relationship = self.weighted(
                [
                    (Relationship.ACQUAINTANCE, 40),
                    (Relationship.STRANGER, 20),
                    (Relationship.PEER, 15),
                    (Relationship.ONLINE, 15),
                    (Relationship.FAMILY, 7),
                    (Relationship.PROFESSIONAL, 3),
                ]
            )
            if kind == LinkKind.FAMILY:
                relationship = Relationship.FAMILY
        elif tag == "place":
            kind = self.weighted(
                [
                    (LinkKind.FREQUENTS, 50),
                    (LinkKind.GOES_MISSING_TO, 25),
                    (LinkKind.FOUND_AT, 20),
                    (LinkKind.LIVES_AT, 5),
                ]
            )
            relationship = ""
        elif tag == "vehicle":
            kind, relationship = LinkKind.SEEN_IN, ""
        else:
            kind, relationship = LinkKind.CONTACTED_BY, rng.choice([Relationship.ONLINE, Relationship.STRANGER])
        source = self.weighted(
            [
                (LinkSource.INTELLIGENCE, 28),
                (LinkSource.CASEWORK, 25),
                (LinkSource.CONTACT, 15),
                (LinkSource.MACE, 10),
                (LinkSource.MISSING_EPISODE, 12),
                (LinkSource.RHI, 7),
                (LinkSource.PANEL, 3),
            ]
        )
        episode = None
        if source in (LinkSource.MISSING_EPISODE, LinkSource.RHI):
            episodes = self._episodes_of.get(self.child_ids[child])
            if episodes:
                episode = rng.choice(episodes)
            else:
                source = LinkSource.CASEWORK
        self._add_link(
            ("c", child), record, kind, first, last, relationship=relationship, source=source, source_record=episode
        )

    def _record_link(self, tag: str, record: tuple, others: dict) -> None:
        """A person's, vehicle's or identifier's link to another record."""
        rng = self.rng
        first, last = self._days_between(self.start.date(), self.now.date())
        if tag == "vehicle":
            self._add_link(("p", others["person"]()), record, LinkKind.DRIVES, first, last)
        elif tag == "identifier":
            self._add_link(("p", others["person"]()), record, LinkKind.USES_NUMBER, first, last)
        else:  # a person: frequents or lives at a place, or associates with another person
            roll = rng.random()
            if roll < 0.55:
                kind = self.weighted([(LinkKind.FREQUENTS, 60), (LinkKind.LIVES_AT, 25), (LinkKind.WORKS_AT, 15)])
                self._add_link(record, ("l", others["place"]()), kind, first, last)
            else:
                self._add_link(record, ("p", others["person"]()), LinkKind.ASSOCIATES_WITH, first, last)

    def _weighted_chooser(self, degrees: list[int]):
        """Records drawn in proportion to their degree (the hubs attract the links between records)."""
        rng = self.rng
        cumulative = list(itertools.accumulate(degrees))
        population = range(len(degrees))
        buffer: list[int] = []

        def draw() -> int:
            if not buffer:
                buffer.extend(rng.choices(population, cum_weights=cumulative, k=1024))
            return buffer.pop()

        return draw

    def _net_record_links(self, degrees: dict, persons, places, vehicles, identifiers) -> None:
        rng = self.rng
        self._episodes_of: dict[int, list[int]] = defaultdict(list)
        for child_id, pk in MissingEpisode.objects.filter(child_id__in=self.child_ids).values_list("child_id", "pk"):
            self._episodes_of[child_id].append(pk)
        others = {
            "person": self._weighted_chooser(degrees["person"]),
            "place": self._weighted_chooser(degrees["place"]),
        }
        for tag, letter in (("person", "p"), ("place", "l"), ("vehicle", "v"), ("identifier", "i")):
            if not degrees[tag]:
                continue
            if tag in ("vehicle", "identifier") and not persons:
                continue
            for index, degree in enumerate(degrees[tag]):
                for _ in range(degree):
                    if rng.random() < TO_RECORDS[tag] and persons and places:
                        self._record_link(tag, (letter, index), others)
                    else:
                        self._child_link((letter, index), tag)

    def _net_group_links(self, groups: list, place_degrees: list[int]) -> None:
        rng = self.rng
        places = self._weighted_chooser(place_degrees) if place_degrees else None
        for index in range(len(groups)):
            size = min(15, 2 + pareto_degree(rng, 2.2, 13))
            for _ in range(size):
                child = self._child_draws()
                first, last = self._days_between(*self.net_span[child])
                self._add_link(("c", child), ("g", index), LinkKind.MEMBER_OF, first, last, source=LinkSource.CASEWORK)
            for _ in range(rng.choice([1, 1, 2, 3]) if places else 0):
                first, last = self._days_between(self.start.date(), self.now.date())
                self._add_link(("g", index), ("l", places()), LinkKind.USES_PLACE, first, last)

    def _net_hotspots(self, places: list[Place], place_degrees: list[int]) -> None:
        """The most-linked places (about one in two hundred) are hotspots, with a reason and a review."""
        rng = self.rng
        linked = defaultdict(int)
        for a, b, *_ in self._net_links:
            for end in (a, b):
                if end[0] == "l":
                    linked[end[1]] += 1
        ranked = sorted(linked, key=lambda index: (-linked[index], index))
        for index in ranked[: max(1, len(places) // 200)]:
            place = places[index]
            place.is_hotspot = True
            place.hotspot_reason = "Many young people linked to it: seen with adults, picked up in cars, found here."
            place.hotspot_review_on = self.now.date() + dt.timedelta(days=rng.randint(-30, 180))

    # -- writing -------------------------------------------------------------------------------------
    def _net_write(self, persons, places, vehicles, identifiers, groups) -> None:
        rng = self.rng
        when = self.start

        def dated(records):
            return [self.moment(when, self.now) for _ in records]

        records = {"p": persons, "l": places, "v": vehicles, "i": identifiers, "g": groups}
        for model, letter in ((Person, "p"), (Place, "l"), (Vehicle, "v"), (Identifier, "i"), (PeerGroup, "g")):
            self.writer.insert(model, records[letter], dated(records[letter]))
        # The search keys of the persons' names, as the network's services write them for a person they add.
        self.writer.insert(
            PersonNameKey,
            [
                PersonNameKey(person_id=p.pk, key=key)
                for p in persons
                for key in sorted(person_name_keys(p.first_name, p.last_name, p.aliases))
            ],
        )
        kinds = {
            "p": (NodeKind.PERSON, "person"),
            "l": (NodeKind.PLACE, "place"),
            "v": (NodeKind.VEHICLE, "vehicle"),
            "i": (NodeKind.IDENTIFIER, "identifier"),
            "g": (NodeKind.PEER_GROUP, "peer_group"),
        }
        children = sorted({end[1] for a, b, *_ in self._net_links for end in (a, b) if end[0] == "c"})
        nodes, keys = [], []
        for index in children:
            nodes.append(Node(kind=NodeKind.CHILD, child_id=self.child_ids[index]))
            keys.append(("c", index))
        for letter, (kind, field) in kinds.items():
            for index, record in enumerate(records[letter]):
                nodes.append(Node(kind=kind, **{f"{field}_id": record.pk}))
                keys.append((letter, index))
        node_dates = [
            dt.datetime.combine(self.net_span[k[1]][0], dt.time(9), tzinfo=self.tz) if k[0] == "c" else self.start
            for k in keys
        ]
        nodes = self.writer.insert(Node, nodes, node_dates)
        node_of = {key: node.pk for key, node in zip(keys, nodes, strict=True)}

        recorders = self._recorders()
        links, dates = [], []
        for a, b, kind, first, last, extra in self._net_links:
            by = rng.choice(recorders)
            link = Link(
                a_id=node_of[a],
                b_id=node_of[b],
                kind=kind,
                relationship=extra.get("relationship", ""),
                reported_by=f"{by.first_name} {by.last_name}",
                source=extra.get("source", LinkSource.INTELLIGENCE),
                source_record=extra.get("source_record"),
                first_seen=first,
                last_seen=last,
                confidence=self.weighted(
                    [(Confidence.CONFIRMED, 30), (Confidence.REPORTED, 50), (Confidence.SUSPECTED, 20)]
                ),
                notes="",
                created_by=by,
            )
            if rng.random() < 0.01:
                link.status = LinkStatus.WITHDRAWN
                link.withdrawn_reason = "Entered in error: the wrong record was linked."
                link.withdrawn_by = by
                link.withdrawn_at = dt.datetime.combine(last, dt.time(16), tzinfo=self.tz)
            links.append(link)
            dates.append(dt.datetime.combine(first, dt.time(12), tzinfo=self.tz))
        order = sorted(range(len(links)), key=lambda i: dates[i])  # written in the order they were recorded
        self.writer.insert(Link, [links[i] for i in order], [dates[i] for i in order])
        self.say(
            f"network: {len(persons)} persons, {len(places)} places, {len(vehicles)} vehicles, "
            f"{len(identifiers)} numbers and handles, {len(groups)} peer groups, {len(links)} links"
        )
        del self._net_links, self._net_pairs

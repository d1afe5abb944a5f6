"""The exploitation network: persons of concern, places, vehicles, numbers and handles, peer groups,
and the links between them and children and cases (seed 001 §3.11-3.12, L1432-1437).

Every thing the network can link is a `Node`: one row per child, case, person, place, vehicle,
identifier or peer group that has ever been linked (made on first use), so that a `Link` is two
node numbers and a walk of the network reads one table. Children and cases belong to the apps
below; the network holds its node's foreign key to them, never the other way round.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Greatest, Least
from django.urls import reverse
from simple_history.models import HistoricalRecords

from contacts.choices import Ethnicity, Gender
from core.models import VersionedModel

from ..choices import (
    AgeBand,
    Confidence,
    CustodyStatus,
    DuplicateFoundWhen,
    DuplicateStatus,
    IdentifierKind,
    LinkKind,
    LinkSource,
    LinkStatus,
    NetworkStatus,
    NodeKind,
    PersonKind,
    PlaceKind,
    Platform,
    PoliceStatus,
    Relationship,
    VehicleKind,
)


class NetworkRecord(VersionedModel):
    """What every record of the network's own has: a status (never deleted: merged or entered in
    error), who added it, and the number it had in the previous system."""

    status = models.CharField(max_length=20, choices=NetworkStatus.choices, default=NetworkStatus.ACTIVE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    legacy_key = models.CharField(max_length=64, blank=True)

    class Meta:
        abstract = True


class Person(NetworkRecord):
    """A person of concern: a suspected perpetrator, an associate, an adult who poses a risk, or a
    peer. Identity may be unknown (more than a third of perpetrators are, 001 L756-757): then a
    description and nicknames. A child in the index who is also of concern is linked to their own
    record (`child`), never entered twice."""

    kind = models.CharField(max_length=20, choices=PersonKind.choices, default=PersonKind.SUSPECTED_PERPETRATOR)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    aliases = models.CharField("aliases and nicknames", max_length=300, blank=True, help_text="Separated by commas.")
    description = models.TextField(blank=True, help_text="What they look like, where they are seen, how they act.")
    date_of_birth = models.DateField(null=True, blank=True)
    age_band = models.CharField(max_length=10, choices=AgeBand.choices, default=AgeBand.NOT_KNOWN)
    gender = models.CharField(max_length=10, choices=Gender.choices, default=Gender.NOT_KNOWN)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, blank=True)
    is_juvenile = models.BooleanField("juvenile or peer", default=False)
    child = models.OneToOneField(
        "contacts.Child",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="their own child record",
    )
    police_status = models.CharField(max_length=20, choices=PoliceStatus.choices, default=PoliceStatus.INTELLIGENCE)
    police_status_on = models.DateField("police status since", null=True, blank=True)
    nfa_reason = models.TextField("reason for no further action", blank=True)
    custody_status = models.CharField(max_length=20, choices=CustodyStatus.choices, default=CustodyStatus.NOT_KNOWN)
    release_date = models.DateField(null=True, blank=True)
    licence_conditions = models.TextField(blank=True)
    exclusion_zones = models.TextField(blank=True)
    awn_issued_on = models.DateField("Abduction Warning Notice issued", null=True, blank=True)
    awn_issued_by = models.CharField("Abduction Warning Notice issued by", max_length=200, blank=True)
    awn_expires_on = models.DateField("Abduction Warning Notice expires", null=True, blank=True)
    staff_safety_warning = models.BooleanField(default=False)
    staff_safety_reason = models.TextField("why staff should take care", blank=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from")
    history = HistoricalRecords()

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name = "person of concern"
        verbose_name_plural = "persons of concern"
        permissions = [
            ("view_network", "Can see the exploitation network"),
            ("record_network", "Can add to and change the exploitation network"),
            ("merge_person", "Can merge duplicate persons of concern"),
            ("analyse_network", "Can see hotspots and the cohort's profile"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["legacy_key"], condition=~models.Q(legacy_key=""), name="network_person_unique_legacy_key"
            ),
            models.CheckConstraint(
                condition=models.Q(status="merged", merged_into__isnull=False)
                | (~models.Q(status="merged") & models.Q(merged_into__isnull=True)),
                name="network_person_merged_names_the_survivor",
            ),
            models.CheckConstraint(
                condition=models.Q(awn_expires_on__isnull=True)
                | models.Q(awn_issued_on__isnull=True)
                | models.Q(awn_expires_on__gte=models.F("awn_issued_on")),
                name="network_person_awn_expires_after_issue",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        name = " ".join(part for part in (self.first_name, self.last_name) if part)
        if name:
            return name
        if self.aliases:
            return f"Unknown (known as {self.aliases.split(',')[0].strip()})"
        return f"Unknown person {self.pk or ''}".strip()

    @property
    def identity_known(self) -> bool:
        return bool(self.first_name or self.last_name)

    def get_absolute_url(self) -> str:
        return reverse("network:person_detail", args=[self.pk])


class PersonNameKey(models.Model):
    """A search key of a word of a person of concern's names (network.matching.person_name_keys): the
    network's own index for finding a name or alias, as contacts.ChildNameKey is the child index's.
    Derived from the names and rewritten by the services that change them; no history of its own
    (the names have theirs)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "key"], name="network_personnamekey_unique")]
        indexes = [models.Index(fields=["key", "person"], name="network_personnamekey_key_idx")]

    def __str__(self) -> str:
        return f"{self.key} (person {self.person_id})"


class Place(NetworkRecord):
    """An address, premises or hotspot (001 L145, L713-715, L1526-1527, L1603-1605, L1978-1979)."""

    kind = models.CharField(max_length=20, choices=PlaceKind.choices)
    name = models.CharField(max_length=200, blank=True, help_text="The premises' name, or a short description.")
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True, db_index=True)
    description = models.TextField(blank=True)
    latitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    owner = models.CharField("owner or licensee", max_length=200, blank=True)
    is_hotspot = models.BooleanField("hotspot", default=False)
    hotspot_reason = models.TextField(blank=True)
    hotspot_review_on = models.DateField("review the hotspot by", null=True, blank=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from")
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "postcode", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["legacy_key"], condition=~models.Q(legacy_key=""), name="network_place_unique_legacy_key"
            ),
            models.CheckConstraint(
                condition=models.Q(is_hotspot=False) | ~models.Q(hotspot_reason=""),
                name="network_place_hotspot_has_a_reason",
            ),
        ]
        indexes = [models.Index(fields=["is_hotspot"], name="network_place_hotspot_idx")]

    def __str__(self) -> str:
        label = self.name or self.get_kind_display()
        return f"{label}, {self.postcode}" if self.postcode else label

    def get_absolute_url(self) -> str:
        return reverse("network:place_detail", args=[self.pk])


class Vehicle(NetworkRecord):
    """A vehicle seen with children: tagged by PCSOs, seen by Street Pastors (001 L1443-1452)."""

    registration = models.CharField(
        "registration mark", max_length=10, blank=True, db_index=True, help_text="Stored without spaces."
    )
    make = models.CharField(max_length=60, blank=True)
    model = models.CharField(max_length=60, blank=True)
    colour = models.CharField(max_length=40, blank=True)
    kind = models.CharField(max_length=20, choices=VehicleKind.choices, default=VehicleKind.NOT_KNOWN)
    licensing_authority = models.CharField(max_length=120, blank=True)
    plate_number = models.CharField("licence plate number", max_length=30, blank=True)
    description = models.TextField(blank=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from")
    history = HistoricalRecords()

    class Meta:
        ordering = ["registration", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration"],
                condition=~models.Q(registration="") & models.Q(status="active"),
                name="network_vehicle_one_active_per_registration",
            ),
            models.UniqueConstraint(
                fields=["legacy_key"], condition=~models.Q(legacy_key=""), name="network_vehicle_unique_legacy_key"
            ),
        ]

    def __str__(self) -> str:
        described = " ".join(part for part in (self.colour, self.make, self.model) if part)
        if self.registration:
            return f"{self.registration} ({described})" if described else self.registration
        return described or f"Vehicle {self.pk or ''}".strip()

    def get_absolute_url(self) -> str:
        return reverse("network:vehicle_detail", args=[self.pk])


class Identifier(NetworkRecord):
    """A phone number (a "deal line"), a social-media or messaging handle, or an e-mail address:
    exploiters are often known by nothing else, so each is a node of its own."""

    kind = models.CharField(max_length=10, choices=IdentifierKind.choices)
    platform = models.CharField(max_length=20, choices=Platform.choices, blank=True)
    value = models.CharField(
        max_length=200, help_text="Phone numbers in international form, handles and e-mail addresses in lower case."
    )
    description = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "value", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "platform", "value"],
                condition=models.Q(status="active"),
                name="network_identifier_one_active_per_value",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == IdentifierKind.HANDLE and self.platform:
            return f"{self.get_platform_display()} {self.value}"
        return self.value

    def get_absolute_url(self) -> str:
        return reverse("network:identifier_detail", args=[self.pk])


class PeerGroup(NetworkRecord):
    """A named group of children and young people (peer-group mapping, Contextual Safeguarding
    Network). Its members and the places it uses are links (`member of`, `uses the place`), with
    their dates."""

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("network:peer_group_detail", args=[self.pk])


_NODE_FIELDS = {
    NodeKind.CHILD: "child",
    NodeKind.CASE: "case",
    NodeKind.PERSON: "person",
    NodeKind.PLACE: "place",
    NodeKind.VEHICLE: "vehicle",
    NodeKind.IDENTIFIER: "identifier",
    NodeKind.PEER_GROUP: "peer_group",
}


def _one_target_of_its_kind() -> models.Q:
    """Exactly one foreign key is set: the one the node's kind names."""
    condition = models.Q()
    for kind, field in _NODE_FIELDS.items():
        only = models.Q(kind=kind, **{f"{field}__isnull": False}) & models.Q(
            **{f"{other}__isnull": True for other in _NODE_FIELDS.values() if other != field}
        )
        condition = only if not condition else condition | only
    return condition


class Node(models.Model):
    """One thing the network can link: exactly one of its foreign keys is set, the one its kind
    names. Made on first use and never changed; a merged record's links move to the survivor's node."""

    kind = models.CharField(max_length=20, choices=NodeKind.choices)
    child = models.OneToOneField("contacts.Child", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    case = models.OneToOneField("cate.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    person = models.OneToOneField(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="node")
    place = models.OneToOneField(Place, null=True, blank=True, on_delete=models.PROTECT, related_name="node")
    vehicle = models.OneToOneField(Vehicle, null=True, blank=True, on_delete=models.PROTECT, related_name="node")
    identifier = models.OneToOneField(Identifier, null=True, blank=True, on_delete=models.PROTECT, related_name="node")
    peer_group = models.OneToOneField(PeerGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="node")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    FIELD_OF_KIND = _NODE_FIELDS

    class Meta:
        constraints = [
            models.CheckConstraint(condition=_one_target_of_its_kind(), name="network_node_one_target_of_its_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.target_id}"

    @property
    def target_id(self) -> int | None:
        return getattr(self, f"{self.FIELD_OF_KIND[self.kind]}_id")

    @property
    def target(self):
        return getattr(self, self.FIELD_OF_KIND[self.kind])


class Link(VersionedModel):
    """Two things seen together: who reported it, from where, when first and last, how sure. Never
    deleted: withdrawn with a reason when entered in error."""

    a = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="links_from")
    b = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="links_to")
    kind = models.CharField(max_length=20, choices=LinkKind.choices)
    relationship = models.CharField(
        "relationship to the child", max_length=20, choices=Relationship.choices, blank=True
    )
    reported_by = models.CharField("who reported it", max_length=200, blank=True)
    source = models.CharField(max_length=20, choices=LinkSource.choices, default=LinkSource.CASEWORK)
    source_record = models.PositiveIntegerField(
        null=True, blank=True, help_text="The number of the record it came from (a missing episode, a MACE)."
    )
    first_seen = models.DateField(null=True, blank=True)
    last_seen = models.DateField(null=True, blank=True)
    confidence = models.CharField(max_length=10, choices=Confidence.choices, default=Confidence.REPORTED)
    notes = models.TextField(blank=True)
    # The police or health say a person of concern may have passed on an infection: the child at the
    # other end is to be offered STI screening (no health detail about the person is kept; issue 24).
    offer_sti_screening = models.BooleanField("offer the child STI screening", default=False)
    sti_screening_flagged_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=LinkStatus.choices, default=LinkStatus.ACTIVE)
    withdrawn_reason = models.TextField(blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    legacy_key = models.CharField(max_length=64, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-last_seen", "-created_at", "-id"]
        indexes = [
            models.Index(fields=["a", "status"], name="network_link_a_idx"),
            models.Index(fields=["b", "status"], name="network_link_b_idx"),
            models.Index(fields=["source", "source_record"], name="network_link_source_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(a=models.F("b")), name="network_link_two_ends"),
            models.CheckConstraint(
                condition=models.Q(first_seen__isnull=True)
                | models.Q(last_seen__isnull=True)
                | models.Q(last_seen__gte=models.F("first_seen")),
                name="network_link_last_seen_after_first",
            ),
            models.CheckConstraint(
                condition=models.Q(status="active") | ~models.Q(withdrawn_reason=""),
                name="network_link_withdrawn_has_a_reason",
            ),
            models.UniqueConstraint(
                fields=["legacy_key"], condition=~models.Q(legacy_key=""), name="network_link_unique_legacy_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} link {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status == LinkStatus.ACTIVE

    def other_end(self, node_id: int) -> int:
        return self.b_id if self.a_id == node_id else self.a_id


class MaceSubject(models.Model):
    """A multi-agency enquiry asked about a person of concern as well as the child (001 L1387-1388).
    The network holds the link to the request, so the front door never imports the network. Taken
    off the enquiry, never deleted: kept with who took it off and why."""

    request = models.ForeignKey("contacts.MaceRequest", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="mace_subjects")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removed_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "person"],
                condition=models.Q(removed_at__isnull=True),
                name="network_mace_subject_once",
            ),
            models.CheckConstraint(
                condition=models.Q(removed_at__isnull=True) | ~models.Q(removed_reason=""),
                name="network_mace_subject_removed_has_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} on {self.request}"


class PersonMerge(models.Model):
    """Two records of one person of concern: `source`'s links, enquiries, child record and names moved
    to `target`, which was filled in where it knew less; `source` kept as merged into it.

    `moved` says exactly what moved, so that the merge can be reversed: {"links": [{"link": pk, "end":
    "a"|"b"}], "joined": [{"link": pk, "into": pk, "before": {...}, "after": {...}}] (the same link on
    both records: one kept and widened, the other joined to it), "between": [pk] (links between the
    two records, which a person cannot have with themself), "mace_subjects": [pk], "child": pk|null};
    `filled_fields` {field: {"before": ..., "after": ...}} what changed on the kept record."""

    source = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    target = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField()
    reason = models.TextField()
    moved = models.JSONField(default=dict, blank=True)
    filled_fields = models.JSONField(default=dict, blank=True)
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reversal_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-merged_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(source=models.F("target")), name="network_merge_two_records"),
            models.UniqueConstraint(
                fields=["source"], condition=models.Q(reversed_at__isnull=True), name="network_merge_source_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Merge {self.pk}: person {self.source_id} into person {self.target_id}"

    def get_absolute_url(self) -> str:
        return reverse("network:person_merge_detail", args=[self.pk])

    @property
    def link_count(self) -> int:
        moved = self.moved or {}
        return len(moved.get("links", [])) + len(moved.get("joined", []))


class PersonDuplicate(VersionedModel):
    """Two records that may be one person of concern, found when `person` was added or changed and
    matched `existing` by the rule of network.matching. Those who merge persons (team leaders and
    Family Connect managers) merge the pair, keeping either record, or mark them as different people."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    existing = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    matched_on = models.CharField(max_length=200)
    found_when = models.CharField(max_length=10, choices=DuplicateFoundWhen.choices)
    found_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    found_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_reason = models.TextField(blank=True)
    merge = models.ForeignKey(PersonMerge, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["found_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(person=models.F("existing")), name="network_duplicate_two"),
            models.UniqueConstraint(
                Least("person", "existing"), Greatest("person", "existing"), name="network_duplicate_pair_once"
            ),
            models.CheckConstraint(
                condition=models.Q(status="open") | models.Q(resolved_at__isnull=False),
                name="network_duplicate_resolved_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["found_at"], condition=models.Q(status="open"), name="network_duplicate_open_idx")
        ]

    def __str__(self) -> str:
        return f"Possible duplicate {self.pk}: person {self.person_id} and person {self.existing_id}"

    def get_absolute_url(self) -> str:
        return reverse("network:person_duplicate_detail", args=[self.pk])

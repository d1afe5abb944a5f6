"""Adding and changing the network's own records: persons of concern, places, vehicles, numbers and
handles, peer groups. Each checks the permission, validates, saves with history attributed to the
actor and makes the record's node."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from contacts.visibility import children_visible_to
from core import audit
from core.concurrency import check_version

from ..choices import DuplicateFoundWhen, IdentifierKind, NetworkStatus
from ..models import Identifier, PeerGroup, Person, Place, Vehicle
from ..permissions import require_record_network
from ..rules import normalise_identifier, normalise_registration
from ._common import apply, node_for, refuse
from .merge import IDENTIFYING_FIELDS, queue_duplicates_find
from .name_keys import NAME_FIELDS, person_name_keys_refresh

PERSON_FIELDS = (
    "kind",
    "first_name",
    "last_name",
    "aliases",
    "description",
    "date_of_birth",
    "age_band",
    "gender",
    "ethnicity",
    "is_juvenile",
    "child",
    "police_status",
    "police_status_on",
    "nfa_reason",
    "custody_status",
    "release_date",
    "licence_conditions",
    "exclusion_zones",
    "awn_issued_on",
    "awn_issued_by",
    "awn_expires_on",
    "staff_safety_warning",
    "staff_safety_reason",
)


def person_problems(person: Person) -> dict:
    """What a person of concern's record needs before it is saved, every fault at once."""
    errors: dict[str, list[str]] = {}
    if not (person.first_name or person.last_name or person.aliases or person.description):
        errors.setdefault("first_name", []).append(
            "Enter a name, an alias or nickname, or a description: an unknown person needs a description"
        )
    if person.police_status == "nfa" and not person.nfa_reason:
        errors.setdefault("nfa_reason", []).append("Enter why there was no further action")
    if person.staff_safety_warning and not person.staff_safety_reason:
        errors.setdefault("staff_safety_reason", []).append("Enter why staff should take care")
    if person.awn_issued_on and person.awn_expires_on and person.awn_expires_on < person.awn_issued_on:
        errors.setdefault("awn_expires_on", []).append("The notice must expire after it was issued")
    if person.awn_expires_on and not person.awn_issued_on:
        errors.setdefault("awn_issued_on", []).append("Enter when the Abduction Warning Notice was issued")
    if person.child_id and not person.is_juvenile:
        person.is_juvenile = True
    return errors


def _check_child(person: Person, actor) -> None:
    if person.child_id and not children_visible_to(actor).filter(pk=person.child_id).exists():
        raise ValidationError({"child": ["Select a child from the index"]})
    if person.child_id:
        twin = Person.objects.filter(child_id=person.child_id).exclude(pk=person.pk).first()
        if twin is not None:
            raise ValidationError({"child": ["This child is already a person of concern: open their record"]})


def person_create(*, actor, **fields) -> Person:
    require_record_network(actor)
    person = Person(created_by=actor, **{name: value for name, value in fields.items() if name in PERSON_FIELDS})
    refuse(person_problems(person))
    _check_child(person, actor)
    with transaction.atomic():
        audit.save(person, actor=actor, reason="Person of concern added")
        node_for(person)
        person_name_keys_refresh([person])
        queue_duplicates_find(person, actor=actor, found_when=DuplicateFoundWhen.ADDED)
    return person


def person_update(*, person: Person, actor, expected_version: int | None = None, **fields) -> Person:
    require_record_network(actor)
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        check_version(person, expected_version)
        if person.status != NetworkStatus.ACTIVE:
            raise ValidationError("This record was merged or entered in error: it cannot be changed")
        changed = apply(person, {name: value for name, value in fields.items() if name in PERSON_FIELDS})
        refuse(person_problems(person))
        _check_child(person, actor)
        audit.save_change(person, actor=actor, reason="Person of concern changed")
        if NAME_FIELDS & set(changed):
            person_name_keys_refresh([person])
        if IDENTIFYING_FIELDS & set(changed):
            queue_duplicates_find(person, actor=actor, found_when=DuplicateFoundWhen.CHANGED)
    return person


PLACE_FIELDS = (
    "kind",
    "name",
    "address",
    "postcode",
    "description",
    "latitude",
    "longitude",
    "owner",
    "is_hotspot",
    "hotspot_reason",
    "hotspot_review_on",
)


def place_problems(place: Place) -> dict:
    errors: dict[str, list[str]] = {}
    if not (place.name or place.address or place.postcode or place.description):
        errors.setdefault("name", []).append("Enter a name, an address, a postcode or a description of the place")
    if place.is_hotspot and not place.hotspot_reason:
        errors.setdefault("hotspot_reason", []).append("Enter why the place is a hotspot")
    if (place.latitude is None) != (place.longitude is None):
        errors.setdefault("latitude", []).append("Enter both the latitude and the longitude, or neither")
    return errors


def _tidy_place(place: Place) -> None:
    from contacts.search import normalise_postcode

    place.postcode = normalise_postcode(place.postcode or "")


def place_create(*, actor, **fields) -> Place:
    require_record_network(actor)
    place = Place(created_by=actor, **{name: value for name, value in fields.items() if name in PLACE_FIELDS})
    _tidy_place(place)
    refuse(place_problems(place))
    with transaction.atomic():
        audit.save(place, actor=actor, reason="Place added")
        node_for(place)
    return place


def place_update(*, place: Place, actor, expected_version: int | None = None, **fields) -> Place:
    require_record_network(actor)
    with transaction.atomic():
        place = Place.objects.select_for_update().get(pk=place.pk)
        check_version(place, expected_version)
        _require_current(place)
        apply(place, {name: value for name, value in fields.items() if name in PLACE_FIELDS})
        _tidy_place(place)
        refuse(place_problems(place))
        audit.save_change(place, actor=actor, reason="Place changed")
    return place


VEHICLE_FIELDS = (
    "registration",
    "make",
    "model",
    "colour",
    "kind",
    "licensing_authority",
    "plate_number",
    "description",
)


def vehicle_problems(vehicle: Vehicle) -> dict:
    errors: dict[str, list[str]] = {}
    if not (vehicle.registration or vehicle.make or vehicle.model or vehicle.colour or vehicle.description):
        errors.setdefault("registration", []).append("Enter the registration mark, or describe the vehicle")
    if vehicle.registration and not 2 <= len(vehicle.registration) <= 8:
        errors.setdefault("registration", []).append("Enter a registration mark of 2 to 8 letters and numbers")
    if vehicle.registration:
        twin = Vehicle.objects.filter(registration=vehicle.registration, status=NetworkStatus.ACTIVE).exclude(
            pk=vehicle.pk
        )
        if twin.exists():
            errors.setdefault("registration", []).append("A vehicle with this registration mark is already recorded")
    return errors


def vehicle_create(*, actor, **fields) -> Vehicle:
    require_record_network(actor)
    vehicle = Vehicle(created_by=actor, **{name: value for name, value in fields.items() if name in VEHICLE_FIELDS})
    vehicle.registration = normalise_registration(vehicle.registration)
    refuse(vehicle_problems(vehicle))
    with transaction.atomic():
        audit.save(vehicle, actor=actor, reason="Vehicle added")
        node_for(vehicle)
    return vehicle


def vehicle_update(*, vehicle: Vehicle, actor, expected_version: int | None = None, **fields) -> Vehicle:
    require_record_network(actor)
    with transaction.atomic():
        vehicle = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
        check_version(vehicle, expected_version)
        _require_current(vehicle)
        apply(vehicle, {name: value for name, value in fields.items() if name in VEHICLE_FIELDS})
        vehicle.registration = normalise_registration(vehicle.registration)
        refuse(vehicle_problems(vehicle))
        audit.save_change(vehicle, actor=actor, reason="Vehicle changed")
    return vehicle


def identifier_problems(identifier: Identifier) -> dict:
    errors: dict[str, list[str]] = {}
    value, message = normalise_identifier(identifier.kind, identifier.value)
    if value is None:
        errors.setdefault("value", []).append(message)
    else:
        identifier.value = value
    if identifier.kind == IdentifierKind.HANDLE and not identifier.platform:
        errors.setdefault("platform", []).append("Select the platform the handle is on")
    if identifier.kind != IdentifierKind.HANDLE:
        identifier.platform = ""
    if value is not None:
        twin = Identifier.objects.filter(
            kind=identifier.kind, platform=identifier.platform, value=value, status=NetworkStatus.ACTIVE
        ).exclude(pk=identifier.pk)
        if twin.exists():
            errors.setdefault("value", []).append("This number, handle or address is already recorded")
    return errors


def identifier_create(*, actor, kind: str, value: str, platform: str = "", description: str = "") -> Identifier:
    require_record_network(actor)
    identifier = Identifier(kind=kind, value=value, platform=platform, description=description, created_by=actor)
    refuse(identifier_problems(identifier))
    with transaction.atomic():
        audit.save(identifier, actor=actor, reason="Number or handle added")
        node_for(identifier)
    return identifier


def identifier_find_or_create(*, actor, kind: str, value: str, platform: str = "") -> Identifier:
    """The recorded identifier of this value, or a new one (typing a known number finds it)."""
    require_record_network(actor)
    stored, message = normalise_identifier(kind, value)
    if stored is None:
        raise ValidationError({"value": [message]})
    platform = platform if kind == IdentifierKind.HANDLE else ""
    found = Identifier.objects.filter(kind=kind, platform=platform, value=stored, status=NetworkStatus.ACTIVE).first()
    return found or identifier_create(actor=actor, kind=kind, value=stored, platform=platform)


def identifier_update(*, identifier: Identifier, actor, expected_version: int | None = None, **fields) -> Identifier:
    require_record_network(actor)
    with transaction.atomic():
        identifier = Identifier.objects.select_for_update().get(pk=identifier.pk)
        check_version(identifier, expected_version)
        _require_current(identifier)
        apply(identifier, {k: v for k, v in fields.items() if k in ("kind", "platform", "value", "description")})
        refuse(identifier_problems(identifier))
        audit.save_change(identifier, actor=actor, reason="Number or handle changed")
    return identifier


def peer_group_create(*, actor, name: str, description: str = "") -> PeerGroup:
    require_record_network(actor)
    if not (name or "").strip():
        raise ValidationError({"name": ["Enter the group's name"]})
    group = PeerGroup(name=name.strip(), description=description, created_by=actor)
    with transaction.atomic():
        audit.save(group, actor=actor, reason="Peer group added")
        node_for(group)
    return group


def peer_group_update(
    *, group: PeerGroup, actor, expected_version: int | None = None, name: str, description: str = ""
) -> PeerGroup:
    require_record_network(actor)
    if not (name or "").strip():
        raise ValidationError({"name": ["Enter the group's name"]})
    with transaction.atomic():
        group = PeerGroup.objects.select_for_update().get(pk=group.pk)
        check_version(group, expected_version)
        _require_current(group)
        group.name, group.description = name.strip(), description
        audit.save_change(group, actor=actor, reason="Peer group changed")
    return group


def record_mark_entered_in_error(*, record, actor, reason: str, expected_version: int | None = None):
    """A person, place, vehicle, identifier or peer group entered in error: kept, hidden from the
    network with its links."""
    require_record_network(actor)
    if not (reason or "").strip():
        raise ValidationError({"reason": ["Enter why the record was entered in error"]})
    with transaction.atomic():
        record = type(record).objects.select_for_update().get(pk=record.pk)
        check_version(record, expected_version)
        _require_current(record)
        record.status = NetworkStatus.ENTERED_IN_ERROR
        audit.save_change(record, actor=actor, reason=f"Entered in error: {reason.strip()}"[:100])
    return record


def _require_current(record) -> None:
    if record.status != NetworkStatus.ACTIVE:
        raise ValidationError("This record was merged or entered in error: it cannot be changed")

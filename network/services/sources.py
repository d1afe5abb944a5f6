"""Links made where the information appears: a missing episode's place and the people the child
was found with, an agency's answer to an enquiry that names an adult, and the persons of concern an
enquiry asks about (001 L1387-1388).

Each reads its source through the owning app's selectors as the actor (a record the actor may not
see is refused as if it did not exist), then records through the network's own services, so every
link has its history and, for a child with an open case, its line in the case chronology. A link
remembers where it came from (`source`, `source_record`)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cate.models import MissingEpisode
from cate.selectors import cases_visible_to
from contacts.choices import MaceStatus
from contacts.models import MaceEntry, MaceRequest
from contacts.permissions import REQUEST_MACE
from contacts.selectors import mace_entries_visible_to, mace_requests_visible_to
from core import audit
from core.clock import local_date

from ..choices import Confidence, LinkKind, LinkSource, NetworkStatus
from ..models import Link, MaceSubject, Person, Place
from ..permissions import can_record_network, require_record_network
from .links import link_add
from .records import person_create, place_create

# The kinds of link each source offers.
EPISODE_PLACE_KINDS = (LinkKind.FOUND_AT, LinkKind.GOES_MISSING_TO)
EPISODE_PERSON_KINDS = (LinkKind.FOUND_WITH,)
ANSWER_PERSON_KINDS = (
    LinkKind.SEEN_WITH,
    LinkKind.ASSOCIATES_WITH,
    LinkKind.CONTACTED_BY,
    LinkKind.FOUND_WITH,
    LinkKind.FAMILY,
    LinkKind.OTHER,
)


def _episode_visible(actor, episode: MissingEpisode) -> bool:
    return (
        episode.case_id is not None
        and cases_visible_to(actor).filter(pk=episode.case_id, child_id=episode.child_id).exists()
    )


def _episode_day(episode: MissingEpisode):
    return local_date(episode.returned_at or episode.missing_from)


def _require_kind(kind: str, allowed) -> None:
    if kind not in allowed:
        raise ValidationError({"kind": ["Select the kind of link"]})


def _new_or_found_person(actor, person: Person | None, new_person: dict | None) -> Person:
    """The person chosen, or a new person of concern from what was typed (its own checks)."""
    if person is not None:
        if person.status != NetworkStatus.ACTIVE:
            raise ValidationError({"pick": ["This record was merged or entered in error: select another"]})
        return person
    if not new_person:
        raise ValidationError({"pick": ["Select a person, or add a new person of concern"]})
    return person_create(actor=actor, **new_person)


def episode_link_place(
    *,
    actor,
    episode: MissingEpisode,
    kind: str,
    place: Place | None = None,
    new_place: dict | None = None,
    confidence: str = Confidence.REPORTED,
    notes: str = "",
) -> Link:
    """Link the child of a missing episode to the place they were found at or went missing to: a
    place already recorded, or a new one from what was typed (found or created)."""
    require_record_network(actor)
    if not _episode_visible(actor, episode):
        raise PermissionDenied
    _require_kind(kind, EPISODE_PLACE_KINDS)
    with transaction.atomic():
        if place is None:
            if not new_place:
                raise ValidationError({"pick": ["Select a place, or add a new place"]})
            place = place_create(actor=actor, **new_place)
        elif place.status != NetworkStatus.ACTIVE:
            raise ValidationError({"pick": ["This record was merged or entered in error: select another"]})
        day = _episode_day(episode)
        return link_add(
            actor=actor,
            a=episode.child,
            b=place,
            kind=kind,
            source=LinkSource.MISSING_EPISODE,
            source_record=episode.pk,
            reported_by=episode.reported_by,
            first_seen=day,
            last_seen=day,
            confidence=confidence,
            notes=notes,
        )


def episode_link_person(
    *,
    actor,
    episode: MissingEpisode,
    person: Person | None = None,
    child=None,
    new_person: dict | None = None,
    confidence: str = Confidence.REPORTED,
    notes: str = "",
) -> Link:
    """The child of a missing episode was found with someone: a person of concern (found, or new
    from what was typed) or another child of the index (who is never named in this child's
    chronology)."""
    require_record_network(actor)
    if not _episode_visible(actor, episode):
        raise PermissionDenied
    with transaction.atomic():
        other = child if child is not None else _new_or_found_person(actor, person, new_person)
        day = _episode_day(episode)
        return link_add(
            actor=actor,
            a=episode.child,
            b=other,
            kind=LinkKind.FOUND_WITH,
            source=LinkSource.MISSING_EPISODE,
            source_record=episode.pk,
            reported_by=episode.reported_by,
            first_seen=day,
            last_seen=day,
            confidence=confidence,
            notes=notes,
        )


def mace_answer_link_person(
    *,
    actor,
    entry: MaceEntry,
    kind: str,
    person: Person | None = None,
    new_person: dict | None = None,
    relationship: str = "",
    confidence: str = Confidence.REPORTED,
    notes: str = "",
) -> Link:
    """An agency's answer names an adult: link that person of concern (found, or new) to the
    enquiry's child, the answer's agency as who reported it."""
    require_record_network(actor)
    if not mace_entries_visible_to(actor).filter(pk=entry.pk).exists():
        raise PermissionDenied
    _require_kind(kind, ANSWER_PERSON_KINDS)
    child = entry.request.contact.child
    if child is None:
        raise ValidationError("The enquiry's contact has no child to link")
    with transaction.atomic():
        person = _new_or_found_person(actor, person, new_person)
        day = local_date(entry.created_at)
        return link_add(
            actor=actor,
            a=child,
            b=person,
            kind=kind,
            source=LinkSource.MACE,
            source_record=entry.pk,
            relationship=relationship,
            reported_by=str(entry.agency)[:200],
            first_seen=day,
            last_seen=day,
            confidence=confidence,
            notes=notes,
        )


# --- Enquiries about a person of concern ------------------------------------------------------


def can_change_mace_subjects(user) -> bool:
    """Those who ask enquiries and record the network say which persons an enquiry is about."""
    return getattr(user, "is_authenticated", False) and user.has_perm(REQUEST_MACE) and can_record_network(user)


def _require_mace_subjects(actor, mace: MaceRequest) -> None:
    if not can_change_mace_subjects(actor) or not mace_requests_visible_to(actor).filter(pk=mace.pk).exists():
        raise PermissionDenied


def mace_subject_add(
    *, actor, mace: MaceRequest, person: Person | None = None, new_person: dict | None = None
) -> MaceSubject:
    """The enquiry asks about a person of concern as well as its child (found, or new from what was
    typed). The partners it was sent to see the person's name and description on it."""
    _require_mace_subjects(actor, mace)
    with transaction.atomic():
        mace = MaceRequest.objects.select_for_update().get(pk=mace.pk)
        if mace.status != MaceStatus.OPEN:
            raise ValidationError("This enquiry is closed: no one can be added to it")
        person = _new_or_found_person(actor, person, new_person)
        if MaceSubject.objects.filter(request=mace, person=person, removed_at__isnull=True).exists():
            raise ValidationError({"pick": ["This person is already on the enquiry"]})
        subject = MaceSubject(request=mace, person=person, added_by=actor)
        audit.save(subject, actor=actor, reason=f"Person of concern added to enquiry {mace.pk}")
    return subject


def mace_subject_remove(*, actor, subject: MaceSubject, reason: str) -> MaceSubject:
    """A person taken off an enquiry (added in error): kept, with who took them off and why."""
    _require_mace_subjects(actor, subject.request)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Enter why the person is taken off the enquiry"]})
    with transaction.atomic():
        subject = MaceSubject.objects.select_for_update().get(pk=subject.pk)
        if subject.removed_at is not None:
            raise ValidationError({"subject": ["This person was already taken off the enquiry"]})
        subject.removed_at, subject.removed_by, subject.removed_reason = timezone.now(), actor, reason
        audit.save(
            subject,
            actor=actor,
            reason=f"Taken off the enquiry: {reason}"[:100],
            update_fields=["removed_at", "removed_by", "removed_reason"],
        )
    return subject

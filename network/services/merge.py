"""Possible duplicates of persons of concern, merging two records of one person, and reversing a merge
(as the child index does for children: contacts/services/duplicates.py and merge.py).

When a person is added, or their names or age change, `person_duplicates_find` records (after the
commit) each pair they make with a current person who is probably the same (network.matching), for
those who merge persons: CATE team leaders and Family Connect managers (`merge_person`). The add page
shows the likely duplicates the adder may see first (network.selectors.person_likely_duplicates).

A merge keeps one record (the survivor, `target`) and marks the other (`source`) as merged into it:
the source's links move to the survivor's node, a link of the same kind to the same other end as one
the survivor already has is joined to it (the survivor's kept, its dates and confidence widened, the
other kept as "merged" with why), links between the two records are set aside the same way (a person
is not linked to themself); its enquiries (MaceSubject), its own child record, its names (as aliases)
and what the survivor did not know (date of birth, age, a staff-safety warning, an Abduction Warning
Notice...) go to the survivor. Everything is written with history naming the actor and the reason, the
open cases of linked children get a chronology entry, and `PersonMerge` records exactly what moved so
that the same people may reverse it. Nobody merges a record they may not see, nor a person who is a
child whose record they may not see.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from contacts.choices import Gender
from core import audit
from core.concurrency import check_version
from core.exceptions import TransitionNotAllowed
from core.workflow import transition

from .. import selectors
from ..choices import (
    ALLOWED_DUPLICATE_TRANSITIONS,
    AgeBand,
    Confidence,
    CustodyStatus,
    DuplicateFoundWhen,
    DuplicateStatus,
    LinkStatus,
    NetworkStatus,
)
from ..models import Link, MaceSubject, Person, PersonDuplicate, PersonMerge
from ..permissions import require_merge_persons
from ._common import node_for
from .links import _write_chronology
from .name_keys import NAME_FIELDS, person_name_keys_refresh

__all__ = [
    "IDENTIFYING_FIELDS",
    "person_duplicate_resolve",
    "person_duplicates_find",
    "person_merge",
    "person_merge_reverse",
]

# The details a match is made on: changing one of them looks for duplicates again.
IDENTIFYING_FIELDS = frozenset({"first_name", "last_name", "aliases", "date_of_birth", "age_band"})
ALIASES_LENGTH = Person._meta.get_field("aliases").max_length
_STRENGTH = {Confidence.CONFIRMED: 3, Confidence.REPORTED: 2, Confidence.SUSPECTED: 1}
_LINK_DETAILS = ("first_seen", "last_seen", "confidence", "notes", "reported_by", "relationship")


# --- Possible duplicates ------------------------------------------------------------------------------


def person_duplicates_find(*, person_id: int, actor, found_when: str) -> list[PersonDuplicate]:
    """Record the pairs the person makes with the current persons who are probably the same (among all
    of them: the pairs are for those who merge, who see a pair only when they may see both records). A
    pair already recorded (either way round, in any state) is not recorded again. Queued by
    person_create and person_update to run after their commit."""
    recorded = []
    with transaction.atomic():
        person = Person.objects.filter(pk=person_id, status=NetworkStatus.ACTIVE).first()
        if person is None:
            return []
        matches = selectors.likely_duplicates_among(
            selectors.current(Person.objects.all()),
            first_name=person.first_name,
            last_name=person.last_name,
            aliases=person.aliases,
            date_of_birth=person.date_of_birth,
            age_band=person.age_band,
            exclude_pk=person.pk,
        )
        for match in matches:
            pair = _record_pair(person, match.person, reasons=match.reasons, actor=actor, found_when=found_when)
            if pair is not None:
                recorded.append(pair)
    return recorded


def queue_duplicates_find(person: Person, *, actor, found_when: str) -> None:
    """After the caller's commit, look for the person's possible duplicates (robust: whatever happens,
    the user's page is the same)."""
    find = partial(person_duplicates_find, person_id=person.pk, actor=actor, found_when=found_when)
    transaction.on_commit(find, robust=True)


def _record_pair(person, existing, *, reasons, actor, found_when) -> PersonDuplicate | None:
    already = PersonDuplicate.objects.filter(
        Q(person=person, existing=existing) | Q(person=existing, existing=person)
    ).exists()
    if already:
        return None
    pair = PersonDuplicate(
        person=person,
        existing=existing,
        matched_on="; ".join(reasons)[:200],
        found_when=found_when,
        found_by=actor,
        found_at=timezone.now(),
    )
    what = DuplicateFoundWhen(found_when).label.lower()
    try:
        with transaction.atomic():  # a savepoint: the same pair found at once by two requests is kept once
            audit.save(pair, actor=actor, reason=f"Possible duplicate of person {existing.pk} found: {what}")
    except IntegrityError:
        return None
    return pair


def person_duplicate_resolve(
    *,
    duplicate: PersonDuplicate,
    actor,
    decision: str,
    reason: str,
    keep: int | None = None,
    expected_version: int | None = None,
) -> PersonDuplicate:
    """The pair page's one form: "same" merges the pair (keeping the record `keep` names), "different"
    closes it as two people, not found again. Either way with the reason."""
    require_merge_persons(actor)
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if decision not in ("same", "different"):
        errors["decision"] = ["Choose whether these records are the same person"]
    if decision == "same" and keep not in (duplicate.person_id, duplicate.existing_id):
        errors["keep"] = ["Choose the record to keep"]
    if not reason:
        errors["reason"] = ["Enter how you know"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        pair = PersonDuplicate.objects.select_for_update().select_related("person", "existing").get(pk=duplicate.pk)
        check_version(pair, expected_version)
        for person in (pair.person, pair.existing):
            _require_may_merge(actor, person)
        if decision == "different":
            summary = f"Possible duplicate {pair.pk}: person {pair.person_id} and person {pair.existing_id} are "
            _resolve(pair, DuplicateStatus.DIFFERENT, actor=actor, reason=reason, summary=f"{summary}different people")
            return pair
        transition(pair.status, DuplicateStatus.MERGED, ALLOWED_DUPLICATE_TRANSITIONS, "possible duplicate")
        target, source = (pair.person, pair.existing) if keep == pair.person_id else (pair.existing, pair.person)
        _merge(source=source, target=target, actor=actor, reason=reason)  # resolves the pair as merged
        pair.refresh_from_db()
    return pair


def _resolve(pair: PersonDuplicate, status: str, *, actor, reason: str, summary: str, merge=None) -> None:
    transition(pair.status, status, ALLOWED_DUPLICATE_TRANSITIONS, "possible duplicate")
    pair.status, pair.resolved_by, pair.resolved_at = status, actor, timezone.now()
    pair.resolution_reason, pair.merge = reason, merge
    audit.save_change(
        pair,
        actor=actor,
        reason=f"{summary}: {reason}"[:500],
        fields=["status", "resolved_by", "resolved_at", "resolution_reason", "merge"],
    )


# --- Merging ----------------------------------------------------------------------------------------


def _require_may_merge(actor, person: Person) -> None:
    """The actor may see the record (never a person who is a child whose record they may not see)."""
    if not selectors.persons_visible_to(actor).filter(pk=person.pk).exists():
        raise PermissionDenied


def person_merge(*, source: Person, target: Person, actor, reason: str) -> PersonMerge:
    """Merge `source` into `target` (team leaders and Family Connect managers who may see both)."""
    require_merge_persons(actor)
    if not (reason or "").strip():
        raise ValidationError({"reason": ["Enter why these records are the same person"]})
    if source.pk == target.pk:
        raise ValidationError("Choose two different records to merge")
    _require_may_merge(actor, source)
    _require_may_merge(actor, target)
    with transaction.atomic():
        merge = _merge(source=source, target=target, actor=actor, reason=reason)
    return merge


def _merge(*, source: Person, target: Person, actor, reason: str) -> PersonMerge:
    reason = reason.strip()
    summary = f"Person {source.pk} merged into person {target.pk}: {reason}"[:500]
    locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[source.pk, target.pk])}
    source, target = locked[source.pk], locked[target.pk]
    if source.status != NetworkStatus.ACTIVE or target.status != NetworkStatus.ACTIVE:
        raise TransitionNotAllowed("Only two current records can be merged: one of them was merged or entered in error")
    if source.child_id and target.child_id:
        raise ValidationError(
            "Both records are children in the index, two different children: they cannot be one person. "
            "If the children's records are one child, merge those first."
        )
    now = timezone.now()
    moved = {"links": [], "joined": [], "between": [], "mace_subjects": [], "child": None}
    source_node, target_node = node_for(source), node_for(target)
    links = list(Link.objects.select_for_update().filter(Q(a=source_node) | Q(b=source_node)).order_by("pk"))
    theirs = {
        (link.kind, link.other_end(target_node.pk)): link
        for link in Link.objects.select_for_update().filter(
            Q(a=target_node) | Q(b=target_node), status=LinkStatus.ACTIVE
        )
    }
    for link in links:
        other = link.other_end(source_node.pk)
        if other == target_node.pk:  # a link between the two records: one person is not linked to themself
            if link.status == LinkStatus.ACTIVE:
                _set_aside(link, actor=actor, at=now, why=f"A link between two records of one person. {summary}")
                moved["between"].append(link.pk)
            continue
        kept = theirs.get((link.kind, other)) if link.status == LinkStatus.ACTIVE else None
        if kept is not None:
            before = _details(kept)
            _widen(kept, link, actor=actor, reason=summary)
            _set_aside(link, actor=actor, at=now, why=f"The same link as link {kept.pk}. {summary}")
            moved["joined"].append({"link": link.pk, "into": kept.pk, "before": before, "after": _details(kept)})
            _write_chronology(kept, actor=actor, verb="joined with the same link of a merged record")
            continue
        end = "a" if link.a_id == source_node.pk else "b"
        setattr(link, end, target_node)
        audit.save_change(link, actor=actor, reason=summary, fields=[end], clean=False)
        moved["links"].append({"link": link.pk, "end": end})
        if link.status == LinkStatus.ACTIVE:
            theirs[(link.kind, other)] = link
            _write_chronology(link, actor=actor, verb="moved by merging two records of one person")
    taken = set(MaceSubject.objects.filter(person=target, removed_at__isnull=True).values_list("request_id", flat=True))
    for subject in MaceSubject.objects.select_for_update().filter(person=source).order_by("pk"):
        if subject.removed_at is None and subject.request_id in taken:  # the survivor is asked about already
            continue
        subject.person = target
        audit.save_change(subject, actor=actor, reason=summary, fields=["person"], clean=False)
        moved["mace_subjects"].append(subject.pk)
    source_changes = ["status", "merged_into"]
    if source.child_id:
        moved["child"] = source.child_id
        child = source.child
        source.child = None
        audit.save_change(source, actor=actor, reason=summary, fields=["child"], clean=False)
        target.child = child
    filled = _fill(target, source)
    if moved["child"]:
        filled["child"] = {"before": None, "after": moved["child"]}
    audit.save_change(target, actor=actor, reason=summary, fields=sorted(filled), clean=False)
    if NAME_FIELDS & set(filled):
        person_name_keys_refresh([target])
    source.status, source.merged_into = NetworkStatus.MERGED, target
    audit.save_change(source, actor=actor, reason=summary, fields=source_changes)
    merge = PersonMerge(
        source=source, target=target, merged_by=actor, merged_at=now, reason=reason, moved=moved, filled_fields=filled
    )
    audit.save(merge, actor=actor, reason=summary)
    open_pairs = PersonDuplicate.objects.select_for_update().filter(
        Q(person=source, existing=target) | Q(person=target, existing=source), status=DuplicateStatus.OPEN
    )
    for pair in open_pairs:
        _resolve(pair, DuplicateStatus.MERGED, actor=actor, reason=reason, summary=summary, merge=merge)
    queue_duplicates_find(target, actor=actor, found_when=DuplicateFoundWhen.CHANGED)
    return merge


def _details(link: Link) -> dict:
    return {name: _json(getattr(link, name)) for name in _LINK_DETAILS}


def _json(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def _widen(kept: Link, joined: Link, *, actor, reason: str) -> None:
    """What the joined link knew that the kept one did not: the earlier first sighting, the later last,
    the surer confidence, its notes, who reported it, the relationship."""
    changed = []

    def put(name, value):
        if getattr(kept, name) != value:
            setattr(kept, name, value)
            changed.append(name)

    firsts = [day for day in (kept.first_seen, joined.first_seen) if day]
    lasts = [day for day in (kept.last_seen, joined.last_seen) if day]
    put("first_seen", min(firsts) if firsts else None)
    put("last_seen", max(lasts) if lasts else None)
    if _STRENGTH.get(joined.confidence, 0) > _STRENGTH.get(kept.confidence, 0):
        put("confidence", joined.confidence)
    if joined.notes and joined.notes not in kept.notes:
        put("notes", f"{kept.notes}\n\n{joined.notes}".strip())
    if joined.reported_by and not kept.reported_by:
        put("reported_by", joined.reported_by)
    if joined.relationship and not kept.relationship:
        put("relationship", joined.relationship)
    if changed:
        audit.save_change(kept, actor=actor, reason=reason, fields=changed, clean=False)


def _set_aside(link: Link, *, actor, at, why: str) -> None:
    link.status, link.withdrawn_reason, link.withdrawn_at, link.withdrawn_by = LinkStatus.MERGED, why, at, actor
    audit.save_change(
        link, actor=actor, reason=why[:500], fields=["status", "withdrawn_reason", "withdrawn_at", "withdrawn_by"]
    )


# What the survivor takes from the merged record when it knows nothing of it ("empty" values).
_UNKNOWN = {"age_band": AgeBand.NOT_KNOWN, "custody_status": CustodyStatus.NOT_KNOWN, "gender": Gender.NOT_KNOWN}
_FILLED_WHEN_EMPTY = (
    "first_name",
    "last_name",
    "date_of_birth",
    "age_band",
    "gender",
    "ethnicity",
    "custody_status",
    "release_date",
    "licence_conditions",
    "exclusion_zones",
)
_AWN = ("awn_issued_on", "awn_issued_by", "awn_expires_on")


def _empty(person: Person, name: str) -> bool:
    value = getattr(person, name)
    return value in (None, "") or value == _UNKNOWN.get(name)


def _fill(target: Person, source: Person) -> dict:
    """Give the survivor what only the merged record knew; {field: {"before", "after"}} of each change."""
    before = {name: _json(getattr(target, name)) for name in (*_FILLED_WHEN_EMPTY, *_AWN, *_OTHER_FILLED)}
    for name in _FILLED_WHEN_EMPTY:
        if _empty(target, name) and not _empty(source, name):
            setattr(target, name, getattr(source, name))
    if not target.awn_issued_on and source.awn_issued_on:
        for name in _AWN:
            setattr(target, name, getattr(source, name))
    target.aliases = _joined_aliases(target, source)
    if source.description and source.description not in target.description:
        target.description = f"{target.description}\n\n{source.description}".strip()
    if source.staff_safety_warning:
        target.staff_safety_warning = True
        if source.staff_safety_reason not in target.staff_safety_reason:
            target.staff_safety_reason = f"{target.staff_safety_reason}\n\n{source.staff_safety_reason}".strip()
    target.is_juvenile = target.is_juvenile or source.is_juvenile or bool(target.child_id)
    return {
        name: {"before": was, "after": _json(getattr(target, name))}
        for name, was in before.items()
        if _json(getattr(target, name)) != was
    }


_OTHER_FILLED = ("aliases", "description", "staff_safety_warning", "staff_safety_reason", "is_juvenile")


def _joined_aliases(target: Person, source: Person) -> str:
    """The survivor's aliases, then the merged record's name and aliases it did not have (as many as fit)."""
    names = [alias.strip() for alias in target.aliases.split(",") if alias.strip()]
    known = {name.lower() for name in names} | {target_name.lower() for target_name in _full_names(target)}
    for name in [*_full_names(source), *(alias.strip() for alias in source.aliases.split(","))]:
        if name and name.lower() not in known:
            if len(", ".join([*names, name])) > ALIASES_LENGTH:
                break
            names.append(name)
            known.add(name.lower())
    return ", ".join(names)


def _full_names(person: Person) -> list[str]:
    name = " ".join(part for part in (person.first_name, person.last_name) if part)
    return [name] if name else []


# --- Reversing a merge --------------------------------------------------------------------------------


def person_merge_reverse(*, merge: PersonMerge, actor, reason: str) -> PersonMerge:
    """Undo a merge (those who merge, who may see both records): the links, enquiries and child record
    that moved go back to the merged record, the joined links and those between the two records are
    current again and the kept links as they were, the details filled in on the survivor are cleared
    where nobody changed them since, and the merged record is current again. What was added to the
    survivor since the merge stays there."""
    require_merge_persons(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Enter why the merge is being reversed"]})
    summary = f"Reversed merge {merge.pk} of person {merge.source_id} into person {merge.target_id}: {reason}"[:500]
    with transaction.atomic():
        merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
        if merge.reversed_at:
            raise TransitionNotAllowed("This merge has already been reversed")
        locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[merge.source_id, merge.target_id])}
        source, target = locked[merge.source_id], locked[merge.target_id]
        for person in (source, target):
            _require_may_merge(actor, person)
        if source.status != NetworkStatus.MERGED or source.merged_into_id != target.pk:
            raise TransitionNotAllowed("The merged record has changed since: this merge cannot be reversed")
        if target.status != NetworkStatus.ACTIVE:
            raise TransitionNotAllowed("The kept record has been merged or entered in error since: reverse that first")
        moved = merge.moved or {}
        restored = []
        for name, change in (merge.filled_fields or {}).items():
            if name == "child":
                continue
            if _json(getattr(target, name)) == change["after"]:
                field = Person._meta.get_field(name)
                setattr(target, name, field.to_python(change["before"]) if change["before"] is not None else None)
                restored.append(name)
        child_id = moved.get("child")
        if child_id and target.child_id == child_id:
            target.child = None
            restored.append("child")
        audit.save_change(target, actor=actor, reason=summary, fields=restored, clean=False)
        if NAME_FIELDS & set(restored):
            person_name_keys_refresh([target])
        source.status, source.merged_into = NetworkStatus.ACTIVE, None
        fields = ["status", "merged_into"]
        if child_id and "child" in restored:
            source.child_id = child_id
            fields.append("child")
        audit.save_change(source, actor=actor, reason=summary, fields=fields, clean=False)
        source_node, target_node = node_for(source), node_for(target)
        for entry in moved.get("links", []):
            link = Link.objects.select_for_update().filter(pk=entry["link"]).first()
            if link is None or getattr(link, f"{entry['end']}_id") != target_node.pk:
                continue
            setattr(link, entry["end"], source_node)
            audit.save_change(link, actor=actor, reason=summary, fields=[entry["end"]], clean=False)
            if link.status == LinkStatus.ACTIVE:
                _write_chronology(link, actor=actor, verb="moved back on reversing a merge")
        for entry in moved.get("joined", []):
            kept = Link.objects.select_for_update().filter(pk=entry["into"]).first()
            if kept is not None and _details(kept) == entry["after"] and entry["before"] != entry["after"]:
                for name in _LINK_DETAILS:
                    setattr(kept, name, Link._meta.get_field(name).to_python(entry["before"][name]))
                audit.save_change(kept, actor=actor, reason=summary, fields=list(_LINK_DETAILS), clean=False)
            _bring_back(entry["link"], actor=actor, reason=summary)
        for pk in moved.get("between", []):
            _bring_back(pk, actor=actor, reason=summary)
        subjects = MaceSubject.objects.select_for_update().filter(pk__in=moved.get("mace_subjects", []), person=target)
        for subject in subjects:
            subject.person = source
            audit.save_change(subject, actor=actor, reason=summary, fields=["person"], clean=False)
        merge.reversed_at, merge.reversed_by, merge.reversal_reason = timezone.now(), actor, reason
        audit.save(merge, actor=actor, reason=summary, update_fields=["reversed_at", "reversed_by", "reversal_reason"])
        person_name_keys_refresh([source])
    return merge


def _bring_back(pk: int, *, actor, reason: str) -> None:
    link = Link.objects.select_for_update().filter(pk=pk, status=LinkStatus.MERGED).first()
    if link is None:
        return
    link.status, link.withdrawn_reason, link.withdrawn_at, link.withdrawn_by = LinkStatus.ACTIVE, "", None, None
    audit.save_change(
        link, actor=actor, reason=reason, fields=["status", "withdrawn_reason", "withdrawn_at", "withdrawn_by"]
    )
    _write_chronology(link, actor=actor, verb="current again on reversing a merge")

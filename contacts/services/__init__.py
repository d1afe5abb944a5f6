"""Writes of the front door. Every service takes the acting user, checks permission, validates,
locks what changes and records history with a reason."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import ForeignObjectRel, ManyToManyRel
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalChanges

from core import audit, contract
from core.concurrency import bump, check_version
from core.exceptions import TransitionNotAllowed
from core.models import Agency
from core.roles import Role
from core.selectors import service_settings

from .. import limits, search, selectors
from ..choices import (
    ALLOWED_CONTACT_TRANSITIONS,
    Channel,
    ContactStatus,
    ExploitationFactor,
    FactorLevel,
    MaceStatus,
    Outcome,
    RecordStatus,
    Source,
    ThresholdLevel,
    highest_threshold_of,
)
from ..models import (
    AnonymousFormAttempt,
    Child,
    ChildMerge,
    Contact,
    EarlyHelpFollowUp,
    MaceEntry,
    MaceRecipient,
    MaceRequest,
    ThresholdAssessment,
)
from ..permissions import (
    ADD_CHILD,
    ADD_CONTACT,
    ADD_MACE_ENTRY,
    ASSESS_THRESHOLD,
    CHANGE_CHILD,
    CHANGE_CONTACT,
    CLOSE_MACE,
    COMPLETE_FOLLOW_UP,
    DECIDE_CONTACT,
    MERGE_CHILD,
    REQUEST_MACE,
    RESTRICT_CHILD,
    REVERSE_CHILD_MERGE,
    SCREEN_CONTACT,
)

# --- Helpers -------------------------------------------------------------------------------


def _require(actor, perm: str, message: str) -> None:
    if actor is None or not actor.has_perm(perm):
        raise PermissionDenied(message)


def _require_visible_child(actor, child: Child) -> None:
    if not selectors.children_visible_to(actor).filter(pk=child.pk).exists():
        raise PermissionDenied("You cannot see this child's record.")


def _transition(contact: Contact, new_status: str) -> None:
    if new_status not in ALLOWED_CONTACT_TRANSITIONS[contact.status]:
        raise TransitionNotAllowed(
            f"A contact that is {contact.get_status_display().lower()} cannot become "
            f"{ContactStatus(new_status).label.lower()}."
        )
    contact.status = new_status


def _lock_active_child(child: Child) -> Child:
    """Re-read the child under lock (a merge holds it) and refuse one merged in the meantime."""
    child = Child.objects.select_for_update().get(pk=child.pk)
    if child.status != RecordStatus.ACTIVE:
        raise ValidationError("This child's record has been merged: choose the record it was merged into.")
    return child


def _require_open(contact: Contact, doing: str) -> None:
    if not contact.is_open:
        raise TransitionNotAllowed(f"This contact is {contact.get_status_display().lower()}: you cannot {doing}.")


# --- The child index -----------------------------------------------------------------------

CHILD_FIELDS = (
    "first_name",
    "last_name",
    "known_as",
    "date_of_birth",
    "estimated_age",
    "gender",
    "ethnicity",
    "address",
    "postcode",
    "school",
    "gp_practice",
    "nhs_number",
    "send_status",
    "receiving_education",
    "attendance_percent",
    "attendance_recorded_on",
    "in_care",
    "placing_authority",
)


class PossibleDuplicates(ValidationError):
    """Creating the child would probably duplicate children already in the index."""

    def __init__(self, matches: list[selectors.DuplicateMatch]):
        self.matches = matches
        super().__init__(
            "This child may already be in the index. Check the records below before adding a new one.",
            code="possible_duplicates",
        )


def _tidy_child_data(data: dict[str, Any]) -> dict[str, Any]:
    tidy = {key: data[key] for key in CHILD_FIELDS if key in data}
    for key in ("first_name", "last_name", "known_as", "school", "gp_practice", "placing_authority", "address"):
        if key in tidy and tidy[key] is not None:
            tidy[key] = tidy[key].strip()
    if "postcode" in tidy:
        tidy["postcode"] = search.normalise_postcode(tidy["postcode"] or "")
    if "nhs_number" in tidy:
        tidy["nhs_number"] = search.normalise_nhs_number(tidy["nhs_number"] or "")
    return tidy


def _nhs_number_taken(nhs_number: str, *, exclude_pk: int | None = None) -> bool:
    if not nhs_number:
        return False
    others = Child.objects.filter(nhs_number=nhs_number, status=RecordStatus.ACTIVE)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    return others.exists()


def child_create(
    *, actor, data: dict[str, Any], confirmed_not_duplicate: bool = False, reason: str = "Child added to the index"
) -> Child:
    """Add a child to the index. Likely duplicates are refused (PossibleDuplicates) until the user
    has seen them and confirmed that none of them is this child; the same NHS number never passes."""
    _require(actor, ADD_CHILD, "You cannot add children to the index.")
    data = _tidy_child_data(data)
    if not (data.get("first_name") or data.get("last_name") or data.get("known_as")):
        raise ValidationError({"first_name": "Enter the child's name, or a name they are known by"})
    with transaction.atomic():
        if _nhs_number_taken(data.get("nhs_number", "")):
            raise ValidationError({"nhs_number": "A child with this NHS number is already in the index"})
        matches = selectors.likely_duplicates(
            actor,
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
            known_as=data.get("known_as", ""),
            date_of_birth=data.get("date_of_birth"),
            postcode=data.get("postcode", ""),
        )
        if matches and not confirmed_not_duplicate:
            raise PossibleDuplicates(matches)
        child = Child(created_by=actor, **data)
        audit.save(child, actor=actor, reason=reason)
    return child


def child_update(*, child: Child, actor, data: dict[str, Any], reason: str, expected_version: int | None) -> Child:
    """Change a child's details (not the CATE markers, which cate/ sets, nor merge state)."""
    _require(actor, CHANGE_CHILD, "You cannot change children's records.")
    _require_visible_child(actor, child)
    data = _tidy_child_data(data)
    with transaction.atomic():
        child = Child.objects.select_for_update().get(pk=child.pk)
        check_version(child, expected_version)
        if child.status != RecordStatus.ACTIVE:
            raise TransitionNotAllowed("This record has been merged or marked entered in error: it cannot change.")
        changed = [key for key, value in data.items() if getattr(child, key) != value]
        if not changed:
            return child
        if "nhs_number" in changed and _nhs_number_taken(data["nhs_number"], exclude_pk=child.pk):
            raise ValidationError({"nhs_number": "A child with this NHS number is already in the index"})
        for key in changed:
            setattr(child, key, data[key])
        bump(child)
        audit.save(child, actor=actor, reason=reason, update_fields=changed)
    return child


def child_set_cate_markers(*, child: Child, open_to_cate: bool, previously_known: bool, actor, reason: str) -> Child:
    """Set the CATE markers shown on a child's record (called by cate/ when cases open, close, reopen)."""
    with transaction.atomic():
        child = Child.objects.select_for_update().get(pk=child.pk)
        if (child.open_to_cate, child.previously_known_to_cate) == (open_to_cate, previously_known):
            return child
        child.open_to_cate, child.previously_known_to_cate = open_to_cate, previously_known
        child.version += 1
        audit.save(child, actor=actor, reason=reason, update_fields=["open_to_cate", "previously_known_to_cate"])
    return child


def child_restrict(
    *, child: Child, actor, is_restricted: bool, staff: Iterable, reason: str, expected_version: int | None = None
) -> Child:
    """Restrict a child's record to the staff named on it (or lift the restriction), with a reason.

    The acting user stays named on a restricted record, so that somebody can always change it. Every
    other member of staff, managers included, then answers 404 on the child and everything about it.
    Sends `child_restriction_changed` inside the transaction (cate/ writes it to the chronology).
    """
    _require(actor, RESTRICT_CHILD, "You cannot restrict children's records.")
    _require_visible_child(actor, child)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter the reason for the change"})
    named = ({user.pk for user in staff} | {actor.pk}) if is_restricted else set()
    with transaction.atomic():
        child = Child.objects.select_for_update().get(pk=child.pk)
        check_version(child, expected_version)
        before = (child.is_restricted, set(child.restricted_to.values_list("pk", flat=True)))
        if before == (is_restricted, named):
            return child
        audit.attribute(child, actor=actor, reason=reason)
        child.restricted_to.set(named)
        child.is_restricted = is_restricted
        bump(child)
        audit.save(child, actor=actor, reason=reason, update_fields=["is_restricted"])
        contract.call("child_restriction_handlers", child=child, actor=actor, reason=reason)
    return child


# --- Merging duplicate children ------------------------------------------------------------

# Details of the kept record that are filled from the other record when the kept one has none.
_FILLABLE = {
    "date_of_birth": (None,),
    "ethnicity": ("", "NOBT"),
    "school": ("",),
    "gp_practice": ("",),
    "nhs_number": ("",),
    "send_status": ("not_known",),
    "receiving_education": (None,),
}
_FILLED_TOGETHER = (("address", "postcode"), ("attendance_percent", "attendance_recorded_on"))


def child_link_fields() -> list[tuple[type, Any]]:
    """Every (model, foreign key) that points at a child, in any app, found by walking Child's
    reverse relations (hidden ones included): contacts here, and the referrals, cases, statutory
    and missing episodes of cate/ and whatever other apps add, without importing them.
    History tables, the record of merges and the child's own links are left alone."""
    links = []
    for rel in Child._meta.get_fields(include_hidden=True):
        if not isinstance(rel, ForeignObjectRel) or isinstance(rel, ManyToManyRel):
            continue
        model = rel.related_model
        if issubclass(model, HistoricalChanges) or model in (Child, ChildMerge):
            continue
        if model._meta.auto_created is Child:  # the through table of Child.restricted_to
            continue
        links.append((model, rel.field))
    return sorted(links, key=lambda link: (link[0]._meta.label_lower, link[1].name))


def _as_json(value):
    """A field value as it is kept in the merge record (dates and decimals as text)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _fill_from(target: Child, source: Child) -> dict[str, dict[str, Any]]:
    filled: dict[str, dict[str, Any]] = {}

    def fill(name):
        filled[name] = {"before": _as_json(getattr(target, name)), "after": _as_json(getattr(source, name))}
        setattr(target, name, getattr(source, name))

    for name, empty in _FILLABLE.items():
        if getattr(target, name) in empty and getattr(source, name) not in empty:
            fill(name)
    if target.date_of_birth is None and target.estimated_age is None and source.estimated_age is not None:
        fill("estimated_age")
    for group in _FILLED_TOGETHER:
        if all(getattr(target, n) in ("", None) for n in group) and any(
            getattr(source, n) not in ("", None) for n in group
        ):
            for name in group:
                fill(name)
    names = [n.strip() for n in target.known_as.split(",") if n.strip()]
    known = {n.lower() for n in [*names, target.full_name]}
    for extra in [source.full_name, *(n.strip() for n in source.known_as.split(","))]:
        if extra and extra.lower() not in known and extra != "Name not known":
            names.append(extra)
            known.add(extra.lower())
    new_known_as = ", ".join(names)[:200]
    if new_known_as != target.known_as:
        filled["known_as"] = {"before": target.known_as, "after": new_known_as}
        target.known_as = new_known_as
    return filled


def child_merge(*, source: Child, target: Child, actor, reason: str) -> ChildMerge:
    """Merge `source` into `target`: every record linked to `source` (in any app) moves to
    `target` with history, `source` is kept as merged, and the merge is recorded so that an
    administrator can reverse it."""
    _require(actor, MERGE_CHILD, "Only a screener can merge child records.")
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter why these records are the same child"})
    if source.pk == target.pk:
        raise ValidationError("Choose two different records to merge.")
    _require_visible_child(actor, source)
    _require_visible_child(actor, target)
    now = timezone.now()
    summary = f"Merged child {source.pk} into child {target.pk}: {reason.strip()}"[:500]
    try:
        with transaction.atomic():
            locked = {c.pk: c for c in Child.objects.select_for_update().filter(pk__in=[source.pk, target.pk])}
            source, target = locked[source.pk], locked[target.pk]
            if source.status != RecordStatus.ACTIVE or target.status != RecordStatus.ACTIVE:
                raise TransitionNotAllowed("Only two active records can be merged.")
            if source.is_restricted != target.is_restricted or set(
                source.restricted_to.values_list("pk", flat=True)
            ) != set(target.restricted_to.values_list("pk", flat=True)):
                raise ValidationError(
                    "These records have different access restrictions. Make the restrictions the same first."
                )
            moved = []
            for model, field in child_link_fields():
                rows = list(model._default_manager.select_for_update().filter(**{field.name: source}))
                if not rows:
                    continue
                if field.one_to_one and model._default_manager.filter(**{field.name: target}).exists():
                    raise ValidationError(
                        f"Both records have a {model._meta.verbose_name}: they cannot be merged automatically."
                    )
                for row in rows:
                    _repoint(row, field, target, actor=actor, reason=summary)
                moved.append({"model": model._meta.label_lower, "field": field.name, "pks": [str(r.pk) for r in rows]})
            source.status, source.merged_into = RecordStatus.MERGED, target
            bump(source)
            audit.save(source, actor=actor, reason=summary, update_fields=["status", "merged_into"])
            markers_before = {
                "open_to_cate": target.open_to_cate,
                "previously_known_to_cate": target.previously_known_to_cate,
            }
            filled = _fill_from(target, source)
            target.open_to_cate = target.open_to_cate or source.open_to_cate
            target.previously_known_to_cate = target.previously_known_to_cate or source.previously_known_to_cate
            bump(target)
            audit.save(
                target,
                actor=actor,
                reason=summary,
                update_fields=[*filled, "open_to_cate", "previously_known_to_cate"],
            )
            merge = ChildMerge(
                source=source,
                target=target,
                merged_by=actor,
                merged_at=now,
                reason=reason.strip(),
                moved=moved,
                filled_fields=filled,
                target_markers_before=markers_before,
            )
            audit.save(merge, actor=actor, reason=summary)
    except IntegrityError as exc:
        raise ValidationError(
            "These records cannot be merged automatically: a linked record would clash with one on the "
            "kept record. Ask the service desk."
        ) from exc
    return merge


def _repoint(row, field, child: Child, *, actor, reason: str) -> None:
    setattr(row, field.name, child)
    if hasattr(row, "version"):
        bump(row)
    with transaction.atomic():  # a savepoint: a clash is reported, not half-applied
        audit.save(row, actor=actor, reason=reason, update_fields=[field.name], clean=False)


def child_merge_reverse(*, merge: ChildMerge, actor, reason: str) -> ChildMerge:
    """Undo a merge (administrators): the records that moved go back to the merged record, the
    details filled in on the kept record are cleared, and the merged record is active again.
    Records added to the kept record since the merge stay there."""
    _require(actor, REVERSE_CHILD_MERGE, "Only an administrator can reverse a merge.")
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter why the merge is being reversed"})
    summary = f"Reversed merge {merge.pk} of child {merge.source_id} into child {merge.target_id}: {reason.strip()}"
    summary = summary[:500]
    with transaction.atomic():
        merge = ChildMerge.objects.select_for_update().get(pk=merge.pk)
        if merge.reversed_at:
            raise TransitionNotAllowed("This merge has already been reversed.")
        locked = {c.pk: c for c in Child.objects.select_for_update().filter(pk__in=[merge.source_id, merge.target_id])}
        source, target = locked[merge.source_id], locked[merge.target_id]
        if source.status != RecordStatus.MERGED or source.merged_into_id != target.pk:
            raise TransitionNotAllowed("The merged record has changed since: this merge cannot be reversed.")
        if target.status != RecordStatus.ACTIVE:
            raise TransitionNotAllowed("The kept record has itself been merged since. Reverse that merge first.")
        # Clear what was filled in on the kept record first (an NHS number is unique among active records).
        restored = []
        for name, change in merge.filled_fields.items():
            field = Child._meta.get_field(name)
            if _as_json(getattr(target, name)) == change["after"]:
                setattr(target, name, field.to_python(change["before"]) if change["before"] is not None else None)
                restored.append(name)
        for name, value in merge.target_markers_before.items():
            if getattr(target, name) != value:
                setattr(target, name, value)
                restored.append(name)
        bump(target)
        audit.save(target, actor=actor, reason=summary, update_fields=restored)
        source.status, source.merged_into = RecordStatus.ACTIVE, None
        bump(source)
        audit.save(source, actor=actor, reason=summary, update_fields=["status", "merged_into"])
        links = {(model._meta.label_lower, field.name): (model, field) for model, field in child_link_fields()}
        for group in merge.moved:
            model, field = links.get((group["model"], group["field"]), (None, None))
            if model is None:
                continue
            rows = model._default_manager.select_for_update().filter(pk__in=group["pks"], **{field.name: target})
            for row in rows:
                _repoint(row, field, source, actor=actor, reason=summary)
        merge.reversed_at, merge.reversed_by, merge.reversal_reason = timezone.now(), actor, reason.strip()
        audit.save(merge, actor=actor, reason=summary, update_fields=["reversed_at", "reversed_by", "reversal_reason"])
    return merge


# --- Contacts ------------------------------------------------------------------------------

REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O or 1/I to confuse on the phone


def new_contact_reference() -> str:
    """A reference that says nothing about how many contacts there are: FC-XXXX-XXXX."""
    for _ in range(10):
        code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
        reference = f"FC-{code[:4]}-{code[4:]}"
        if not Contact.objects.filter(reference=reference).exists():
            return reference
    raise RuntimeError("Could not find a free contact reference")  # pragma: no cover


CONTACT_FIELDS = (
    "received_at",
    "channel",
    "source",
    "is_anonymous",
    "referrer_organisation",
    "referrer_name",
    "referrer_role",
    "referrer_contact_details",
    "reported_child_name",
    "reported_child_age",
    "reported_locations",
    "reported_school",
    "concern",
    "cse_concern",
    "cce_concern",
    "other_exploitation_concern",
    "referrer_view_of_level",
    "enquiry_on_open_case",
)


def _validate_contact_data(data: dict[str, Any], *, has_child: bool) -> dict[str, Any]:
    data = {key: data.get(key, Contact._meta.get_field(key).get_default()) for key in CONTACT_FIELDS}
    for key, value in data.items():
        if isinstance(value, str):
            data[key] = value.strip()
    errors = {}
    if data["received_at"] and data["received_at"] > timezone.now() + dt.timedelta(minutes=5):
        errors["received_at"] = "The time the contact was received must be in the past"
    if data["source"] == Source.ANONYMOUS:
        data["is_anonymous"] = True
    if not data["is_anonymous"] and not (data["referrer_name"] or data["referrer_organisation"]):
        errors["referrer_name"] = "Enter the referrer's name or organisation, or say that the contact is anonymous"
    described = any(
        data[k] for k in ("reported_child_name", "reported_child_age", "reported_locations", "reported_school")
    )
    if not has_child and not described:
        errors["reported_child_name"] = "Choose the child, or record what the referrer knows of them"
    if not data["concern"]:
        errors["concern"] = "Enter the concern, in the referrer's words"
    if errors:
        raise ValidationError(errors)
    return data


def contact_record(*, actor, data: dict[str, Any], child: Child | None = None) -> Contact:
    """Log a contact to Family Connect; the decision falls due after the `contact_decision` timescale."""
    _require(actor, ADD_CONTACT, "You cannot record contacts.")
    if child is not None:
        _require_visible_child(actor, child)
    data = _validate_contact_data(data, has_child=child is not None)
    with transaction.atomic():
        if child is not None:
            child = _lock_active_child(child)
        contact = Contact(
            reference=new_contact_reference(),
            child=child,
            recorded_by=actor,
            decision_due_at=service_settings().due("contact_decision", data["received_at"]),
            **data,
        )
        audit.save(contact, actor=actor, reason="Contact recorded")
    return contact


def contact_update(*, contact: Contact, actor, data: dict[str, Any], reason: str, expected_version: int | None):
    """Correct the details of a contact not yet decided."""
    _require(actor, CHANGE_CONTACT, "You cannot change contacts.")
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        check_version(contact, expected_version)
        _require_open(contact, "change it")
        data = _validate_contact_data(data, has_child=contact.child_id is not None)
        changed = [key for key, value in data.items() if getattr(contact, key) != value]
        if not changed:
            return contact
        for key in changed:
            setattr(contact, key, data[key])
        if "received_at" in changed:
            contact.decision_due_at = service_settings().due("contact_decision", contact.received_at)
            changed.append("decision_due_at")
        bump(contact)
        audit.save(contact, actor=actor, reason=reason or "Contact details corrected", update_fields=changed)
    return contact


def contact_link_child(*, contact: Contact, child: Child, actor, expected_version: int | None = None) -> Contact:
    """Say which child in the index the contact is about (or correct it before the decision)."""
    _require(actor, CHANGE_CONTACT, "You cannot change contacts.")
    _require_visible_child(actor, child)
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        check_version(contact, expected_version)
        _require_open(contact, "change the child")
        child = _lock_active_child(child)
        if contact.child_id == child.pk:
            return contact
        contact.child = child
        bump(contact)
        audit.save(contact, actor=actor, reason=f"Contact linked to child {child.pk}", update_fields=["child"])
    return contact


def contact_assign(*, contact: Contact, assignee, actor, expected_version: int | None = None) -> Contact:
    """Take a contact from the queue to screen it ("assign to me")."""
    _require(actor, SCREEN_CONTACT, "Only a screener can take contacts from the queue.")
    if not assignee.has_perm(SCREEN_CONTACT):
        raise ValidationError("Contacts can be assigned only to screeners.")
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        check_version(contact, expected_version)
        _require_open(contact, "assign it")
        if contact.assigned_to_id == assignee.pk:
            return contact
        previous = contact.assigned_to
        contact.assigned_to, contact.assigned_at = assignee, timezone.now()
        fields = ["assigned_to", "assigned_at"]
        if contact.status == ContactStatus.AWAITING_SCREENING:
            _transition(contact, ContactStatus.IN_SCREENING)
            fields.append("status")
        bump(contact)
        reason = f"Assigned to {assignee}" + (f" (was {previous})" if previous else "")
        audit.save(contact, actor=actor, reason=reason, update_fields=fields)
    return contact


def contact_release(*, contact: Contact, actor, expected_version: int | None = None) -> Contact:
    """Put a contact back in the queue unassigned."""
    _require(actor, SCREEN_CONTACT, "Only a screener can release contacts.")
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        check_version(contact, expected_version)
        _require_open(contact, "release it")
        if contact.assigned_to_id is None:
            return contact
        contact.assigned_to, contact.assigned_at = None, None
        _transition(contact, ContactStatus.AWAITING_SCREENING)
        bump(contact)
        audit.save(
            contact, actor=actor, reason="Returned to the queue", update_fields=["assigned_to", "assigned_at", "status"]
        )
    return contact


def _start_screening(contact: Contact, actor) -> list[str]:
    """A screener working on a contact takes it, if it is still waiting in the queue."""
    if contact.status != ContactStatus.AWAITING_SCREENING:
        return []
    _transition(contact, ContactStatus.IN_SCREENING)
    fields = ["status"]
    if contact.assigned_to_id is None:
        contact.assigned_to, contact.assigned_at = actor, timezone.now()
        fields += ["assigned_to", "assigned_at"]
    return fields


def contact_mark_entered_in_error(
    *, contact: Contact, actor, reason: str, expected_version: int | None = None
) -> Contact:
    """Take a contact that should not exist (a duplicate, a hoax) out of the queue, with the reason."""
    _require(actor, SCREEN_CONTACT, "Only a screener can mark a contact as entered in error.")
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter why this contact was entered in error"})
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        check_version(contact, expected_version)
        _transition(contact, ContactStatus.ENTERED_IN_ERROR)
        contact.entered_in_error_reason = reason.strip()
        bump(contact)
        audit.save(
            contact,
            actor=actor,
            reason=f"Entered in error: {reason.strip()}"[:500],
            update_fields=["status", "entered_in_error_reason"],
        )
    return contact


# --- The anonymous online form -------------------------------------------------------------


def anonymous_form_is_limited(address: str | None, *, now: dt.datetime | None = None) -> dt.datetime | None:
    """When the address may send again, if it has reached the limit; None when it may send now."""
    now = now or timezone.now()
    window = limits.anonymous_form_window()
    attempts = selectors.anonymous_form_attempts_since(selectors.address_key(address), now - window)
    times = list(attempts.order_by("-at").values_list("at", flat=True)[: limits.anonymous_form_limit()])
    if len(times) < limits.anonymous_form_limit():
        return None
    return times[-1] + window


def anonymous_form_attempt_record(*, address: str | None, accepted: bool, now: dt.datetime | None = None) -> None:
    """Count one sending from an address (as a keyed hash) and forget attempts older than a day."""
    now = now or timezone.now()
    AnonymousFormAttempt.objects.filter(at__lt=now - max(limits.anonymous_form_window(), dt.timedelta(days=1))).delete()
    AnonymousFormAttempt.objects.create(address_hash=selectors.address_key(address), at=now, accepted=accepted)


def anonymous_referral_submit(
    *,
    address: str | None,
    reported_child_name: str,
    reported_child_age: str,
    reported_locations: str,
    reported_school: str,
    concern: str,
) -> Contact:
    """A concern sent through the public form (IITCSE Rec 21): a contact in the screening queue,
    recorded by the system account, with nothing about the reporter."""
    now = timezone.now()
    actor = audit.system_user()
    with transaction.atomic():
        anonymous_form_attempt_record(address=address, accepted=True, now=now)
        contact = Contact(
            reference=new_contact_reference(),
            received_at=now,
            channel=Channel.ANONYMOUS_FORM,
            source=Source.ANONYMOUS,
            is_anonymous=True,
            reported_child_name=reported_child_name.strip(),
            reported_child_age=reported_child_age.strip(),
            reported_locations=reported_locations.strip(),
            reported_school=reported_school.strip(),
            concern=concern.strip(),
            recorded_by=actor,
            decision_due_at=service_settings().due("contact_decision", now),
        )
        audit.save(contact, actor=actor, reason="Sent through the anonymous online form")
    return contact


# --- Threshold assessment ------------------------------------------------------------------

MAX_EVIDENCE = 2000


def _clean_factors(factors: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    errors, clean = {}, {}
    for factor in ExploitationFactor:
        given = factors.get(factor.value) or {}
        level = given.get("level") or ""
        evidence = (given.get("evidence") or "").strip()
        if level not in FactorLevel.values:
            errors[f"{factor.value}_level"] = f"Choose a level for {factor.label.lower()}"
            continue
        if level != FactorLevel.NOT_PRESENT and not evidence:
            errors[f"{factor.value}_evidence"] = f"Enter the evidence for {factor.label.lower()}"
        if len(evidence) > MAX_EVIDENCE:
            errors[f"{factor.value}_evidence"] = f"Evidence must be {MAX_EVIDENCE} characters or fewer"
        clean[factor.value] = {"level": level, "evidence": evidence}
    unknown = set(factors) - set(ExploitationFactor.values)
    if unknown:
        errors["__all__"] = f"Unknown factors: {', '.join(sorted(unknown))}"
    if errors:
        raise ValidationError(errors)
    return clean


def threshold_assess(
    *,
    contact: Contact,
    actor,
    factors: dict[str, dict[str, str]],
    overall_level: str,
    reason_differs_from_highest: str = "",
    revision_reason: str = "",
    expected_version: int | None = None,
) -> ThresholdAssessment:
    """Record (or revise) the threshold assessment: a level and evidence for each of the ten
    factors and the screener's overall level, explained where it differs from the highest factor."""
    _require(actor, ASSESS_THRESHOLD, "Only a screener can assess the threshold level.")
    clean = _clean_factors(factors)
    if overall_level not in ThresholdLevel.values:
        raise ValidationError({"overall_level": "Choose the overall threshold level"})
    highest = highest_threshold_of(f["level"] for f in clean.values())
    reason_differs_from_highest = (reason_differs_from_highest or "").strip()
    if overall_level != highest and not reason_differs_from_highest:
        raise ValidationError(
            {
                "reason_differs_from_highest": (
                    f"Explain why the overall level differs from the highest factor level "
                    f"({ThresholdLevel(highest).label})"
                )
            }
        )
    if overall_level == highest:
        reason_differs_from_highest = ""
    now = timezone.now()
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        _require_open(contact, "change the threshold assessment")
        assessment = ThresholdAssessment.objects.select_for_update().filter(contact=contact).first()
        values = {
            "factors": clean,
            "overall_level": overall_level,
            "reason_differs_from_highest": reason_differs_from_highest,
        }
        if assessment is None:
            assessment = ThresholdAssessment(contact=contact, assessed_by=actor, assessed_at=now, **values)
            audit.save(assessment, actor=actor, reason="Threshold assessment recorded")
        else:
            check_version(assessment, expected_version)
            if all(getattr(assessment, k) == v for k, v in values.items()):
                return assessment
            if not (revision_reason or "").strip():
                raise ValidationError({"revision_reason": "Enter why the assessment is being revised"})
            for key, value in values.items():
                setattr(assessment, key, value)
            assessment.assessed_by, assessment.assessed_at = actor, now
            bump(assessment)
            audit.save(assessment, actor=actor, reason=f"Revised: {revision_reason.strip()}"[:500])
        started = _start_screening(contact, actor)
        if started:
            bump(contact)
            audit.save(contact, actor=actor, reason="Screening started", update_fields=started)
    return assessment


# --- Multi-agency child enquiry (MACE) -----------------------------------------------------


def _partners_of(agency_ids: Iterable[int]):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(
        agency_id__in=list(agency_ids), groups__name=Role.PARTNER.label, is_active=True, is_system=False
    )


def mace_request_send(*, contact: Contact, actor, agencies: Iterable[Agency], question: str) -> MaceRequest:
    """Ask chosen agencies what they know of the contact's child; answers fall due after the
    `mace_response` timescale. The partners of each agency are told (without the child's name)."""
    _require(actor, REQUEST_MACE, "Only a screener can start a multi-agency child enquiry.")
    agencies = list({a.pk: a for a in agencies}.values())
    question = (question or "").strip()
    errors = {}
    if not agencies:
        errors["agencies"] = "Choose at least one agency to ask"
    elif any(not a.is_active for a in agencies):
        errors["agencies"] = "Choose only agencies that are active"
    if not question:
        errors["question"] = "Enter what you are asking the agencies"
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        _require_open(contact, "start an enquiry")
        if contact.child_id is None:
            raise ValidationError("Link the contact to a child before asking other agencies about them.")
        request = MaceRequest(
            contact=contact,
            question=question,
            requested_by=actor,
            requested_at=now,
            due_at=service_settings().due("mace_response", now),
        )
        names = ", ".join(a.name for a in agencies)
        audit.save(request, actor=actor, reason=f"Enquiry sent to {names}"[:500])
        for agency in agencies:
            audit.save(MaceRecipient(request=request, agency=agency), actor=actor, reason="Agency asked")
        started = _start_screening(contact, actor)
        if started:
            bump(contact)
            audit.save(contact, actor=actor, reason="Screening started", update_fields=started)
        url = reverse("contacts:mace_detail", args=[request.pk])
        due = timezone.localtime(request.due_at)
        recipients = list(_partners_of(a.pk for a in agencies).values_list("pk", flat=True))

        def notify():
            from django.contrib.auth import get_user_model

            from core.services import notification_send

            for user in get_user_model().objects.filter(pk__in=recipients):
                notification_send(
                    recipient=user,
                    title=f"Multi-agency child enquiry {request.pk}: your agency's answer is due {due:%-d %b %H:%M}",
                    url=url,
                    key=f"mace-request:{request.pk}",
                )

        transaction.on_commit(notify)
    return request


MAX_MACE_INFORMATION = 10000


def mace_entry_add(*, request: MaceRequest, actor, information: str, systems_checked: str = "") -> MaceEntry:
    """A partner adds their agency's information to an enquiry sent to their agency."""
    _require(actor, ADD_MACE_ENTRY, "You cannot add information to enquiries.")
    if not actor.agency_id:
        raise PermissionDenied("Your account has no agency.")
    information, systems_checked = (information or "").strip(), (systems_checked or "").strip()
    errors = {}
    if not information:
        errors["information"] = "Enter what your agency knows, or that it holds no information"
    elif len(information) > MAX_MACE_INFORMATION:
        errors["information"] = f"Information must be {MAX_MACE_INFORMATION} characters or fewer"
    if len(systems_checked) > 300:
        errors["systems_checked"] = "Systems checked must be 300 characters or fewer"
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        request = MaceRequest.objects.select_for_update().get(pk=request.pk)
        recipient = MaceRecipient.objects.select_for_update().filter(request=request, agency_id=actor.agency_id).first()
        if recipient is None:
            raise PermissionDenied("This enquiry was not sent to your agency.")
        if request.status != MaceStatus.OPEN:
            raise TransitionNotAllowed("This enquiry is closed: information can no longer be added.")
        entry = MaceEntry(
            request=request,
            agency_id=actor.agency_id,
            author=actor,
            created_at=now,
            systems_checked=systems_checked,
            information=information,
        )
        audit.save(entry, actor=actor, reason="Agency information added")
        if recipient.responded_at is None:
            recipient.responded_at = now
            audit.save(recipient, actor=actor, reason="Agency responded", update_fields=["responded_at"])
    return entry


def mace_request_close(*, request: MaceRequest, actor, reason: str = "Enquiry closed") -> MaceRequest:
    _require(actor, CLOSE_MACE, "Only a screener can close an enquiry.")
    with transaction.atomic():
        request = MaceRequest.objects.select_for_update().get(pk=request.pk)
        if request.status == MaceStatus.CLOSED:
            return request
        request.status = MaceStatus.CLOSED
        audit.save(request, actor=actor, reason=reason, update_fields=["status"])
    return request


# --- The decision --------------------------------------------------------------------------

MAX_DETAIL = 5000


def contact_decide(
    *,
    contact: Contact,
    actor,
    outcome: str,
    outcome_detail: str = "",
    early_help_agency: Agency | None = None,
    early_help_service: str = "",
    refer_to_cate: bool = False,
    refer_to_statutory: bool = False,
    late_decision_reason: str = "",
    expected_version: int | None = None,
) -> Contact:
    """The screener's decision on a contact: information and advice; early help from another
    agency (followed up after the `early_help_follow_up` timescale); or a referral to CATE and/or
    statutory safeguarding, which tells cate/ at once through `contact_referred_to_cate`."""
    _require(actor, DECIDE_CONTACT, "Only a screener can decide the outcome of a contact.")
    outcome_detail, early_help_service = (outcome_detail or "").strip(), (early_help_service or "").strip()
    late_decision_reason = (late_decision_reason or "").strip()
    errors = {}
    if outcome not in Outcome.values:
        errors["outcome"] = "Choose the outcome"
    elif outcome == Outcome.INFORMATION_ADVICE:
        if not outcome_detail:
            errors["outcome_detail"] = "Enter the information, advice or support given"
    elif outcome == Outcome.EARLY_HELP:
        if early_help_agency is None:
            errors["early_help_agency"] = "Choose the agency the family is referred to"
        if not early_help_service:
            errors["early_help_service"] = "Enter the service the family is referred to"
    elif not (refer_to_cate or refer_to_statutory):
        errors["refer_to"] = "Choose CATE, statutory safeguarding or both"
    if len(outcome_detail) > MAX_DETAIL:
        errors["outcome_detail"] = f"Enter {MAX_DETAIL} characters or fewer"
    now = timezone.now()
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        check_version(contact, expected_version)
        if contact.status == ContactStatus.DECIDED:
            raise TransitionNotAllowed("This contact has already been decided.")
        if now > contact.decision_due_at and not late_decision_reason:
            errors["late_decision_reason"] = "The decision is late: enter the reason"
        if outcome in (Outcome.EARLY_HELP, Outcome.CATE_OR_STATUTORY) and contact.child_id is None:
            errors["__all__"] = "Link the contact to a child before referring them on."
        if not ThresholdAssessment.objects.filter(contact=contact).exists():
            errors.setdefault("__all__", "Record the threshold assessment before deciding.")
        if errors:
            raise ValidationError(errors)
        _transition(contact, ContactStatus.DECIDED)
        contact.outcome, contact.outcome_detail = outcome, outcome_detail
        is_early_help, is_referral = outcome == Outcome.EARLY_HELP, outcome == Outcome.CATE_OR_STATUTORY
        contact.early_help_agency = early_help_agency if is_early_help else None
        contact.early_help_service = early_help_service if is_early_help else ""
        contact.refer_to_cate = bool(refer_to_cate) if is_referral else False
        contact.refer_to_statutory = bool(refer_to_statutory) if is_referral else False
        contact.decided_at, contact.decided_by = now, actor
        contact.late_decision_reason = late_decision_reason if now > contact.decision_due_at else ""
        if contact.assigned_to_id is None:
            contact.assigned_to, contact.assigned_at = actor, now
        bump(contact)
        audit.save(contact, actor=actor, reason=f"Decided: {Outcome(outcome).label}")
        if is_early_help:
            follow_up = EarlyHelpFollowUp(contact=contact, due_at=service_settings().due("early_help_follow_up", now))
            audit.save(follow_up, actor=actor, reason="Follow-up of the early-help referral due")
        if is_referral:
            contract.call("contact_referred_handlers", contact=contact, actor=actor)
    return contact


def follow_up_complete(
    *, follow_up: EarlyHelpFollowUp, actor, action_taken: bool | None, notes: str, expected_version: int | None = None
) -> EarlyHelpFollowUp:
    """Close the loop on an early-help referral: did the agency take action? (scrutiny Rec 23)"""
    _require(actor, COMPLETE_FOLLOW_UP, "Only a screener can complete a follow-up.")
    notes = (notes or "").strip()
    errors = {}
    if action_taken is None:
        errors["action_taken"] = "Say whether the agency took action"
    if action_taken is False and not notes:
        errors["notes"] = "Enter what happens next, as the agency took no action"
    if len(notes) > MAX_DETAIL:
        errors["notes"] = f"Enter {MAX_DETAIL} characters or fewer"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        follow_up = EarlyHelpFollowUp.objects.select_for_update().get(pk=follow_up.pk)
        check_version(follow_up, expected_version)
        if follow_up.completed_at is not None:
            raise TransitionNotAllowed("This follow-up has already been recorded.")
        follow_up.completed_at, follow_up.completed_by = timezone.now(), actor
        follow_up.action_taken, follow_up.notes = action_taken, notes
        bump(follow_up)
        audit.save(
            follow_up,
            actor=actor,
            reason="Follow-up recorded: " + ("the agency took action" if action_taken else "no action by the agency"),
        )
    return follow_up

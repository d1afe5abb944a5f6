"""Writes of a child's family and household. A family is shared by the children of the index in it:
adding a sibling who is in the index links their record (their family becomes this one when they
have none yet) instead of copying them. Every write checks the permission and that the actor may
open the child, keeps history with the actor and a reason, and withdraws (never deletes)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core import audit
from core.concurrency import check_version

from ..choices import FamilyRelationship, FamilyTieKind, Gender
from ..family_models import ChildRelationship, Family, FamilyMember, FamilyTie
from ..models import Child
from ..permissions import RECORD_FAMILY
from ..visibility import child_list_for_user

# What describes a person who is not in the index (a child of the index is read from their record).
PERSON_FIELDS = ("first_name", "last_name", "gender", "date_of_birth", "age", "address", "do_not_disclose_address")
RELATIONSHIP_DEFAULTS = {
    "relationship": "",
    "relationship_other": "",
    "parental_responsibility": False,
    "lives_with_child": False,
    "contact_arrangements": "",
}


def _relationship_values(relationship: dict) -> dict:
    """The relationship's fields, those not given at their defaults (nothing else is taken)."""
    return {f: relationship.get(f) if relationship.get(f) is not None else d for f, d in RELATIONSHIP_DEFAULTS.items()}


def _require(actor, child: Child) -> None:
    if not actor.has_perm(RECORD_FAMILY) or not child_list_for_user(actor).filter(pk=child.pk).exists():
        raise PermissionDenied("You cannot record this child's family.")
    if not child.is_active:
        raise ValidationError("This record has been merged or marked entered in error: it cannot change.")


def _person_errors(data: dict, *, linked: bool) -> dict[str, str]:
    errors = {}
    if not linked and not (data.get("first_name", "").strip() or data.get("last_name", "").strip()):
        errors["first_name"] = "Enter the person's name"
    if data.get("gender") and data["gender"] not in Gender.values:
        errors["gender"] = "Select the person's gender"
    born = data.get("date_of_birth")
    if born is not None and born > timezone.localdate():
        errors["date_of_birth"] = "Date of birth must be today or in the past"
    age = data.get("age")
    if age is not None and not 0 <= age <= 120:
        errors["age"] = "Age must be between 0 and 120"
    return errors


def _relationship_errors(data: dict) -> dict[str, str]:
    errors = {}
    if data.get("relationship") not in FamilyRelationship.values:
        errors["relationship"] = "Select the person's relationship to the child"
    elif data["relationship"] == FamilyRelationship.OTHER and not data.get("relationship_other", "").strip():
        errors["relationship_other"] = "Describe the relationship"
    if len(data.get("relationship_other", "")) > 100:
        errors["relationship_other"] = "The relationship must be 100 characters or fewer"
    return errors


def _family_of(child: Child, *, actor) -> Family:
    """The (locked) family of the child, made with the child as its first member when there is none."""
    own = FamilyMember.objects.select_for_update().filter(child=child, withdrawn=False).first()
    if own is not None:
        return Family.objects.select_for_update().get(pk=own.family_id)
    family = audit.save(Family(created_by=actor), actor=actor, reason="Family recorded")
    audit.save(FamilyMember(family=family, child=child), actor=actor, reason="The child in their family")
    return family


def family_member_add(
    *,
    child: Child,
    actor,
    person: dict,
    relationship: dict,
    index_child: int | None = None,
) -> FamilyMember:
    """Add a person to the child's family with their relationship to the child. `index_child`: the
    record number of a child of the index (one the actor may open), linked rather than copied; their
    family becomes this one when they have none yet, and one already recorded for them is refused (it
    is not merged here). A number the actor may not open is answered as one that does not exist."""
    _require(actor, child)
    number, index_child = index_child, None
    errors = {**_person_errors(person, linked=number is not None), **_relationship_errors(relationship)}
    if number is not None:
        index_child = child_list_for_user(actor).filter(pk=number).first()
        if number == child.pk:
            errors["index_child"] = "This is the child the family is about"
        elif index_child is None or not index_child.is_active:
            errors["index_child"] = "No child with that record number you may open"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        Child.objects.select_for_update().get(pk=child.pk)
        family = _family_of(child, actor=actor)
        if index_child is not None:
            theirs = FamilyMember.objects.select_for_update().filter(child=index_child, withdrawn=False).first()
            if theirs is not None and theirs.family_id == family.pk:
                raise ValidationError({"index_child": f"{index_child.full_name} is already in this family"})
            if theirs is not None:
                raise ValidationError(
                    {"index_child": f"{index_child.full_name} already has a family recorded: add this child there"}
                )
            member = FamilyMember(family=family, child=index_child)
        else:
            member = FamilyMember(family=family, **{f: person.get(f) for f in PERSON_FIELDS if f in person})
            member.first_name, member.last_name = member.first_name.strip(), member.last_name.strip()
            member.gender = member.gender or Gender.NOT_KNOWN
        audit.save(member, actor=actor, reason="Family member added")
        audit.save(
            ChildRelationship(child=child, member=member, **_relationship_values(relationship)),
            actor=actor,
            reason="Relationship to the child recorded",
        )
    return member


def family_member_update(
    *,
    child: Child,
    member: FamilyMember,
    actor,
    person: dict,
    relationship: dict,
    expected_version: int | None = None,
) -> FamilyMember:
    """Change a member's details (a child of the index keeps theirs on their own record) and their
    relationship to this child."""
    _require(actor, child)
    linked = member.child_id is not None
    errors = {**_person_errors(person, linked=linked), **_relationship_errors(relationship)}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        member = FamilyMember.objects.select_for_update().get(pk=member.pk)
        check_version(member, expected_version)
        if member.withdrawn:
            raise ValidationError("This person was withdrawn from the family.")
        changed = []
        if not linked:
            for name in PERSON_FIELDS:
                value = person.get(name)
                value = value.strip() if isinstance(value, str) and name != "address" else value
                if name in person and getattr(member, name) != value:
                    setattr(member, name, value)
                    changed.append(name)
        current = ChildRelationship.objects.select_for_update().filter(child=child, member=member).first()
        values = _relationship_values(relationship)
        if current is None:
            audit.save(
                ChildRelationship(child=child, member=member, **values),
                actor=actor,
                reason="Relationship to the child recorded",
            )
            changed.append("relationship")
        elif any(getattr(current, f) != v for f, v in values.items()):
            for name, value in values.items():
                setattr(current, name, value)
            audit.save_change(current, actor=actor, reason="Relationship to the child changed")
            changed.append("relationship")
        if changed:
            # The member's version moves on with any change, so a form opened before is refused.
            audit.save_change(member, actor=actor, reason="Family member changed")
    return member


def family_member_withdraw(*, child: Child, member: FamilyMember, actor, reason: str) -> FamilyMember:
    """Take a person recorded in error out of the family (kept, with the reason)."""
    _require(actor, child)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the person is withdrawn"})
    with transaction.atomic():
        member = FamilyMember.objects.select_for_update().get(pk=member.pk)
        if member.child_id == child.pk:
            raise ValidationError("The child stays in their own family.")
        if member.withdrawn:
            return member
        member.withdrawn, member.withdrawn_reason = True, reason.strip()
        audit.save_change(member, actor=actor, reason=f"Withdrawn from the family: {reason.strip()}"[:100])
        for tie in FamilyTie.objects.select_for_update().filter(Q(a=member) | Q(b=member), withdrawn=False):
            tie.withdrawn, tie.withdrawn_reason = True, "The person was withdrawn from the family"
            audit.save(
                tie,
                actor=actor,
                reason="Tie withdrawn with the person",
                update_fields=["withdrawn", "withdrawn_reason"],
            )
    return member


def family_tie_add(*, child: Child, a: FamilyMember, b: FamilyMember, kind: str, actor) -> FamilyTie:
    """Record how two members of the child's family are related (parent of, partners, separated,
    siblings, half-siblings). Partners and separated replace each other for the same two people."""
    _require(actor, child)
    errors = {}
    if kind not in FamilyTieKind.values:
        errors["kind"] = "Select how they are related"
    if a.pk == b.pk:
        errors["b"] = "Select two different people"
    if a.family_id != b.family_id:
        errors["b"] = "Select two people of this family"
    if errors:
        raise ValidationError(errors)
    if kind in (FamilyTieKind.SIBLINGS, FamilyTieKind.HALF_SIBLINGS, FamilyTieKind.PARTNERS, FamilyTieKind.SEPARATED):
        a, b = sorted((a, b), key=lambda m: m.pk)  # a symmetrical tie is kept one way round
    with transaction.atomic():
        family = Family.objects.select_for_update().get(pk=a.family_id)
        live = FamilyTie.objects.select_for_update().filter(family=family, withdrawn=False)
        pair = live.filter(Q(a=a, b=b) | Q(a=b, b=a))
        if pair.filter(kind=kind).exists():
            raise ValidationError({"kind": "This is already recorded"})
        unions = (FamilyTieKind.PARTNERS, FamilyTieKind.SEPARATED)
        if kind in unions:
            for old in pair.filter(kind__in=unions):
                old.withdrawn, old.withdrawn_reason = True, f"Now recorded as {FamilyTieKind(kind).label.lower()}"
                audit.save(old, actor=actor, reason="Union changed", update_fields=["withdrawn", "withdrawn_reason"])
        tie = FamilyTie(family=family, a=a, b=b, kind=kind, recorded_by=actor)
        return audit.save(tie, actor=actor, reason=f"{FamilyTieKind(kind).label} recorded")


def family_tie_withdraw(*, child: Child, tie: FamilyTie, actor, reason: str) -> FamilyTie:
    _require(actor, child)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the relationship is withdrawn"})
    with transaction.atomic():
        tie = FamilyTie.objects.select_for_update().get(pk=tie.pk)
        if tie.withdrawn:
            return tie
        tie.withdrawn, tie.withdrawn_reason = True, reason.strip()
        return audit.save(
            tie, actor=actor, reason="Relationship withdrawn", update_fields=["withdrawn", "withdrawn_reason"]
        )

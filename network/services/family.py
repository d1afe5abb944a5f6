"""A person in a child's family who is also of concern: the network's person record holds the link
to the family member (the child index never names the network)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from contacts.family_models import FamilyMember
from contacts.family_selectors import age_on
from contacts.models import Child
from core import audit

from ..choices import PersonKind
from ..models import Person
from ..permissions import require_record_network
from .records import person_create

ALREADY = "This person is already a person of concern: open their record"


def person_from_family_member(*, child: Child, member: FamilyMember, kind: str, actor) -> Person:
    """Record a member of the child's family (one the actor may see: the caller reads it through the
    family's selector) as a person of concern, or link them to the record the network already holds
    of them as a child of the index."""
    require_record_network(actor)
    if kind not in PersonKind.values:
        raise ValidationError({"kind": "Select what kind of person of concern they are"})
    with transaction.atomic():
        member = FamilyMember.objects.select_for_update(of=("self",)).select_related("child").get(pk=member.pk)
        if member.withdrawn:
            raise ValidationError("This person was withdrawn from the family.")
        if Person.objects.filter(family_member=member).exists():
            raise ValidationError({"kind": ALREADY})
        person = (
            Person.objects.select_for_update().filter(child_id=member.child_id).first() if member.child_id else None
        )
        if person is None:
            source = member.child if member.child_id else member
            born = source.date_of_birth
            age = age_on(born, timezone.localdate()) if born else getattr(source, "age", None)
            person = person_create(
                actor=actor,
                kind=kind,
                first_name=source.first_name,
                last_name=source.last_name,
                gender=source.gender,
                date_of_birth=born,
                is_juvenile=age is not None and age < 18,
                child=member.child,
            )
        person.family_member = member
        audit.save_change(
            person, actor=actor, reason="Linked to their place in a child's family", fields=["family_member"]
        )
    return person

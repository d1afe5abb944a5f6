"""Reads of a child's family and household, as one reader may see them.

A member who is a child of the index is read through the index's visibility: a restricted child the
reader is not named on is left out of the family, with every tie to them, on every page, drawing,
table and panel paper (the same query whatever the family's size: four queries in all)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .choices import Gender
from .family_models import ChildRelationship, FamilyMember, FamilyTie
from .models import Child
from .visibility import hidden_children

ADDRESS_WITHHELD = "Not to be disclosed"


def age_on(born: dt.date | None, today: dt.date) -> int | None:
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@dataclass(frozen=True)
class Person:
    """One family member as the page, the drawing and the table show them."""

    member: FamilyMember
    name: str
    gender: str
    age: int | None
    date_of_birth: dt.date | None
    relationship: ChildRelationship | None  # to the child the page is about
    is_subject: bool  # the child the page is about
    in_index: bool  # a child of the index, linked to their record

    @property
    def pk(self) -> int:
        return self.member.pk

    @property
    def relationship_label(self) -> str:
        if self.is_subject:
            return "The child"
        return self.relationship.label if self.relationship else "Not recorded"

    @property
    def lives_with_child(self) -> bool:
        return self.is_subject or bool(self.relationship and self.relationship.lives_with_child)

    @property
    def address(self) -> str:
        """The address as any page, paper or export shows it: never one marked not to be disclosed."""
        if self.member.do_not_disclose_address:
            return ADDRESS_WITHHELD
        return self.member.address

    @property
    def gender_label(self) -> str:
        return dict(Gender.choices).get(self.gender, "Not known")


@dataclass(frozen=True)
class FamilyPicture:
    """A child's family as one reader may see it."""

    child: Child
    people: list[Person] = field(default_factory=list)
    ties: list[FamilyTie] = field(default_factory=list)

    @property
    def family_id(self) -> int | None:
        return self.people[0].member.family_id if self.people else None

    @property
    def subject(self) -> Person | None:
        return next((p for p in self.people if p.is_subject), None)

    @property
    def others(self) -> list[Person]:
        return [p for p in self.people if not p.is_subject]


def _person(member: FamilyMember, relationship, *, subject_id: int, today: dt.date) -> Person:
    child = member.child
    if child is not None:
        born = child.date_of_birth
        age = age_on(born, today) if born else child.estimated_age
        return Person(member, child.full_name, child.gender, age, born, relationship, child.pk == subject_id, True)
    born = member.date_of_birth
    age = age_on(born, today) if born else member.age
    return Person(member, member.name, member.gender, age, born, relationship, False, False)


def family_of(child: Child, user, *, today: dt.date | None = None) -> FamilyPicture:
    """The child's family as `user` may see it: the members (a restricted child of the index the user
    is not named on left out), each with their relationship to this child, and the ties between the
    members shown. Empty when no family is recorded."""
    today = today or timezone.localdate()
    own = FamilyMember.objects.filter(child=child, withdrawn=False).values("family_id")
    hidden = hidden_children(user).values("pk")
    members = list(
        FamilyMember.objects.filter(family_id__in=own, withdrawn=False)
        .exclude(child__in=hidden)
        .select_related("child")
        .order_by("id")
    )
    if not members:
        return FamilyPicture(child=child)
    relationships = {
        r.member_id: r for r in ChildRelationship.objects.filter(child=child, member__in=[m.pk for m in members])
    }
    shown = {m.pk for m in members}
    ties = [
        tie
        for tie in FamilyTie.objects.filter(family_id=members[0].family_id, withdrawn=False)
        .select_related("a__child", "b__child")
        .order_by("id")
        if tie.a_id in shown and tie.b_id in shown
    ]
    people = [_person(m, relationships.get(m.pk), subject_id=child.pk, today=today) for m in members]
    people.sort(key=lambda p: (not p.is_subject, p.member.pk))
    return FamilyPicture(child=child, people=people, ties=ties)


def family_member_get(child: Child, user, pk: int) -> FamilyMember:
    """A member of the child's family the user may see (404 otherwise, as for one that does not exist)."""
    own = FamilyMember.objects.filter(child=child, withdrawn=False).values("family_id")
    members = FamilyMember.objects.filter(family_id__in=own, withdrawn=False).exclude(
        child__in=hidden_children(user).values("pk")
    )
    return get_object_or_404(members.select_related("child", "family"), pk=pk)


def relationship_of(child: Child, member: FamilyMember) -> ChildRelationship | None:
    return ChildRelationship.objects.filter(child=child, member=member).first()


def family_tie_get(child: Child, user, pk: int) -> FamilyTie:
    """A tie of the child's family between two members the user may see (404 otherwise)."""
    own = FamilyMember.objects.filter(child=child, withdrawn=False).values("family_id")
    hidden = hidden_children(user).values("pk")
    ties = FamilyTie.objects.filter(family_id__in=own, withdrawn=False).exclude(
        Q(a__child__in=hidden) | Q(b__child__in=hidden)
    )
    return get_object_or_404(ties.select_related("a__child", "b__child"), pk=pk)

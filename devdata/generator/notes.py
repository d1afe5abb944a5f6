"""Generated case notes (about ten a case: calls, messages, meetings, home and school contacts, now
and then a team leader's management oversight, an addendum to one note in ten) and each child's
family and household (two to six people: parents, a parent's partner, brothers and sisters, a
grandparent or a trusted adult; a sister or brother in the index now and then, linked and sharing
the family). Their own random streams, so the rest of the generated records stay as they were."""

from __future__ import annotations

import datetime as dt
import random

from cate.choices import ChronologyKind, NoteKind, NoteStatus
from cate.models import Case, CaseNote, CaseNoteAddendum, ChronologyEvent
from contacts.choices import FamilyRelationship, FamilyTieKind, Gender
from contacts.models import Child, ChildRelationship, Family, FamilyMember, FamilyTie

from .vocabulary import FIRST_F, FIRST_M, LAST

NOTES_PER_CASE = 10
NOTE_KINDS = [
    (NoteKind.PHONE_CALL, 35),
    (NoteKind.MESSAGE, 25),
    (NoteKind.MEETING, 15),
    (NoteKind.HOME_OR_SCHOOL, 15),
    (NoteKind.OTHER, 10),
]
NOTE_TEXT = {
    NoteKind.PHONE_CALL: ("Mother", "Called mother about the weekend: home by curfew, no concerns raised."),
    NoteKind.MESSAGE: ("Young person", "Texted to arrange the next visit; replied the same day."),
    NoteKind.MEETING: ("School, police", "Professionals' meeting: shared attendance and sightings."),
    NoteKind.HOME_OR_SCHOOL: ("Head of year", "Spoke to school at reception: attendance improving."),
    NoteKind.OTHER: ("Youth worker", "Information from the youth club about new friends."),
    NoteKind.OVERSIGHT: ("Worker", "Management oversight: plan proportionate; review the safety plan next month."),
}


class NotesMixin:
    def _case_notes(self, case: Case, holder, end: dt.datetime, notes: list, events: list, addenda: list) -> None:
        """About ten finalised notes for the case, each with its chronology event (`events` holds
        (event, note) pairs: the event's note is set once the note has its key)."""
        rng = random.Random(f"{self.seed}-notes-{case.reference}")
        for _ in range(rng.randint(NOTES_PER_CASE - 3, NOTES_PER_CASE + 3)):
            when = self.moment(case.opened_at, end)
            oversight = rng.random() < 0.12
            kind = NoteKind.OVERSIGHT if oversight else self._pick(rng, NOTE_KINDS)
            by = rng.choice(self.leaders) if oversight else holder(when)
            involved, text = NOTE_TEXT[kind]
            note = CaseNote(
                case=case, occurred_at=when, kind=kind, involved=involved, text=text,
                status=NoteStatus.FINAL, author=by, finalised_at=when + dt.timedelta(hours=2),
            )  # fmt: skip
            notes.append(note)
            chronology = ChronologyKind.OVERSIGHT if oversight else ChronologyKind.CASE_NOTE
            label = dict(NoteKind.choices)[kind]
            events.append(
                (ChronologyEvent(case=case, kind=chronology, occurred_at=when, summary=f"{label} ({involved})",
                                 detail=text, recorded_by=by), note)
            )  # fmt: skip
            if rng.random() < 0.1:
                addenda.append(
                    CaseNoteAddendum(note=note, text="Addendum: the time was earlier than written.",
                                     written_by=by, written_at=min(end, when + dt.timedelta(days=1)))
                )  # fmt: skip

    @staticmethod
    def _pick(rng, pairs):
        values, weights = zip(*pairs, strict=True)
        return rng.choices(values, weights=weights)[0]

    def write_notes(self, notes: list, events: list, addenda: list) -> list:
        """Insert the notes and their addenda; the chronology events (with their note) are returned for
        the caller's insert of the case's chronology."""
        self.writer.insert(CaseNote, notes, [n.finalised_at for n in notes])
        for addendum in addenda:
            addendum.note_id = addendum.note.pk
        self.writer.insert(CaseNoteAddendum, addenda, [a.written_at for a in addenda])
        for event, note in events:
            event.note_id = note.pk
        return [event for event, _ in events]

    # --- Families -------------------------------------------------------------------------------

    def families(self) -> None:
        """A family of two to six people for every child with a case; now and then a brother or sister
        of the index joins it (linked, not copied)."""
        rng = random.Random(f"{self.seed}-families")
        children = list(
            Child.objects.filter(cate_cases__isnull=False)
            .exclude(pk__in=FamilyMember.objects.filter(withdrawn=False, child__isnull=False).values("child_id"))
            .distinct()
            .order_by("pk")
            .values_list("pk", "last_name")
        )
        taken: set[int] = set()
        families, members, relationships, ties = [], [], [], []
        plans = []
        for index, (child_id, last_name) in enumerate(children):
            if child_id in taken:
                continue
            taken.add(child_id)
            family = Family(created_by=self.actor)
            families.append(family)
            me = FamilyMember(family=family, child_id=child_id)
            people = [(me, None)]
            size = rng.randint(2, 6)
            mother = self._relative(rng, family, last_name, Gender.FEMALE, 28, 50)
            people.append((mother, (FamilyRelationship.MOTHER, True, rng.random() < 0.8)))
            if size >= 3:
                father = self._relative(rng, family, last_name, Gender.MALE, 30, 55)
                people.append((father, (FamilyRelationship.FATHER, True, rng.random() < 0.3)))
            if size >= 4:
                partner = self._relative(rng, family, rng.choice(LAST), Gender.MALE, 28, 55)
                people.append((partner, (FamilyRelationship.PARENTS_PARTNER, False, True)))
            sibling_index = index + 1
            linked = (
                size >= 5
                and rng.random() < 0.15
                and sibling_index < len(children)
                and children[sibling_index][0] not in taken
            )
            if linked:
                sibling_id = children[sibling_index][0]
                taken.add(sibling_id)
                people.append(
                    (FamilyMember(family=family, child_id=sibling_id), (FamilyRelationship.SISTER, False, True))
                )
            elif size >= 5:
                gender = rng.choice([Gender.FEMALE, Gender.MALE])
                half = self._relative(rng, family, last_name, gender, 2, 12)
                relationship = (
                    FamilyRelationship.HALF_SISTER if gender == Gender.FEMALE else FamilyRelationship.HALF_BROTHER
                )
                people.append((half, (relationship, False, True)))
            if size >= 6:
                gran = self._relative(rng, family, last_name, Gender.FEMALE, 58, 80)
                people.append((gran, (FamilyRelationship.GRANDMOTHER, False, False)))
            plans.append((child_id, people))
        self.writer.insert(Family, families)
        for _, people in plans:
            for member, _ in people:
                member.family_id = member.family.pk
            members.extend(member for member, _ in people)
        self.writer.insert(FamilyMember, members)
        for child_id, people in plans:
            me = people[0][0]
            by_relationship = {}
            for member, what in people[1:]:
                relationship, responsibility, lives = what
                by_relationship[relationship] = member
                relationships.append(
                    ChildRelationship(
                        child_id=child_id, member_id=member.pk, relationship=relationship,
                        parental_responsibility=responsibility, lives_with_child=lives,
                        contact_arrangements="" if lives else "Every other weekend",
                    )
                )  # fmt: skip
            mother = by_relationship.get(FamilyRelationship.MOTHER)
            father = by_relationship.get(FamilyRelationship.FATHER)
            partner = by_relationship.get(FamilyRelationship.PARENTS_PARTNER)
            family_id = me.family_id

            def tie(a, b, kind, family_id=family_id):
                ties.append(FamilyTie(family_id=family_id, a_id=a.pk, b_id=b.pk, kind=kind, recorded_by=self.actor))

            tie(mother, me, FamilyTieKind.PARENT_OF)
            if father is not None:
                tie(father, me, FamilyTieKind.PARENT_OF)
                tie(
                    *sorted((mother, father), key=lambda m: m.pk),
                    FamilyTieKind.SEPARATED if partner else FamilyTieKind.PARTNERS,
                )
            if partner is not None:
                tie(*sorted((mother, partner), key=lambda m: m.pk), FamilyTieKind.PARTNERS)
            for relationship in (FamilyRelationship.HALF_SISTER, FamilyRelationship.HALF_BROTHER):
                half = by_relationship.get(relationship)
                if half is not None:
                    tie(mother, half, FamilyTieKind.PARENT_OF)
                    if partner is not None:
                        tie(partner, half, FamilyTieKind.PARENT_OF)
                    tie(me, half, FamilyTieKind.HALF_SIBLINGS)
            sister = by_relationship.get(FamilyRelationship.SISTER)
            if sister is not None:
                tie(mother, sister, FamilyTieKind.PARENT_OF)
                tie(me, sister, FamilyTieKind.SIBLINGS)
        self.writer.insert(ChildRelationship, relationships)
        self.writer.insert(FamilyTie, ties)
        self.say(f"families: {len(families)} of {len(members)} people")

    def _relative(self, rng, family, last_name: str, gender: str, youngest: int, oldest: int) -> FamilyMember:
        first = rng.choice(FIRST_F if gender == Gender.FEMALE else FIRST_M)
        age = rng.randint(youngest, oldest)
        born = self.now.date().replace(month=1, day=1) - dt.timedelta(days=365 * age + rng.randint(0, 364))
        withheld = rng.random() < 0.05
        return FamilyMember(
            family=family, first_name=first, last_name=last_name or rng.choice(LAST), gender=gender,
            date_of_birth=born, address=f"{rng.randint(1, 120)} {rng.choice(LAST)} Road",
            do_not_disclose_address=withheld,
        )  # fmt: skip

"""The child's family and household (contacts.models imports these): a family shared by the children
of the index in it (a sibling in the index is a member linked to their record, not a copy), its
members, each member's relationship to each child, and the ties between members that the genogram
draws. Nothing is deleted: a member or tie recorded in error is withdrawn with a reason."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.models import VersionedModel

from .choices import FamilyRelationship, FamilyTieKind, Gender

User = settings.AUTH_USER_MODEL


class Family(VersionedModel):
    """The people in the lives of one or more children of the index."""

    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "families"
        permissions = [("record_family", "Can record a child's family and household")]

    def __str__(self) -> str:
        return f"Family {self.pk}"


class FamilyMember(VersionedModel):
    """A person in a family. A child of the index is linked (`child`): their name, gender and date of
    birth are read from their record, so a restricted child is hidden wherever the record is."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="members")
    child = models.ForeignKey(
        "contacts.Child", null=True, blank=True, on_delete=models.PROTECT, related_name="family_memberships"
    )
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    gender = models.CharField(max_length=10, choices=Gender.choices, default=Gender.NOT_KNOWN)
    date_of_birth = models.DateField(null=True, blank=True)
    age = models.PositiveSmallIntegerField(
        "age (when the date of birth is not known)", null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    address = models.TextField(blank=True)
    do_not_disclose_address = models.BooleanField(
        "do not disclose the address", default=False, help_text="The address is kept off every page, letter and export."
    )
    withdrawn = models.BooleanField(default=False)
    withdrawn_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(child__isnull=False, withdrawn=False),
                name="contacts_one_family_per_child",
            ),
            models.CheckConstraint(
                condition=Q(child__isnull=False) | ~Q(first_name="") | ~Q(last_name=""),
                name="contacts_family_member_named",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if self.child_id is not None:
            return self.child.full_name
        return f"{self.first_name} {self.last_name}".strip()


class ChildRelationship(VersionedModel):
    """What a family member is to one child of the family: relationship, parental responsibility,
    whether they live with the child (the household) and the contact arrangements."""

    child = models.ForeignKey("contacts.Child", on_delete=models.PROTECT, related_name="family_relationships")
    member = models.ForeignKey(FamilyMember, on_delete=models.PROTECT, related_name="relationships")
    relationship = models.CharField(max_length=20, choices=FamilyRelationship.choices)
    relationship_other = models.CharField("other relationship", max_length=100, blank=True)
    parental_responsibility = models.BooleanField(default=False)
    lives_with_child = models.BooleanField("lives with the child", default=False)
    contact_arrangements = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["child", "member"], name="contacts_child_relationship_once"),
            models.CheckConstraint(
                condition=~Q(relationship="other") | ~Q(relationship_other=""),
                name="contacts_child_relationship_other_described",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} to {self.child}"

    @property
    def label(self) -> str:
        if self.relationship == FamilyRelationship.OTHER:
            return self.relationship_other
        return self.get_relationship_display()


class FamilyTie(models.Model):
    """How two members of a family are related to each other: `a` is parent of `b`, or the two are
    partners, separated, siblings or half-siblings."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="ties")
    a = models.ForeignKey(FamilyMember, on_delete=models.PROTECT, related_name="+")
    b = models.ForeignKey(FamilyMember, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=15, choices=FamilyTieKind.choices)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    withdrawn = models.BooleanField(default=False)
    withdrawn_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=~Q(a=models.F("b")), name="contacts_family_tie_two_people"),
            models.UniqueConstraint(
                fields=["a", "b", "kind"], condition=Q(withdrawn=False), name="contacts_family_tie_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.a} – {self.get_kind_display()} – {self.b}"

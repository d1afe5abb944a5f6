"""Factories of the front door: children, contacts, threshold assessments, MACE enquiries, follow-ups."""

import datetime as dt

import factory
from django.utils import timezone

from contacts import choices as contact_choices
from contacts.choices import ExploitationFactor, FactorLevel, ThresholdLevel
from contacts.models import (
    Child,
    Contact,
    EarlyHelpFollowUp,
    MaceEntry,
    MaceRecipient,
    MaceRequest,
    PossibleDuplicate,
    ThresholdAssessment,
    ThresholdReview,
)
from contacts.services import child_name_keys_refresh

from .core import AgencyFactory, UserFactory

__all__ = [
    "ChildFactory",
    "ContactFactory",
    "EarlyHelpFollowUpFactory",
    "MaceEntryFactory",
    "MaceRecipientFactory",
    "MaceRequestFactory",
    "PossibleDuplicateFactory",
    "ThresholdAssessmentFactory",
    "ThresholdReviewFactory",
    "factor_levels",
]


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child
        skip_postgeneration_save = True

    first_name = factory.Sequence(lambda n: f"Testchild{n}")
    last_name = "Example"
    date_of_birth = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=365 * 14 + 30))
    gender = contact_choices.Gender.FEMALE
    ethnicity = contact_choices.Ethnicity.WBRI
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def name_keys(self, create, extracted, **kwargs):
        """The search keys of the names, as the services that add a child write them."""
        if create:
            child_name_keys_refresh([self])


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    reference = factory.Sequence(lambda n: f"FC-T{n:06d}")
    child = factory.SubFactory(ChildFactory)
    received_at = factory.LazyFunction(timezone.now)
    channel = contact_choices.Channel.PHONE
    source = contact_choices.Source.POLICE
    concern = "Seen getting into cars with older males after school."
    cse_concern = True
    decision_due_at = factory.LazyAttribute(lambda c: c.received_at + dt.timedelta(days=1))
    recorded_by = factory.SubFactory(UserFactory)


def factor_levels(default: str = FactorLevel.NOT_PRESENT, **levels) -> dict:
    """The ten factors at `default`, with some set otherwise: factor_levels(coercion="complex")."""
    result = {}
    for factor in ExploitationFactor:
        level = levels.get(factor.value, default)
        evidence = "" if level == FactorLevel.NOT_PRESENT else f"Seen: {factor.label.lower()}"
        result[factor.value] = {"level": level, "evidence": evidence}
    return result


class ThresholdAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ThresholdAssessment

    contact = factory.SubFactory(ContactFactory)
    factors = factory.LazyFunction(lambda: factor_levels(coercion=FactorLevel.COMPLEX))
    overall_level = ThresholdLevel.COMPLEX
    assessed_by = factory.SubFactory(UserFactory)
    assessed_at = factory.LazyFunction(timezone.now)


class ThresholdReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ThresholdReview

    contact = factory.SubFactory(ContactFactory)
    level = ThresholdLevel.COMPLEX
    raised_at = factory.LazyFunction(timezone.now)


class MaceRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MaceRequest

    contact = factory.SubFactory(ContactFactory)
    question = "What do you know of this child?"
    requested_by = factory.SubFactory(UserFactory)
    requested_at = factory.LazyFunction(timezone.now)
    due_at = factory.LazyAttribute(lambda r: r.requested_at + dt.timedelta(hours=4))


class MaceRecipientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MaceRecipient

    request = factory.SubFactory(MaceRequestFactory)
    agency = factory.SubFactory(AgencyFactory)


class MaceEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MaceEntry

    request = factory.SubFactory(MaceRequestFactory)
    agency = factory.SubFactory(AgencyFactory)
    author = factory.SubFactory(UserFactory)
    created_at = factory.LazyFunction(timezone.now)
    information = factory.Sequence(lambda n: f"Agency information {n}")


class EarlyHelpFollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EarlyHelpFollowUp

    contact = factory.SubFactory(ContactFactory)
    due_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=14))


class PossibleDuplicateFactory(factory.django.DjangoModelFactory):
    """An open pair of two children everyone may see, found when `child` was added."""

    class Meta:
        model = PossibleDuplicate

    child = factory.SubFactory(ChildFactory)
    existing = factory.SubFactory(ChildFactory)
    matched_on = "Similar name; Same date of birth"
    found_when = contact_choices.DuplicateFoundWhen.ADDED
    found_by = factory.SubFactory(UserFactory)
    found_at = factory.LazyFunction(timezone.now)

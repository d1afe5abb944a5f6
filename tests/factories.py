"""Factories for the organisation: agencies, teams and staff in a role."""

import factory
from django.contrib.auth.models import Group

from core.choices import AgencyKind
from core.models import Agency, Team, User
from core.roles import Role

TEST_PASSWORD = "correct-horse-battery-staple"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Agency {n}")
    kind = AgencyKind.COUNCIL


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name", "agency")

    name = factory.Sequence(lambda n: f"Team {n}")
    agency = factory.SubFactory(AgencyFactory, name="Children's Services")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"Staff member {n}")
    last_name = "(test)"
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    agency = factory.SubFactory(AgencyFactory, name="Children's Services")
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=Role(extracted).label))


# --- Front door ----------------------------------------------------------------------------

import datetime as dt  # noqa: E402

from django.utils import timezone  # noqa: E402

from contacts import choices as contact_choices  # noqa: E402
from contacts.models import Child, Contact  # noqa: E402


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    first_name = factory.Sequence(lambda n: f"Testchild{n}")
    last_name = "Example"
    date_of_birth = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=365 * 14 + 30))
    gender = contact_choices.Gender.FEMALE
    ethnicity = contact_choices.Ethnicity.WBRI
    created_by = factory.SubFactory(UserFactory)


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


# --- CATE ----------------------------------------------------------------------------------

from cate import choices as cate_choices  # noqa: E402
from cate.models import Allocation, Case, Referral  # noqa: E402


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    child = factory.SubFactory(ChildFactory)
    referred_at = factory.LazyFunction(timezone.now)
    assessment_due_at = factory.LazyAttribute(lambda r: r.referred_at + dt.timedelta(days=63))


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    reference = factory.Sequence(lambda n: f"CATE-T{n:05d}")
    child = factory.SubFactory(ChildFactory)
    opened_at = factory.LazyFunction(timezone.now)
    open_to = cate_choices.OpenTo.CATE
    cse = True


class AllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Allocation

    case = factory.SubFactory(CaseFactory)
    worker = factory.SubFactory(UserFactory)
    started_at = factory.LazyFunction(timezone.now)
    allocated_by = factory.SubFactory(UserFactory)

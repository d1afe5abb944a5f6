"""Factories of core: agencies, teams and staff in a role."""

import factory
from django.contrib.auth.models import Group

from core.choices import AgencyKind
from core.models import Agency, Team, User
from core.roles import Role

__all__ = [
    "TEST_PASSWORD",
    "AgencyFactory",
    "TeamFactory",
    "UserFactory",
]

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

"""Factories for reporting's tests: the casework records the reports read (shared ones in tests/factories.py)."""

import datetime as dt

import factory

from cate.choices import RhiStatus, StatutoryKind
from cate.models import MissingEpisode, NrmReferral, ReturnHomeInterview, StatutoryEpisode
from tests.factories import CaseFactory, ChildFactory, UserFactory


class StatutoryEpisodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatutoryEpisode

    child = factory.SubFactory(ChildFactory)
    kind = StatutoryKind.CIN
    start = dt.date(2023, 1, 9)


class MissingEpisodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MissingEpisode

    child = factory.SubFactory(ChildFactory)
    missing_from = factory.LazyAttribute(
        lambda e: (e.returned_at or dt.datetime(2023, 6, 1, tzinfo=dt.UTC)) - dt.timedelta(hours=12)
    )
    returned_at = dt.datetime(2023, 6, 1, 20, tzinfo=dt.UTC)
    rhi_due_at = factory.LazyAttribute(lambda e: e.returned_at and e.returned_at + dt.timedelta(hours=72))
    recorded_by = factory.SubFactory(UserFactory)


class ReturnHomeInterviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReturnHomeInterview

    episode = factory.SubFactory(MissingEpisodeFactory)
    status = RhiStatus.COMPLETED
    completed_at = factory.LazyAttribute(lambda i: i.episode.returned_at + dt.timedelta(hours=24))


class NrmReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NrmReferral

    case = factory.SubFactory(CaseFactory)
    referred_on = dt.date(2023, 6, 1)

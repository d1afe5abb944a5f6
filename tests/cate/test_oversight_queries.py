"""Query-count guards of issue 24's pages: the same number of queries for 1 record and for 30."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cate.choices import AuditKind, StatutoryKind
from cate.models import AuditItem, AuditSample
from cate.services import oversight
from core.roles import Role
from tests.factories import CaseFactory, StatutoryEpisodeFactory

pytestmark = pytest.mark.django_db

# The page's own reads are one or two queries whatever the rows; the rest is the layout's (the user,
# the session, the navigation, the notifications).
PAGE_QUERIES = 36


def _workers(n, make_user, leader):
    for _ in range(n):
        worker = make_user(Role.CATE_WORKER)
        oversight.supervision_record(
            worker=worker, held_on=timezone.localdate(), cases=[], actions_agreed="x", actor=leader
        )


@pytest.mark.parametrize("rows", [1, 30])
def test_supervision_list(personas, make_user, client_for, django_assert_max_num_queries, rows):
    _workers(rows, make_user, personas["team_leader"])
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client_for(personas["team_leader"]).get(reverse("cate:supervision_list"))
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [1, 30])
def test_children_in_care(make_user, client_for, django_assert_max_num_queries, rows):
    iro = make_user(Role.IRO)
    for _ in range(rows):
        StatutoryEpisodeFactory(kind=StatutoryKind.CIC, start=timezone.localdate() - dt.timedelta(days=30))
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client_for(iro).get(reverse("cate:cic_review_list"))
    assert response.status_code == 200
    assert response.content.count(b'class="govuk-table__row"') == min(rows, 25) + 1


@pytest.mark.parametrize("rows", [1, 30])
def test_audit_list(personas, client_for, django_assert_max_num_queries, rows):
    sample = AuditSample.objects.create(
        month=timezone.localdate().replace(day=1),
        kind=AuditKind.CLOSED_CASES,
        percent=10,
        seed=1,
        drawn_at=timezone.now(),
    )
    for _ in range(rows):
        AuditItem.objects.create(sample=sample, case=CaseFactory())
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client_for(personas["team_leader"]).get(reverse("cate:audit_list"))
    assert response.status_code == 200
    assert response.content.count(b'class="govuk-table__row"') == min(rows, 25) + 1

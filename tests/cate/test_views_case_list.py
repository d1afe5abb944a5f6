"""The list of CATE cases: search by the young person's name, the case reference or the worker, and
filters by status, worker, team, risk level and what is overdue, paginated, with a constant number
of queries; a worker finds only their own cases whatever they search for."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cate.choices import CaseStatus, RiskLevel
from tests.factories import CaseFactory, ChildFactory, TeamFactory, UserFactory, grant_case_access

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(personas, council):
    worker, other = personas["cate_worker"], personas["other_worker"]
    other.first_name, other.last_name = "Morwenna", "Quillfeather"
    other.team = TeamFactory(name="CATE north", agency=council)
    other.save()
    now = timezone.now()
    made = {
        "ruby": CaseFactory(
            child=ChildFactory(first_name="Ruby", last_name="Thistlewood"),
            allocated_worker=worker,
            current_risk_level=RiskLevel.HIGH,
            next_visit_due_at=now - dt.timedelta(days=1),
        ),
        "owen": CaseFactory(
            child=ChildFactory(first_name="Owen", last_name="Marchbank"),
            allocated_worker=other,
            current_risk_level=RiskLevel.LOW,
            next_visit_due_at=now + dt.timedelta(days=2),
        ),
        "cleo": CaseFactory(child=ChildFactory(first_name="Cleo", last_name="Ashdown"), status=CaseStatus.CLOSED),
    }
    grant_case_access(made["ruby"], worker)
    grant_case_access(made["owen"], other)
    return made


def names(response) -> set[str]:
    return {case.child.first_name for case, _ in response.context["rows"]}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"Ruby", "Owen"}),
        ({"text": "Thistlewood"}, {"Ruby"}),
        ({"text": "ruby thistlewood"}, {"Ruby"}),
        ({"text": "Quillfeather"}, {"Owen"}),
        ({"text": "morwenna"}, {"Owen"}),
        ({"view": "closed"}, {"Cleo"}),
        ({"view": "all", "text": "Ashdown"}, {"Cleo"}),
        ({"risk": RiskLevel.HIGH}, {"Ruby"}),
        ({"view": "all", "risk": "none"}, {"Cleo"}),
        ({"due": "visit"}, {"Ruby"}),
        ({"due": "visit_soon"}, set()),
    ],
)
def test_the_team_leader_searches_and_filters(personas, client_for, cases, params, expected):
    response = client_for(personas["team_leader"]).get(reverse("cate:case_list"), params)
    assert response.status_code == 200
    assert names(response) == expected


def test_by_reference_worker_and_team(personas, client_for, cases):
    client = client_for(personas["team_leader"])
    url = reverse("cate:case_list")
    assert names(client.get(url, {"text": cases["owen"].reference.lower()})) == {"Owen"}
    assert names(client.get(url, {"worker": personas["cate_worker"].pk})) == {"Ruby"}
    assert names(client.get(url, {"team": personas["other_worker"].team_id})) == {"Owen"}


def test_a_worker_finds_only_their_own_cases(personas, client_for, cases):
    client = client_for(personas["cate_worker"])
    url = reverse("cate:case_list")
    assert names(client.get(url)) == {"Ruby"}
    assert names(client.get(url, {"text": "Owen Marchbank"})) == set()
    assert names(client.get(url, {"worker": personas["other_worker"].pk})) == set()


def test_bad_filters_are_told_and_nothing_typed_is_lost(personas, client_for, cases):
    response = client_for(personas["team_leader"]).get(
        reverse("cate:case_list"), {"text": "Ruby", "worker": "999999", "risk": "purple"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert 'value="Ruby"' in html


def test_the_list_is_paginated_and_keeps_its_filters(personas, client_for):
    leader = personas["team_leader"]
    for _ in range(30):
        CaseFactory(current_risk_level=RiskLevel.MEDIUM)
    response = client_for(leader).get(reverse("cate:case_list"), {"risk": RiskLevel.MEDIUM})
    assert response.context["page"].paginator.count == 30
    assert "risk=medium" in response.context["query"]
    assert len(response.context["rows"]) < 30


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.parametrize(
    "params",
    [{"text": "Example"}, {"view": "all", "due": "rhi"}, {"risk": RiskLevel.HIGH, "due": "visit"}, {"team": "1"}],
)
def test_searching_and_filtering_keep_a_constant_number_of_queries(
    personas, client_for, django_assert_max_num_queries, rows, params
):
    leader = personas["team_leader"]
    worker = UserFactory(team=personas["cate_worker"].team)
    for _ in range(rows):
        CaseFactory(
            allocated_worker=worker,
            current_risk_level=RiskLevel.HIGH,
            next_visit_due_at=timezone.now() - dt.timedelta(days=1),
        )
    if "team" in params:
        params = {"team": str(worker.team_id)}
    client = client_for(leader)
    with django_assert_max_num_queries(17):  # 16, and the chosen worker or team read to check it
        response = client.get(reverse("cate:case_list"), params)
    assert response.status_code == 200

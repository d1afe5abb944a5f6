"""Contexts in the annual report (issue 19 point 6): the partnership's counts of context referrals,
assessments and plans by kind and outcome, in the report and every file it is downloaded as; counts
only, never a context's name, address or postcode, a child, or which places are hotspots."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from network.choices import ContextAssessmentKind, ContextJudgement, ContextPlanOutcome, PlaceKind
from network.models import ContextAssessment, ContextPlan, ContextReferral
from reporting import presentation
from reporting.figures import Period
from reporting.selectors import annual_report
from tests.factories import ChildFactory, ContactFactory, LinkFactory, PeerGroupFactory, PlaceFactory, UserFactory
from tests.factories.network import node_of

pytestmark = pytest.mark.django_db

FY = Period(dt.date(2025, 4, 1), dt.date(2026, 3, 31))
IN = dt.datetime(2025, 6, 2, 10, 0, tzinfo=dt.UTC)
BEFORE = dt.datetime(2025, 3, 31, 22, 30, tzinfo=dt.UTC)  # 23:30 on the day before the period, in London
NAMES = ("Secret Skate Park", "Hidden Hotel", "Quiet Crew", "Tf9 9zz", "Childname")


@pytest.fixture
def contexts():
    user = UserFactory()
    park = node_of(PlaceFactory(kind=PlaceKind.PARK, name="Secret Skate Park", postcode="TF9 9ZZ"))
    hotel = node_of(PlaceFactory(kind=PlaceKind.HOTEL, name="Hidden Hotel", is_hotspot=True, hotspot_reason="x"))
    school = node_of(PlaceFactory(kind=PlaceKind.SCHOOL, name="Hidden Academy"))
    online = node_of(PlaceFactory(kind=PlaceKind.ONLINE, name="Hidden chat"))
    crew = node_of(PeerGroupFactory(name="Quiet Crew"))
    LinkFactory(a=ChildFactory(first_name="Childname", is_restricted=True), b=park.place)
    for node in (park, hotel, school, online, crew):
        ContextReferral.objects.create(contact=ContactFactory(), node=node, added_by=user, added_at=IN)
    ContextReferral.objects.create(contact=ContactFactory(), node=park, added_by=user, added_at=BEFORE)  # before
    ContextReferral.objects.create(
        contact=ContactFactory(), node=hotel, added_by=user, added_at=IN, removed_at=IN, removed_reason="Wrong"
    )
    base = {"opened_by": user, "due_on": dt.date(2025, 7, 21)}
    ContextAssessment.objects.create(node=park, kind=ContextAssessmentKind.LOCATION, opened_at=IN, **base)
    ContextAssessment.objects.create(
        node=hotel,
        kind=ContextAssessmentKind.LOCATION,
        opened_at=BEFORE,
        status="complete",
        completed_at=IN,
        judgement=ContextJudgement.SIGNIFICANT,
        **base,
    )
    ContextAssessment.objects.create(
        node=crew,
        kind=ContextAssessmentKind.PEER_GROUP,
        opened_at=IN,
        status="complete",
        completed_at=IN,
        judgement=ContextJudgement.MODERATE,
        **base,
    )
    plan = {"opened_by": user, "intended_change": "Safer"}
    ContextPlan.objects.create(node=park, opened_at=IN, next_review_on=dt.date(2025, 9, 1), **plan)
    ContextPlan.objects.create(
        node=hotel, opened_at=BEFORE, status="closed", closed_at=IN, outcome=ContextPlanOutcome.HARM_REDUCED, **plan
    )
    ContextPlan.objects.create(
        node=crew, opened_at=IN, status="closed", closed_at=IN, outcome=ContextPlanOutcome.NO_CHANGE, **plan
    )


def c(count: int, percent: int) -> dict:
    return {"count": count, "percent": percent}


def test_counts_by_kind_and_outcome_in_the_period(contexts):
    report = annual_report(FY, with_baseline=False)["contexts"]
    assert report["referrals"] == 5  # not the one before the period, nor the one taken off the contact
    assert report["referrals_by_kind"] == {
        "place": c(2, 40),
        "school": c(1, 20),
        "online": c(1, 20),
        "peer_group": c(1, 20),
        "not_known": c(0, 0),
    }
    assert report["assessments"] == 2
    assert report["assessments_by_kind"]["location"] == c(1, 50)
    assert report["assessments_by_kind"]["peer_group"] == c(1, 50)
    assert report["assessments_completed"] == 2
    assert report["assessments_by_judgement"]["significant"] == c(1, 50)
    assert report["assessments_by_judgement"]["moderate"] == c(1, 50)
    assert report["plans"] == 2 and report["plans_closed"] == 2
    assert report["plans_by_outcome"]["harm_reduced"] == c(1, 50)
    assert report["plans_by_outcome"]["no_change"] == c(1, 50)
    for name in ("referrals_by_kind", "assessments_by_kind", "assessments_by_judgement", "plans_by_outcome"):
        total = {"referrals_by_kind": "referrals", "assessments_by_kind": "assessments"}.get(name)
        total = total or {"assessments_by_judgement": "assessments_completed"}.get(name, "plans_closed")
        assert sum(row["count"] for row in report[name].values()) == report[total]


def test_an_empty_period_counts_nothing():
    report = annual_report(Period(dt.date(2020, 4, 1), dt.date(2021, 3, 31)), with_baseline=False)["contexts"]
    assert report["referrals"] == report["assessments"] == report["plans"] == 0
    assert all(row == c(0, 0) for row in report["plans_by_outcome"].values())


def test_the_section_and_its_tables_label_every_row(contexts):
    report = annual_report(FY, with_baseline=False)
    section = next(s for s in presentation.sections(report) if s.key == "contexts")
    assert [f.label for f in section.figures][:1] == ["Contacts about a context"]
    kinds = next(b for b in section.breakdowns if b.key == "referrals_by_kind")
    assert kinds.denominator == 5 and kinds.total == 5
    _header, rows = presentation.table_rows(report)
    assert any(row[0] == section.label and row[2] == "A peer group" for row in rows)


@pytest.mark.parametrize("file_format", ["html", "json", "csv", "xlsx"])
def test_no_context_child_or_hotspot_is_named_in_any_file(file_format, contexts, personas, client_for):
    client = client_for(personas["group_manager"])
    query = {
        "file_format": file_format,
        "start_day": 1,
        "start_month": 4,
        "start_year": 2025,
        "end_day": 31,
        "end_month": 3,
        "end_year": 2026,
    }
    response = client.get(reverse("reporting:annual_report_download"), query)
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if file_format == "xlsx":
        import io
        import zipfile

        with zipfile.ZipFile(io.BytesIO(body)) as book:
            text = " ".join(book.read(name).decode("utf-8", "replace") for name in book.namelist())
    else:
        text = body.decode()
    assert "Contacts about a context" in text or "referrals" in text
    for name in NAMES:
        assert name.lower() not in text.lower()
    assert "hotspot" not in text.lower()
    if file_format == "json":
        assert json.loads(text)["contexts"]["referrals"] == 5


def test_the_report_page_shows_the_section(contexts, personas, client_for):
    client = client_for(personas["group_manager"])
    html = client.get(
        reverse("reporting:annual_report"),
        {"start_day": 1, "start_month": 4, "start_year": 2025, "end_day": 31, "end_month": 3, "end_year": 2026},
    ).content.decode()
    assert "Contexts: places, peer groups, schools and online spaces" in html
    for name in NAMES:
        assert name not in html

"""Every export is written to the access log with what it held: its kind, its period or filters, and
the numbers of the records and children in it (never their names); the auditor reads it on the Audit
page."""

import pytest
from django.urls import reverse

from contacts.models import MaceEntry
from core.choices import AccessAction
from core.models import AccessLog
from tests.test_permission_matrix import ANNUAL_QUERY

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(rich_world):
    return rich_world


def exports(since: int) -> list[AccessLog]:
    return list(AccessLog.objects.filter(pk__gt=since, action=AccessAction.EXPORT).order_by("pk"))


def last_id() -> int:
    return AccessLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_an_enquiry_export_logs_the_entries_it_held_and_a_partner_only_their_own(world, client_for):
    mace, child = world["mace"], world["child"]
    url = reverse("contacts:mace_export", args=[mace.pk])
    since = last_id()
    assert client_for(world.personas["screener"]).get(url).status_code == 200
    rows = exports(since)
    assert [row.object_id for row in rows] == [str(mace.pk), str(child.pk)]
    everything = sorted(MaceEntry.objects.filter(request=mace).values_list("pk", flat=True))
    assert len(everything) == 2
    for row in rows:
        assert row.contents["kind"] == "mace_entries_csv"
        assert row.contents["enquiry"] == mace.pk and row.contents["children"] == [child.pk]
        assert sorted(row.contents["entries"]) == everything
        assert row.contents["summary"] == f"CSV of enquiry {mace.pk} (child {child.pk}): 2 agency entries"
        assert child.first_name not in row.contents["summary"]

    since = last_id()
    police = world.personas["police"]
    response = client_for(police).get(url)
    own = list(MaceEntry.objects.filter(request=mace, agency=police.agency).values_list("pk", flat=True))
    assert len(own) == 1 and response.content.decode().count("\n") == 2  # the header and their entry
    assert {tuple(row.contents["entries"]) for row in exports(since)} == {tuple(own)}


def test_a_gp_letter_pdf_logs_the_letter_and_the_child(world, client_for):
    case, letter = world["case"], world["gp_letter"]
    since = last_id()
    response = client_for(world.personas["cate_worker"]).get(reverse("cate:gp_letter_pdf", args=[case.pk, letter.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    (row,) = exports(since)
    assert row.child_number == case.child_id
    assert row.contents == {
        "kind": "gp_letter_pdf",
        "summary": f"PDF of GP letter {letter.pk} on case {case.reference} (child {case.child_id})",
        "case": case.pk,
        "letter": letter.pk,
        "children": [case.child_id],
    }


def test_a_safety_plan_pdf_logs_the_plan_and_its_version(world, client_for):
    plan = world["safety_plan"]
    since = last_id()
    response = client_for(world.personas["cate_worker"]).get(reverse("riskpanel:safety_plan_pdf", args=[plan.pk]))
    assert response.status_code == 200
    (row,) = exports(since)
    assert row.object_id == str(plan.pk) and row.child_number == plan.case.child_id
    assert row.contents["kind"] == "safety_plan_pdf"
    assert row.contents["safety_plan"] == plan.pk and row.contents["version"] == plan.number
    assert row.contents["children"] == [plan.case.child_id]


def test_panel_minutes_pdf_logs_each_child_it_names(world, client_for):
    meeting = world["meeting"]
    items = [item for item in meeting.items.filter(withdrawn_at__isnull=True) if item.case_id]
    children = sorted({item.case.child_id for item in items})
    assert children
    since = last_id()
    response = client_for(world.personas["team_leader"]).get(reverse("riskpanel:minutes_pdf", args=[meeting.pk]))
    assert response.status_code == 200
    rows = exports(since)
    assert rows[0].object_id == str(meeting.pk)
    # The panel, and each item about a child: the child's list of who saw their records shows the export.
    assert sorted(row.child_number for row in rows[1:]) == sorted(item.case.child_id for item in items)
    for row in rows:
        assert row.contents["kind"] == "panel_minutes_pdf"
        assert row.contents["children"] == children
        assert sorted(row.contents["items"]) == sorted(
            meeting.items.filter(withdrawn_at__isnull=True).values_list("pk", flat=True)
        )


def test_an_annual_report_download_logs_its_period_and_format(world, client_for):
    since = last_id()
    url = reverse("reporting:annual_report_download") + ANNUAL_QUERY
    assert client_for(world.personas["group_manager"]).get(url).status_code == 200
    (row,) = exports(since)
    assert row.contents == {
        "kind": "annual_report",
        "summary": "Annual report 01/04/2023 to 31/03/2024 as CSV: counts only, no child named",
        "file_format": "csv",
        "period_start": "2023-04-01",
        "period_end": "2024-03-31",
        "children": [],
    }


def test_the_auditor_reads_what_an_export_held(world, client_for):
    mace = world["mace"]
    client_for(world.personas["screener"]).get(reverse("contacts:mace_export", args=[mace.pk]))
    html = client_for(world.personas["auditor"]).get(reverse("core:audit")).content.decode()
    assert f"CSV of enquiry {mace.pk} (child {world['child'].pk}): 2 agency entries" in html

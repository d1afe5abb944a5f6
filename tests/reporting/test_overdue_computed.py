"""Overdue items that no field stores come from the due-item providers (core.due): counted on the
dashboard, listed for the cases the user may see, and never counted twice with a stored kind."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core import audit, contract, due
from core.clock import DueState
from tests.factories import CaseFactory, grant_case_access

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit_provider():
    def visits(case_ids, *, now, settings):
        items = {}
        for case_id in case_ids:
            items[case_id] = [
                due.DueItem("visit", "Visit to the child", now - dt.timedelta(days=2), DueState.OVERDUE,
                            case_id=case_id),
                due.DueItem("visit", "Next visit", now + dt.timedelta(days=5), DueState.NOT_YET_DUE, case_id=case_id),
                # Stored elsewhere too: read from MissingEpisode.rhi_due_at, so not counted again here.
                due.DueItem("rhi", "Return home interview", now - dt.timedelta(days=1), DueState.OVERDUE,
                            case_id=case_id),
            ]  # fmt: skip
        return items

    with contract.override("case_due_providers", [visits]):
        yield


def test_computed_overdue_items_are_counted_and_listed(visit_provider, personas, client_for):
    mine = CaseFactory(child__first_name="Visiblechild")
    hidden = CaseFactory(child__first_name="Hiddenchild")
    hidden.child.is_restricted = True
    audit.save(hidden.child, actor=audit.system_user(), reason="Restricted", update_fields=["is_restricted"])
    CaseFactory(closed_at=timezone.now())  # closed: no due items asked for
    grant_case_access(mine, personas["cate_worker"])
    leader = client_for(personas["team_leader"])
    board = leader.get(reverse("reporting:index")).context["board"]
    counts = {row.code: (row.label, row.count) for row in board.overdue}
    assert counts["visit"] == ("Visits to the child", 2)
    assert counts["rhi"] == ("Return home interviews", 0)  # the stored kind only
    page = leader.get(reverse("reporting:item_list", args=["visit"]))
    assert page.status_code == 200 and page.context["page"].paginator.count == 1
    assert b"Visiblechild" in page.content and b"Hiddenchild" not in page.content
    assert b"Overdue: visits to the child" in page.content


def test_a_kind_no_provider_knows_is_not_found(visit_provider, personas, client_for):
    response = client_for(personas["team_leader"]).get(reverse("reporting:item_list", args=["unknown_kind"]))
    assert response.status_code == 404

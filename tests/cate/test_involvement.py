"""The front door shows a child's CATE cases; only those who may open a case get its link."""

import pytest

hooks = pytest.importorskip("contacts.hooks")

pytestmark = pytest.mark.django_db


def test_the_front_door_learns_of_cate_cases(case, personas):
    rows = hooks.involvements_for_children([case.child_id], user=personas["screener"])[case.child_id]
    mine = [row for row in rows if row.label == f"CATE case {case.reference}"]
    assert len(mine) == 1 and mine[0].is_open and mine[0].status == "Open" and mine[0].url == ""
    rows = hooks.involvements_for_children([case.child_id], user=personas["cate_worker"])[case.child_id]
    assert next(r for r in rows if r.label == f"CATE case {case.reference}").url == case.get_absolute_url()

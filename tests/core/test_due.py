from datetime import UTC, datetime, timedelta

from core import contract, due
from core.clock import DueState

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def test_providers_contribute_open_items_earliest_first():
    def visits(case_ids, *, now, settings):
        return {
            cid: [due.DueItem("visit", "Visit", now + timedelta(days=3), DueState.NOT_YET_DUE, case_id=cid)]
            for cid in case_ids
        }

    def interviews(case_ids, *, now, settings):
        return {
            1: [
                due.DueItem("rhi", "Return home interview", now + timedelta(hours=5), DueState.DUE_SOON, case_id=1),
                due.DueItem("rhi", "Done", now - timedelta(days=1), DueState.MET_ON_TIME, case_id=1),
            ]
        }

    with contract.override("case_due_providers", [visits, interviews]):
        items = due.due_items_for_cases([1, 2], now=NOW, settings=None)
        assert [i.kind for i in items[1]] == ["rhi", "visit"]
        assert [i.kind for i in items[2]] == ["visit"]
        assert due.due_items_for_cases([], now=NOW, settings=None) == {}

"""Every figure of the caseload dashboard and its lists reconciled with a direct count (issue 16, point 7).

The records are made through the services over seven months, the clock frozen at each change, so the
history is what the system would have written. The direct counts read that history another way than the
dashboard does: the case as simple-history kept it at each moment (its last history row by then) rather than the
allocation and closure records, and plain Python over every row rather than filtered aggregates.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone

from cate import services as cate_services
from cate.choices import LIVE_CASE_STATUSES, AssessmentOutcome, OpenTo
from cate.models import Case
from contacts import services as contact_services
from contacts.choices import ContactStatus
from contacts.models import Contact
from core import clock
from core.roles import Role
from core.timescales import REGISTRY
from reporting import figures
from reporting.overdue import twelve_months_from
from tests.factories import ContactFactory, approve_closure, open_case, propose_closure

pytestmark = pytest.mark.django_db


def freeze(monkeypatch, moment):
    monkeypatch.setattr(timezone, "now", lambda: moment)


THIS_MONTH = timezone.localdate().replace(day=1)  # read before any test freezes the clock


def months_ago(n: int, day: int = 10, hour: int = 11) -> dt.datetime:
    """A London time on a day of the month `n` months before this one."""
    first = clock.add_months_to_date(THIS_MONTH, -n)
    return clock.at_local(first.replace(day=day), dt.time(hour))


def in_post(user, day: dt.date) -> bool:
    return (user.active_from is None or user.active_from <= day) and (user.active_to is None or user.active_to >= day)


def direct(moment: dt.datetime, day: dt.date, staff: dict) -> dict:
    """What a person counting by hand finds at `moment`: the cases as they were then."""
    latest = {}  # each case as its last history row before `moment` left it (history ids break ties)
    for row in Case.history.filter(history_date__lte=moment).order_by("history_date", "history_id"):
        latest[row.id] = row
    cases = [c for c in latest.values() if c.status in LIVE_CASE_STATUSES and c.history_type != "-"]
    held = [c for c in cases if c.allocated_worker_id and in_post(staff[c.allocated_worker_id], day)]
    per_worker = Counter(c.allocated_worker_id for c in held)
    return {
        "open": len(cases),
        "held": len(held),
        "holders": len(per_worker),
        "average": figures.ratio_1dp(len(held), len(per_worker)),
        "per_worker": {staff[pk].pk: n for pk, n in per_worker.items()},
        "not_in_post": sum(1 for c in cases if c.allocated_worker_id) - len(held),
        "awaiting": sum(1 for c in cases if not c.allocated_worker_id and c.open_to != OpenTo.STATUTORY),
        "statutory": sum(1 for c in cases if not c.allocated_worker_id and c.open_to == OpenTo.STATUTORY),
        "risk": Counter(c.current_risk_level for c in cases),
    }


@pytest.fixture
def history(monkeypatch, personas, make_user):
    """Seven months of casework: openings, allocations, a reallocation, a closure and a reopening, a
    worker who leaves still holding a case, a case open to statutory safeguarding only, and a
    restricted child's case."""
    leader, manager = personas["team_leader"], personas["group_manager"]
    one = make_user(Role.CATE_WORKER, first_name="Workerone")
    two = make_user(Role.CATE_WORKER, first_name="Workertwo")
    three = make_user(Role.CATE_WORKER, first_name="Workerthree")
    leaving_day = clock.local_date(months_ago(3, day=20))
    leaver = make_user(Role.CATE_WORKER, first_name="Workerleaving", active_to=leaving_day)
    make_user(Role.CATE_WORKER, first_name="Workeridle")

    def at(moment):
        freeze(monkeypatch, moment)

    def allocate(case, worker):
        case.refresh_from_db()
        cate_services.case_allocate(case=case, worker=worker, actor=leader, reason="Allocated", over_limit_reason="x")

    at(months_ago(6))
    c1, c2, c3, c4 = (open_case(leader, first_name=f"Historychild{n}") for n in range(1, 5))
    at(months_ago(6, hour=14))
    allocate(c1, one)
    allocate(c2, one)
    allocate(c3, two)  # c4 waits for allocation
    at(months_ago(5))
    allocate(c2, two)
    c5 = open_case(leader, first_name="Historychild5")
    allocate(c5, leaver)
    at(months_ago(4))
    c1.refresh_from_db()
    propose_closure(c1, one)
    c1.refresh_from_db()
    approve_closure(c1, leader)
    open_case(leader, first_name="Historychild6", outcome=AssessmentOutcome.OPENED_STATUTORY)
    at(months_ago(3))
    allocate(c4, three)
    at(months_ago(2))
    c1.refresh_from_db()
    cate_services.case_reopen(case=c1, reason="New concerns", actor=leader)
    at(months_ago(2, day=15))
    allocate(c1, one)
    at(months_ago(1))
    c3.refresh_from_db()
    propose_closure(c3, two)
    c3.refresh_from_db()
    approve_closure(c3, leader)
    c7 = open_case(leader, first_name="Restrictedchild")
    allocate(c7, one)
    contact_services.child_restrict(
        child=c7.child, actor=manager, is_restricted=True, staff=[one], reason="Related to a member of staff"
    )
    # Contacts: one waiting, one in screening overdue, decisions in time and out of time this year.
    monkeypatch.undo()
    now = timezone.now()
    ContactFactory(received_at=now - dt.timedelta(hours=2), decision_due_at=now + dt.timedelta(hours=20))
    ContactFactory(
        received_at=now - dt.timedelta(days=3),
        decision_due_at=now - dt.timedelta(days=2),
        status=ContactStatus.IN_SCREENING,
    )
    for months, late in ((1, True), (1, False), (3, True), (14, True)):
        received = months_ago(months, day=5)
        ContactFactory(
            received_at=received,
            decision_due_at=received + dt.timedelta(days=1),
            decided_at=received + dt.timedelta(days=3 if late else 0, hours=2),
            status=ContactStatus.DECIDED,
            outcome="early_help",
        )
    staff = {u.pk: u for u in (one, two, three, leaver, leader, manager)}
    return {"staff": staff, "one": one, "two": two, "three": three, "leaver": leaver, "leader": leader}


def test_the_history_is_what_the_counts_expect(history):
    """The set-up did what the other tests rely on: months that differ from one another."""
    staff = history["staff"]
    averages = {
        direct(clock.end_of_local_day(day), day, staff)["average"]
        for day in figures.month_ends(timezone.localdate(), 7)
    }
    assert len(averages) >= 3


def test_every_month_of_the_average_caseload_is_its_own_direct_count(history, personas, client_for):
    board = client_for(personas["group_manager"]).get(reverse("reporting:index")).context["board"]
    staff = history["staff"]
    assert len({load.average for load in board.caseload_months[-7:]}) >= 3  # not the same every month
    for load in board.caseload_months:
        count = direct(clock.start_of_local_day(load.as_at + dt.timedelta(days=1)) - dt.timedelta(microseconds=1),
                       load.as_at, staff)  # fmt: skip
        assert (load.all_open, load.open_cases, load.case_holders, load.average) == (
            count["open"],
            count["held"],
            count["holders"],
            count["average"],
        ), load.as_at
    now = direct(timezone.now(), timezone.localdate(), staff)
    today = board.caseload_now
    assert (today.all_open, today.open_cases, today.case_holders, today.average) == (
        now["open"],
        now["held"],
        now["holders"],
        now["average"],
    )


def test_the_open_cases_add_up_and_the_bars_are_the_case_holders(history, personas, client_for):
    response = client_for(personas["group_manager"]).get(reverse("reporting:index"))
    board, html = response.context["board"], response.content.decode()
    now = direct(timezone.now(), timezone.localdate(), history["staff"])
    parts = board.open_now
    assert (parts.total, parts.held, parts.held_by_staff_not_in_post, parts.awaiting_allocation) == (
        now["open"],
        now["held"],
        now["not_in_post"],
        now["awaiting"],
    )
    assert parts.statutory_only == now["statutory"] == 1 and parts.held_by_staff_not_in_post == 1
    assert parts.held + parts.held_by_staff_not_in_post + parts.awaiting_allocation + parts.statutory_only == (
        parts.total
    )
    # The bars: one per member of staff holding cases, the same people and numbers the average uses.
    assert {load.worker.pk: load.open_cases for load in board.workers} == now["per_worker"]
    assert len(board.workers) == board.caseload_now.case_holders == now["holders"]
    assert sum(load.open_cases for load in board.workers) == board.caseload_now.open_cases == parts.held
    assert len(response.context["worker_chart"].bars) == len(board.workers)
    assert [load.worker for load in board.not_in_post] == [history["leaver"]]
    assert "Workeridle" in str(board.idle) and all(p.pk not in now["per_worker"] for p in board.idle)
    # The risk mix is of the same open cases.
    assert sum(row.count for row in board.risk_mix) == board.open_cases == parts.total
    assert {row.code: row.count for row in board.risk_mix if row.count} == {k: n for k, n in now["risk"].items() if n}
    # What the page says.
    assert f'Open cases</dt><dd class="govuk-summary-list__value">{parts.total} ' in html
    assert f"held by {now['holders']} members of staff in post" in html
    worker_rows = re.findall(r'<th scope="row" class="govuk-table__header">([^<]+)</th>\s*<td class="govuk-table'
                             r'__cell govuk-table__cell--numeric">(\d+)</td>\s*<td class="govuk-table__cell"><strong',
                             html)  # fmt: skip
    assert len(worker_rows) == len(board.workers)
    assert "Workerleaving" in html[html.index('id="not-in-post"') :][:400]
    assert "Restrictedchild" not in html


def test_each_count_is_its_list_plus_the_restricted_records_not_listed(history, personas, client_for):
    client = client_for(personas["team_leader"])  # not named on the restricted child
    board = client.get(reverse("reporting:index")).context["board"]
    figures_by_list = {row.code: row.count for row in board.overdue} | {
        "front_door_queue": board.queue.waiting + board.queue.in_screening,
        "late_decisions": sum(month.late for month in board.decisions),
        "awaiting_allocation": board.open_now.awaiting_allocation,
        "held_by_staff_not_in_post": board.open_now.held_by_staff_not_in_post,
        "statutory_only": board.open_now.statutory_only,
    }
    hidden_somewhere = 0
    for code, count in figures_by_list.items():
        page = client.get(reverse("reporting:item_list", args=[code]))
        assert page.status_code == 200, code
        listed, hidden = page.context["page"].paginator.count, page.context["hidden"]
        assert listed + hidden == count, code
        assert b"Restrictedchild" not in page.content, code
        if hidden:
            hidden_somewhere += 1
            said = f"and {hidden} you may not open (of restricted children you are not named on"
            assert said in page.content.decode()
    assert hidden_somewhere  # the restricted child's case counted somewhere, listed nowhere


def test_the_front_door_and_decision_figures_are_direct_counts(history, personas, client_for):
    response = client_for(personas["group_manager"]).get(reverse("reporting:index"))
    board, context = response.context["board"], response.context
    now = timezone.now()
    contacts = list(Contact.objects.all())
    waiting = [c for c in contacts if c.status in (ContactStatus.AWAITING_SCREENING, ContactStatus.IN_SCREENING)]
    assert board.queue.waiting + board.queue.in_screening == len(waiting) == 2
    assert board.queue.overdue == sum(1 for c in waiting if c.decision_due_at < now) == 1
    assert {row.code: row.count for row in board.overdue}["contact_decision"] == board.queue.overdue
    soon = now + REGISTRY["contact_decision"].soon
    assert board.queue.due_soon == sum(1 for c in waiting if now <= c.decision_due_at <= soon)
    assert board.queue.oldest_received_at == min(c.received_at for c in waiting)
    first = twelve_months_from(timezone.localdate())
    decided = [c for c in contacts if c.status == ContactStatus.DECIDED and clock.local_date(c.decided_at) >= first]
    by_month = Counter(clock.local_date(c.decided_at).replace(day=1) for c in decided)
    late_by_month = Counter(
        clock.local_date(c.decided_at).replace(day=1) for c in decided if c.decided_at > c.decision_due_at
    )
    assert {m.month: m.decided for m in board.decisions if m.decided} == dict(by_month)
    assert {m.month: m.late for m in board.decisions if m.late} == dict(late_by_month)
    total = context["decisions_total"]
    assert (total.decided, total.late) == (len(decided), sum(late_by_month.values())) == (3, 2)
    assert context["overdue_total"] == sum(row.count for row in board.overdue)

"""Issue 24's oversight: supervision of CATE workers (Rec 33), the Independent Reviewing Officer's CSE
risk review of a child in care (Rec 6), the monthly audit sample of closed work (Rec 23) and the GP
letter to a child's new practice. Services, jobs run twice (exactly once), bad input, restricted
children, and the dashboard."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cate import oversight_selectors, rules, services
from cate.choices import AuditJudgement, AuditKind, GpLetterTrigger, RiskLevel, StatutoryKind
from cate.models import AuditItem, AuditSample, GpLetter
from cate.services import oversight
from contacts.choices import ContactStatus, Outcome
from core import alerts, audit, clock
from core.models import Notification
from core.selectors import service_settings
from tests.factories import (
    ChildFactory,
    ContactFactory,
    StatutoryEpisodeFactory,
    allocated_case,
    approve_closure,
    propose_closure,
)

from .helpers import assert_history

pytestmark = pytest.mark.django_db

# --- Supervision -----------------------------------------------------------------------------


def test_supervision_is_recorded_with_history_and_moves_the_next_due_date(personas):
    leader, worker = personas["team_leader"], personas["cate_worker"]
    case = allocated_case(leader, worker)
    held = timezone.localdate() - dt.timedelta(days=3)
    record = oversight.supervision_record(
        worker=worker, held_on=held, cases=[case], actions_agreed="Book the strategy meeting", actor=leader
    )
    assert_history(record, leader, "Supervision recorded")
    assert list(record.cases.all()) == [case] and record.supervisor == leader
    row = oversight_selectors.supervision_rows(now=timezone.now(), settings=service_settings(), worker_ids=[worker.pk])
    assert row[0].last_on == held
    assert clock.local_date(row[0].due_at) == clock.add_months_to_date(held, 1)


def test_supervision_refuses_bad_input_and_anyone_but_a_team_leader(personas):
    leader, worker = personas["team_leader"], personas["cate_worker"]
    other_case = allocated_case(leader, personas["other_worker"])
    with pytest.raises(ValidationError) as exc:
        oversight.supervision_record(
            worker=worker,
            held_on=timezone.localdate() + dt.timedelta(days=2),
            cases=[other_case],
            actions_agreed=" ",
            actor=leader,
        )
    assert set(exc.value.message_dict) == {"held_on", "actions_agreed", "cases"}
    with pytest.raises(PermissionDenied):
        oversight.supervision_record(
            worker=worker, held_on=timezone.localdate(), cases=[], actions_agreed="x", actor=worker
        )


def test_supervision_overdue_tells_the_workers_team_leaders_once(personas, client_for):
    leader, worker = personas["team_leader"], personas["cate_worker"]
    long_ago = timezone.localdate() - dt.timedelta(days=70)
    oversight.supervision_record(worker=worker, held_on=long_ago, cases=[], actions_agreed="x", actor=leader)
    oversight.supervision_record(
        worker=personas["other_worker"], held_on=timezone.localdate(), cases=[], actions_agreed="x", actor=leader
    )
    for _ in range(2):
        alerts.run_rule("supervision")
    told = Notification.objects.filter(key__startswith="supervision:")
    assert list(told.values_list("recipient", flat=True)) == [leader.pk]
    assert told.get().title == f"Supervision of {worker} overdue"
    page = client_for(leader).get(reverse("cate:supervision_list") + "?state=overdue").content.decode()
    assert str(worker) in page and str(personas["other_worker"]) not in page
    home = client_for(leader).get(reverse("core:home")).content.decode()
    assert "Supervision overdue" in home


def test_the_supervision_form_keeps_what_was_typed(personas, client_for):
    leader, worker = personas["team_leader"], personas["cate_worker"]
    client = client_for(leader)
    url = reverse("cate:supervision_add", args=[worker.pk])
    html = client.post(url, {"actions_agreed": "Keep this", "held_on_day": "40"}).content.decode()
    assert "Keep this" in html and "govuk-error-summary" in html
    today = timezone.localdate()
    data = {"actions_agreed": "Keep this", "held_on_day": today.day, "held_on_month": today.month}
    response = client.post(url, {**data, "held_on_year": today.year})
    assert response.status_code == 302
    assert client_for(worker).get(reverse("cate:supervision_worker", args=[worker.pk])).status_code == 200
    assert (
        client_for(personas["other_worker"]).get(reverse("cate:supervision_worker", args=[worker.pk])).status_code
        == 404
    )


# --- Children in care --------------------------------------------------------------------------


@pytest.fixture
def iro(personas):
    return personas["iro"]


def test_the_iro_records_the_review_due_six_months_from_the_start(personas, iro, client_for):
    leader, worker = personas["team_leader"], personas["cate_worker"]
    case = allocated_case(leader, worker)
    start = timezone.localdate() - dt.timedelta(days=200)
    episode = StatutoryEpisodeFactory(child=case.child, kind=StatutoryKind.CIC, start=start)
    settings = service_settings()
    rows = list(oversight_selectors.cic_rows_for_user(iro, now=timezone.now(), settings=settings))
    rows = [r for r in rows if r.episode == episode]
    assert len(rows) == 1
    assert clock.local_date(rows[0].due_at) == clock.add_months_to_date(start, 6)
    assert rows[0].state.value == "overdue"
    due = client_for(worker).get(case.get_absolute_url()).content.decode()
    assert "CSE risk review (child in care)" in due
    for _ in range(2):
        alerts.run_rule("cic_review")
    told = Notification.objects.filter(key__startswith=f"cic_review:cate.statutoryepisode:{episode.pk}:")
    assert list(told.values_list("recipient", flat=True)) == [iro.pk]
    assert case.child.first_name not in told.get().title
    review = oversight.cic_review_record(
        episode=episode, reviewed_on=timezone.localdate(), risk_level=RiskLevel.MEDIUM, notes="Settled", actor=iro
    )
    assert_history(review, iro, "CSE risk review of a child in care recorded")
    rows = oversight_selectors.cic_rows_for_user(iro, now=timezone.now(), settings=settings)
    rows = [r for r in rows if r.episode == episode]
    assert clock.local_date(rows[0].due_at) == clock.add_months_to_date(timezone.localdate(), 6)
    assert rows[0].state.value == "not_yet_due"
    assert "Settled" in client_for(worker).get(case.get_absolute_url()).content.decode()


def test_the_review_refuses_bad_input_others_and_hides_restricted_children(personas, iro):
    episode = StatutoryEpisodeFactory(kind=StatutoryKind.CIC, start=timezone.localdate() - dt.timedelta(days=10))
    with pytest.raises(ValidationError) as exc:
        oversight.cic_review_record(
            episode=episode,
            reviewed_on=timezone.localdate() - dt.timedelta(days=30),
            risk_level="very",
            notes="",
            actor=iro,
        )
    assert set(exc.value.message_dict) == {"reviewed_on", "risk_level", "notes"}
    with pytest.raises(PermissionDenied):
        oversight.cic_review_record(
            episode=episode,
            reviewed_on=timezone.localdate(),
            risk_level="low",
            notes="x",
            actor=personas["cate_worker"],
        )
    hidden = StatutoryEpisodeFactory(
        child=ChildFactory(is_restricted=True),
        kind=StatutoryKind.CIC,
        start=timezone.localdate() - dt.timedelta(days=300),
    )
    rows = oversight_selectors.cic_rows_for_user(iro, now=timezone.now(), settings=service_settings())
    assert hidden not in [r.episode for r in rows]
    alerts.run_rule("cic_review")
    assert not Notification.objects.filter(key__contains=f"statutoryepisode:{hidden.pk}:").exists()
    with pytest.raises(PermissionDenied):
        oversight.cic_review_record(
            episode=hidden, reviewed_on=timezone.localdate(), risk_level="low", notes="x", actor=iro
        )


# --- The monthly audit sample ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("population", "percent", "size"),
    [
        (0, 10, 0),
        (1, 10, 1),
        (9, 10, 1),
        (10, 10, 1),
        (11, 10, 2),
        (20, 10, 2),
        (21, 10, 3),
        (100, 10, 10),
        (7, 100, 7),
    ],
)
def test_the_sample_is_ten_per_cent_rounded_up_at_least_one(population, percent, size):
    assert rules.audit_sample_size(population, percent) == size


def test_the_draw_is_reproducible_from_its_seed_over_many_months():
    for month in range(120):
        population = list(range(1000 + month, 1000 + month * 3 + 1))
        seed = 7919 * month + 13
        first = rules.audit_draw(population, seed=seed, percent=10)
        assert first == rules.audit_draw(population, seed=seed, percent=10)
        assert len(first) == rules.audit_sample_size(len(population), 10) and set(first) <= set(population)


def _decided(outcome, when):
    referred = {"refer_to_cate": True} if outcome == Outcome.CATE_OR_STATUTORY else {}
    return ContactFactory(
        status=ContactStatus.DECIDED, outcome=outcome, decided_at=when, outcome_detail="Advice given", **referred
    )


def test_the_monthly_draw_samples_closed_contacts_and_cases_once_and_tells_the_team_leaders(personas):
    leader, worker = personas["team_leader"], personas["cate_worker"]
    now = timezone.now()
    month = oversight.previous_month(now)
    inside = clock.start_of_local_day(month) + dt.timedelta(days=3)
    contacts = [_decided(Outcome.INFORMATION_ADVICE, inside) for _ in range(11)] + [
        _decided(Outcome.EARLY_HELP, inside) for _ in range(3)
    ]
    _decided(Outcome.CATE_OR_STATUTORY, inside)  # referred on: not closed at the front door
    _decided(Outcome.INFORMATION_ADVICE, now)  # this month: next month's sample
    case = allocated_case(leader, worker)
    propose_closure(case, worker)
    approve_closure(case, leader)
    for _ in range(2):
        oversight.audit_samples_draw(now=now)
    samples = {s.kind: s for s in AuditSample.objects.all()}
    front = samples[AuditKind.FRONT_DOOR]
    assert front.population == sorted(c.pk for c in contacts) and front.percent == 10
    chosen = sorted(AuditItem.objects.filter(sample=front).values_list("contact_id", flat=True))
    assert len(chosen) == 2  # 14 contacts: 10% rounded up
    assert chosen == rules.audit_draw(front.population, seed=front.seed, percent=front.percent)  # reproducible
    assert_history(front, audit.system_user())
    closed = samples[AuditKind.CLOSED_CASES]
    closed_this_month = month == clock.local_date(now).replace(day=1)
    assert closed.population == ([] if not closed_this_month else [case.pk])
    told = Notification.objects.filter(key=f"audit_sample:{month:%Y-%m}")
    assert list(told.values_list("recipient", flat=True)) == [leader.pk]


def test_the_team_leader_judges_an_item_and_the_dashboard_shows_the_results(personas, client_for):
    leader = personas["team_leader"]
    now = timezone.now()
    month = oversight.previous_month(now)
    _decided(Outcome.INFORMATION_ADVICE, clock.start_of_local_day(month) + dt.timedelta(days=2))
    oversight.audit_samples_draw(now=now)
    item = AuditItem.objects.get()
    with pytest.raises(ValidationError) as exc:
        oversight.audit_item_judge(item=item, judgement=AuditJudgement.DISAGREE, actor=leader)
    assert "reason" in exc.value.message_dict
    with pytest.raises(ValidationError):
        oversight.audit_item_judge(item=item, judgement=AuditJudgement.ACTION_NEEDED, actor=leader)
    with pytest.raises(PermissionDenied):
        oversight.audit_item_judge(item=item, judgement=AuditJudgement.AGREE, actor=personas["cate_worker"])
    client = client_for(leader)
    url = reverse("cate:audit_item", args=[item.pk])
    html = client.post(url, {"judgement": "disagree", "reason": "", "version": item.version}).content.decode()
    assert "Enter why you disagree" in html
    response = client.post(
        url, {"judgement": "disagree", "reason": "Should have gone to CATE", "version": item.version}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.judgement, item.reason, item.judged_by) == ("disagree", "Should have gone to CATE", leader)
    stale = client.post(url, {"judgement": "agree", "version": item.version - 1}).content.decode()
    assert "govuk-error-summary" in stale  # a lost update is refused
    board = client_for(personas["group_manager"]).get(reverse("reporting:index")).content.decode()
    assert 'id="audit-results"' in board and "Contacts closed at the front door" in board


# --- The GP letter to a new practice ------------------------------------------------------------


def test_a_change_of_gp_practice_while_the_case_is_open_prompts_the_letter_once(personas):
    leader, worker = personas["team_leader"], personas["cate_worker"]
    case = allocated_case(leader, worker, gp_practice="Riverside Medical Practice")
    assert services.gp_letters_for_changed_practices() == []  # unchanged: nothing to write
    child = case.child
    child.gp_practice = "Hilltop Surgery"
    child.save(update_fields=["gp_practice"])  # test set-up: the front door's edit
    made = services.gp_letters_for_changed_practices()
    assert services.gp_letters_for_changed_practices() == []  # run twice: one letter
    assert len(made) == 1
    letter = GpLetter.objects.get(case=case, trigger=GpLetterTrigger.PRACTICE_CHANGE)
    assert letter.practice == "Hilltop Surgery" and letter.due_at is not None and letter.sent_on is None
    assert_history(letter, audit.system_user())


def test_visit_hours_per_worker_per_week_show_on_the_dashboard(personas, client_for):
    leader, worker = personas["team_leader"], personas["cate_worker"]
    case = allocated_case(leader, worker)
    for minutes in (90, 60):
        services.visit_record(
            case=case,
            visited_at=timezone.now() - dt.timedelta(minutes=5),
            kind="face_to_face",
            location="",
            seen_alone=None,
            notes="",
            duration_minutes=minutes,
            actor=worker,
        )
    from reporting import oversight as reporting_oversight

    mondays, rows = reporting_oversight.visit_hours_by_week(today=timezone.localdate())
    assert len(mondays) == 4 and rows[0].worker == worker and rows[0].hours[-1] == "2.5"
    board = client_for(leader).get(reverse("reporting:index")).content.decode()
    assert 'id="visit-hours-table"' in board and "2.5" in board

"""Query-count guards: list and case pages make the same number of queries for 1 row and for 50."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cate import services
from cate.choices import ChronologyKind, NoteKind, NoteStatus, RhiStatus, VisitKind
from cate.models import (
    CaseNote,
    CaseNoteAddendum,
    ChronologyEvent,
    GpLetter,
    MissingEpisode,
    NrmReferral,
    ReturnHomeInterview,
    Visit,
)
from core.due import due_items_for_cases
from core.selectors import service_settings
from tests.factories import AllocationFactory, CaseFactory, ReferralFactory, grant_case_access

pytestmark = pytest.mark.django_db


def make_cases(n, worker, leader):
    """`n` live cases allocated to `worker`, each with something due of every kind."""
    now = timezone.now()
    cases = []
    for i in range(n):
        case = CaseFactory(
            allocated_worker=worker,
            allocation_due_at=now,
            next_visit_due_at=now + dt.timedelta(days=i % 7),
            transition_due_on=timezone.localdate() + dt.timedelta(days=400),
        )
        AllocationFactory(case=case, worker=worker, allocated_by=leader)
        grant_case_access(case, worker)
        NrmReferral.objects.create(case=case, due_at=now + dt.timedelta(days=2))
        GpLetter.objects.create(
            case=case, trigger="allocation", body="x", generated_at=now, generated_by=leader, due_at=now
        )
        MissingEpisode.objects.create(
            child=case.child,
            case=case,
            missing_from=now - dt.timedelta(days=2),
            returned_at=now - dt.timedelta(days=1),
            rhi_due_at=now + dt.timedelta(days=2),
            recorded_by=worker,
        )
        cases.append(case)
    return cases


def fill_case(case, n, worker):
    now = timezone.now()
    for i in range(n):
        Visit.objects.create(
            case=case, visited_at=now - dt.timedelta(hours=i), kind=VisitKind.FACE_TO_FACE, recorded_by=worker
        )
        ChronologyEvent.objects.create(
            case=case, occurred_at=now, kind=ChronologyKind.OTHER, summary=f"Event {i}", recorded_by=worker
        )
        note = CaseNote.objects.create(
            case=case,
            occurred_at=now - dt.timedelta(hours=i),
            kind=NoteKind.OVERSIGHT if i % 5 == 0 else NoteKind.PHONE_CALL,
            involved="Mother",
            text=f"Note {i}",
            status=NoteStatus.FINAL,
            finalised_at=now,
            author=worker,
        )
        CaseNoteAddendum.objects.create(note=note, text="Addendum", written_by=worker, written_at=now)
        ChronologyEvent.objects.create(
            case=case, occurred_at=now, kind=ChronologyKind.CASE_NOTE, summary="Phone call", recorded_by=worker,
            note=note,
        )  # fmt: skip
        episode = MissingEpisode.objects.create(
            child=case.child,
            case=case,
            missing_from=now - dt.timedelta(days=400 - 3 * i),
            returned_at=now - dt.timedelta(days=399 - 3 * i),
            rhi_due_at=now - dt.timedelta(days=396 - 3 * i),
            recorded_by=worker,
        )
        ReturnHomeInterview.objects.create(
            episode=episode, status=RhiStatus.COMPLETED, completed_at=now, conducted_by=worker, child_said="x"
        )
        services.support_referral_create(
            case=case,
            service="camhs",
            service_other="",
            referred_on=timezone.localdate(),
            status="referred",
            first_appointment_on=None,
            outcome="",
            follow_up_on=timezone.localdate(),
            actor=worker,
        )


def provider_queries(case_ids) -> int:
    """What the registered due-item providers (CATE's and other apps') cost: fixed, whatever the rows."""
    settings = service_settings()
    with CaptureQueriesContext(connection) as ctx:
        due_items_for_cases(case_ids, now=timezone.now(), settings=settings)
    return len(ctx.captured_queries)


# Queries of each page besides the due-item providers.
CASELOAD_BASE = 14
# With the sections other apps add through the contract (the network: 5), the case notes and management
# oversight (3) and the child's family (1 when none is recorded; 3 with one, tests/contacts/test_family.py).
CASE_PAGE_BASE = 41


@pytest.mark.parametrize("rows", [1, 50])
def test_my_caseload(personas, client_for, django_assert_max_num_queries, rows):
    worker = personas["cate_worker"]
    cases = make_cases(rows, worker, personas["team_leader"])
    client = client_for(worker)
    with django_assert_max_num_queries(CASELOAD_BASE + provider_queries([c.pk for c in cases])):
        response = client.get(reverse("cate:my_caseload"))
    assert response.status_code == 200
    assert response.content.count(b'class="govuk-table__row"') == min(rows, 25) + 1


@pytest.mark.parametrize("rows", [1, 50])
def test_a_workers_caseload_for_the_team_leader(personas, client_for, django_assert_max_num_queries, rows):
    worker = personas["cate_worker"]
    cases = make_cases(rows, worker, personas["team_leader"])
    client = client_for(personas["team_leader"])
    with django_assert_max_num_queries(CASELOAD_BASE + provider_queries([c.pk for c in cases])):
        response = client.get(reverse("cate:caseload_detail", args=[worker.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [1, 50])
def test_case_page(personas, client_for, django_assert_max_num_queries, rows):
    worker = personas["cate_worker"]
    case = make_cases(1, worker, personas["team_leader"])[0]
    fill_case(case, rows, worker)
    client = client_for(worker)
    with django_assert_max_num_queries(CASE_PAGE_BASE + provider_queries([case.pk])):
        response = client.get(reverse("cate:case_detail", args=[case.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.parametrize("page", ["cate:chronology", "cate:visit_list", "cate:missing_episode_list", "cate:note_list"])
def test_case_lists(personas, client_for, django_assert_max_num_queries, rows, page):
    worker = personas["cate_worker"]
    case = make_cases(1, worker, personas["team_leader"])[0]
    fill_case(case, rows, worker)
    client = client_for(worker)
    with django_assert_max_num_queries(18):
        response = client.get(reverse(page, args=[case.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.parametrize("query", ["?print=1", "?print=1&kind=note:phone_call", "?kind=oversight"])
def test_the_chronology_filtered_and_printed(personas, client_for, django_assert_max_num_queries, rows, query):
    worker = personas["cate_worker"]
    case = make_cases(1, worker, personas["team_leader"])[0]
    fill_case(case, rows, worker)
    client = client_for(worker)
    with django_assert_max_num_queries(18):
        response = client.get(reverse("cate:chronology", args=[case.pk]) + query)
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.parametrize("view", ["open", "unallocated", "all"])
def test_case_list(personas, client_for, django_assert_max_num_queries, rows, view):
    leader = personas["team_leader"]
    make_cases(rows, personas["cate_worker"], leader)
    for _ in range(rows):
        CaseFactory(allocation_due_at=timezone.now())
    client = client_for(leader)
    with django_assert_max_num_queries(16):  # with the filter form's lists of workers and of teams
        response = client.get(reverse("cate:case_list"), {"view": view})
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [1, 50])
def test_referral_queue(personas, client_for, django_assert_max_num_queries, rows):
    leader = personas["team_leader"]
    for _ in range(rows):
        ReferralFactory()
    client = client_for(leader)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("cate:referral_list"))
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [1, 50])
def test_index_and_team_caseloads(personas, client_for, django_assert_max_num_queries, rows, make_user):
    from core.roles import Role

    leader = personas["team_leader"]
    for _ in range(rows):
        make_user(Role.CATE_WORKER)
    make_cases(rows, personas["cate_worker"], leader)
    client = client_for(leader)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("cate:caseload_list")).status_code == 200
    with django_assert_max_num_queries(13):  # with the count of NRM referrals awaiting a decision
        assert client.get(reverse("cate:index")).status_code == 200


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.parametrize("persona", ["team_leader", "cate_worker"])
def test_nrm_referrals_awaiting_a_decision(personas, client_for, django_assert_max_num_queries, rows, persona):
    leader, worker = personas["team_leader"], personas["cate_worker"]
    for case in make_cases(rows, worker, leader):
        NrmReferral.objects.filter(case=case).update(referred_on=timezone.localdate())
    client = client_for(personas[persona])
    with django_assert_max_num_queries(14):
        response = client.get(reverse("cate:nrm_awaiting"))
    assert response.status_code == 200
    assert f"{rows} referral{'s' if rows > 1 else ''} awaiting a decision" in response.content.decode()


def referred_with_answers(n, *, screener, leader, author):
    """A referral from a contact with all ten factors recorded, `n` enquiries each answered by a
    new agency (so `n` agencies, authors and answers), and its detailed assessment started."""
    from contacts.choices import FactorLevel, Outcome
    from contacts.services import contact_decide
    from tests.factories import (
        ChildFactory,
        ContactFactory,
        MaceEntryFactory,
        MaceRequestFactory,
        ThresholdAssessmentFactory,
        factor_levels,
    )

    contact = ContactFactory(child=ChildFactory())
    ThresholdAssessmentFactory(contact=contact, factors=factor_levels(FactorLevel.COMPLEX))
    for i in range(n):
        MaceEntryFactory(request=MaceRequestFactory(contact=contact), information=f"Answer {i}")
    contact = contact_decide(contact=contact, actor=screener, outcome=Outcome.CATE_OR_STATUTORY, refer_to_cate=True)
    referral = contact.cate_referrals.get()
    services.assessment_start(referral=referral, assessment_type="cate", author=author, actor=leader)
    return referral


REFERRAL_PAGE = 20


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.parametrize("persona", ["cate_worker", "team_leader"])
@pytest.mark.parametrize("page", ["cate:referral_detail", "cate:assessment_edit"])
def test_referral_pages_with_what_the_front_door_knew(
    personas, client_for, django_assert_max_num_queries, rows, persona, page
):
    referral = referred_with_answers(
        rows, screener=personas["screener"], leader=personas["team_leader"], author=personas["cate_worker"]
    )
    client = client_for(personas[persona])
    client.get(reverse(page, args=[referral.pk]))  # warm the session and the content types
    with django_assert_max_num_queries(REFERRAL_PAGE):
        response = client.get(reverse(page, args=[referral.pk]))
    assert response.status_code == 200
    assert response.content.decode().count("Answer ") == rows

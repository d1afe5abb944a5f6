"""manage.py generate_data at the tiny scale: counts, consistency, history and reproducibility (the network's
own checks are in test_generate_network.py)."""

import datetime as dt
import itertools
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import F, Q

from cate.choices import CaseStatus, RhiStatus
from cate.models import (
    Allocation,
    Case,
    CaseUserObjectPermission,
    ChronologyEvent,
    MissingEpisode,
    ReturnHomeInterview,
    Visit,
)
from contacts.models import Child, Contact
from devdata.generator import SCALES
from network.models import Identifier, Link, Person, Place, Vehicle
from riskpanel.models import AgendaItem, PanelDecision

pytestmark = pytest.mark.django_db

AS_AT = "2026-11-30"
TINY = SCALES["tiny"]


def _generate(seed: int = 7, *extra: str) -> None:
    call_command("generate_data", "--scale", "tiny", "--seed", str(seed), "--as-at", AS_AT, *extra, stdout=_Null())


class _Null:
    def write(self, *_args, **_kwargs):
        pass

    def flush(self):
        pass


def _fingerprint() -> tuple:
    """The generated records by natural keys (primary keys differ between runs)."""
    return (
        tuple(
            Child.objects.order_by("last_name", "first_name", "date_of_birth", "postcode").values_list(
                "first_name", "last_name", "date_of_birth", "gender", "postcode", "open_to_cate"
            )
        ),
        tuple(
            Contact.objects.order_by("reference").values_list(
                "reference", "child__first_name", "child__last_name", "received_at", "status", "outcome"
            )
        ),
        tuple(
            Case.objects.order_by("reference").values_list(
                "reference", "child__date_of_birth", "opened_at", "closed_at", "status", "allocated_worker__username"
            )
        ),
        tuple(
            Allocation.objects.order_by("case__reference", "started_at").values_list(
                "case__reference", "worker__username", "started_at", "ended_at"
            )
        ),
        tuple(
            MissingEpisode.objects.order_by("case__reference", "missing_from").values_list(
                "case__reference", "missing_from", "returned_at", "interview__status"
            )
        ),
        Visit.objects.count(),
        ChronologyEvent.objects.count(),
        # The network: its records in the order made, and each link's kind and ends by kind.
        tuple(Person.objects.order_by("pk").values_list("first_name", "last_name", "aliases", "age_band")),
        tuple(Place.objects.order_by("pk").values_list("kind", "name", "address", "is_hotspot")),
        tuple(Vehicle.objects.order_by("pk").values_list("registration", "kind")),
        tuple(Identifier.objects.order_by("pk").values_list("kind", "platform", "value")),
        tuple(
            Link.objects.order_by("first_seen", "kind", "a__kind", "b__kind").values_list(
                "kind", "a__kind", "b__kind", "first_seen"
            )
        ),
    )


def test_counts_at_the_tiny_scale():
    _generate()
    staff = get_user_model().objects.filter(username__startswith="g7-")
    assert staff.count() == TINY.staff
    assert Child.objects.count() == TINY.children
    assert Contact.objects.count() == TINY.contacts
    assert Case.objects.count() == TINY.cases
    assert MissingEpisode.objects.count() == TINY.missing
    assert Visit.objects.exists()
    assert PanelDecision.objects.exists()


def test_records_are_internally_consistent():
    _generate()
    as_at = dt.date.fromisoformat(AS_AT)
    for case in Case.objects.select_related("child", "contact", "referral"):
        assert case.child_id and case.contact_id
        assert case.contact.child_id == case.child_id
        assert case.contact.refer_to_cate and case.referral.contact_id == case.contact_id
        assert case.contact.received_at <= case.opened_at
        allocations = list(case.allocations.order_by("started_at"))
        assert allocations, case
        assert allocations[0].started_at >= case.opened_at
        for earlier, later in itertools.pairwise(allocations):
            assert earlier.ended_at is not None and earlier.ended_at <= later.started_at
        if case.status == CaseStatus.CLOSED:
            assert case.closed_at is not None and case.allocated_worker_id is None
            assert allocations[-1].ended_at is not None and allocations[-1].ended_at <= case.closed_at
            assert not CaseUserObjectPermission.objects.filter(content_object=case).exists()
        else:
            assert allocations[-1].ended_at is None
            assert case.allocated_worker_id == allocations[-1].worker_id
            assert CaseUserObjectPermission.objects.filter(content_object=case, user=case.allocated_worker).exists()
        end = case.closed_at
        for visit in case.visits.all():
            assert visit.visited_at >= case.opened_at and (end is None or visit.visited_at <= end)
        assert case.opened_at.date() <= as_at
    assert not Allocation.objects.filter(started_at__lt=F("case__opened_at")).exists()
    assert not Allocation.objects.filter(ended_at__gt=F("case__closed_at")).exists()
    assert not MissingEpisode.objects.filter(returned_at__lt=F("missing_from")).exists()
    assert not MissingEpisode.objects.filter(missing_from__lt=F("case__opened_at")).exists()
    interviews = ReturnHomeInterview.objects.select_related("episode")
    assert interviews.exists()
    for interview in interviews:
        assert interview.episode.returned_at is not None
        if interview.status == RhiStatus.COMPLETED:
            assert interview.completed_at >= interview.episode.returned_at
        if interview.status == RhiStatus.DECLINED:
            assert interview.declined_at >= interview.episode.returned_at
    # A panel item lies within its case's life (or the next four weeks of an open case).
    assert not AgendaItem.objects.filter(meeting__meets_at__lt=F("case__opened_at")).exists()
    assert not AgendaItem.objects.filter(
        Q(case__closed_at__isnull=False), meeting__meets_at__gt=F("case__closed_at")
    ).exists()


def test_every_record_has_its_history_row():
    _generate()
    for model in (Child, Contact, Case, Allocation, Visit, MissingEpisode, ReturnHomeInterview, ChronologyEvent):
        history = model.history
        assert history.count() == model.objects.count() > 0, model
        assert not history.filter(history_user__isnull=True).exists()
        assert set(history.values_list("history_change_reason", flat=True)) == {"Generated data"}
    first = Case.objects.order_by("opened_at").first()
    assert first.history.get().history_date == first.opened_at  # dated when the record came to be


def test_the_same_seed_gives_the_same_records():
    fingerprints = []
    for seed in (7, 7, 8):
        with transaction.atomic():
            _generate(seed)
            fingerprints.append(_fingerprint())
            transaction.set_rollback(True)
    assert fingerprints[0] == fingerprints[1]
    assert fingerprints[0] != fingerprints[2]


def test_refuses_a_database_with_records_unless_forced():
    _generate()
    with pytest.raises(CommandError, match="already has"):
        _generate(9)
    _generate(9, "--force")
    assert Case.objects.count() == 2 * TINY.cases


def test_case_notes_and_families():
    _generate()
    from cate.models import CaseNote, CaseNoteAddendum
    from contacts.models import ChildRelationship, FamilyMember, FamilyTie

    cases = Case.objects.count()
    notes = CaseNote.objects.count()
    assert 7 * cases <= notes <= 13 * cases  # about ten a case
    for note in CaseNote.objects.select_related("case"):
        assert note.case.opened_at <= note.occurred_at and (
            note.case.closed_at is None or note.occurred_at <= note.case.closed_at
        )
        assert note.status == "final" and note.text
    assert ChronologyEvent.objects.filter(note__isnull=False, kind__in=["case_note", "oversight"]).count() == notes
    assert CaseNote.objects.filter(kind="oversight").exists() and CaseNoteAddendum.objects.exists()
    for model in (CaseNote, FamilyMember, ChildRelationship, FamilyTie):
        assert model.history.count() == model.objects.count() > 0, model
    sizes = Counter(FamilyMember.objects.values_list("family_id", flat=True))
    assert sizes and min(sizes.values()) >= 2 and max(sizes.values()) <= 6
    # Every child with a case is in exactly one family; every other member has a relationship to a child.
    with_cases = set(Case.objects.values_list("child_id", flat=True))
    assert set(FamilyMember.objects.filter(child__isnull=False).values_list("child_id", flat=True)) == with_cases
    assert not FamilyMember.objects.filter(child__isnull=True, relationships__isnull=True).exists()

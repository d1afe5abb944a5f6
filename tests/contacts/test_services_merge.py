"""Merging duplicate children and reversing a merge."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cate.choices import StatutoryKind
from cate.models import Case, MissingEpisode, Referral, StatutoryEpisode
from contacts import services
from contacts.choices import RecordStatus
from contacts.models import Child, ChildMerge, Contact
from core.exceptions import TransitionNotAllowed
from tests.factories import CaseFactory, ChildFactory, ContactFactory, ReferralFactory

pytestmark = pytest.mark.django_db


def test_the_merge_finds_every_link_to_a_child_by_walking_reverse_relations():
    links = {(model._meta.label_lower, field.name) for model, field in services.child_link_fields()}
    assert {
        ("contacts.contact", "child"),
        ("cate.referral", "child"),
        ("cate.case", "child"),
        ("cate.statutoryepisode", "child"),
        ("cate.missingepisode", "child"),
    } <= links
    assert not any(label.startswith("contacts.historical") or "historical" in label for label, _ in links)
    assert ("contacts.childmerge", "source") not in links and ("contacts.child", "merged_into") not in links


@pytest.fixture
def duplicate_pair(advisor):
    kept = ChildFactory(first_name="Jayden", last_name="Smith", nhs_number="", school="")
    duplicate = ChildFactory(
        first_name="Jaiden", last_name="Smyth", nhs_number="9434765919", school="Riverside Academy", known_as="JJ"
    )
    now = timezone.now()
    linked = {
        "contacts": [ContactFactory(child=duplicate), ContactFactory(child=duplicate)],
        "referral": ReferralFactory(child=duplicate),
        "case": CaseFactory(child=duplicate),
        "statutory": StatutoryEpisode.objects.create(
            child=duplicate, kind=StatutoryKind.CIN, start=dt.date(2025, 1, 6)
        ),
        "missing": MissingEpisode.objects.create(
            child=duplicate, missing_from=now - dt.timedelta(days=2), recorded_by=advisor
        ),
    }
    kept_contact = ContactFactory(child=kept)
    return kept, duplicate, linked, kept_contact


def test_a_screener_merges_two_records_moving_every_linked_record_with_history(screener, duplicate_pair):
    kept, duplicate, linked, kept_contact = duplicate_pair
    merge = services.child_merge(source=duplicate, target=kept, actor=screener, reason="Same boy, misspelt")
    reason = f"Merged child {duplicate.pk} into child {kept.pk}: Same boy, misspelt"
    for contact in linked["contacts"]:
        contact.refresh_from_db()
        assert contact.child == kept
        latest = contact.history.latest()
        assert (latest.history_user, latest.history_change_reason, latest.child_id) == (screener, reason, kept.pk)
        assert contact.history.count() == 2  # its earlier history is kept
    for key, model in (
        ("referral", Referral),
        ("case", Case),
        ("statutory", StatutoryEpisode),
        ("missing", MissingEpisode),
    ):
        row = model.objects.get(pk=linked[key].pk)
        assert row.child_id == kept.pk, key
        assert row.history.latest().history_user == screener, key
    assert set(Contact.objects.filter(child=kept)) == {*linked["contacts"], kept_contact}
    duplicate.refresh_from_db()
    kept.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == (RecordStatus.MERGED, kept)
    assert duplicate.history.latest().history_change_reason == reason
    # The kept record gains what it lacked, and the other names.
    assert (kept.nhs_number, kept.school) == ("9434765919", "Riverside Academy")
    assert kept.known_as == "Jaiden Smyth, JJ"
    assert merge.moved_count == 6
    assert {g["model"] for g in merge.moved} == {
        "contacts.contact",
        "cate.referral",
        "cate.case",
        "cate.statutoryepisode",
        "cate.missingepisode",
    }
    assert merge.history.get().history_user == screener


def test_an_administrator_reverses_a_merge(screener, personas, duplicate_pair):
    kept, duplicate, linked, kept_contact = duplicate_pair
    merge = services.child_merge(source=duplicate, target=kept, actor=screener, reason="Same boy")
    added_since = ContactFactory(child=kept)
    admin = personas["administrator"]
    with pytest.raises(PermissionDenied):
        services.child_merge_reverse(merge=merge, actor=screener, reason="Wrong")
    merge = services.child_merge_reverse(merge=merge, actor=admin, reason="They are twins")
    assert (merge.reversed_by, merge.reversal_reason) == (admin, "They are twins")
    duplicate.refresh_from_db()
    kept.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == (RecordStatus.ACTIVE, None)
    assert (kept.nhs_number, kept.school, kept.known_as) == ("", "", "")
    assert duplicate.nhs_number == "9434765919"
    assert set(Contact.objects.filter(child=duplicate)) == set(linked["contacts"])
    assert set(Contact.objects.filter(child=kept)) == {kept_contact, added_since}
    for row in (linked["referral"], linked["case"], linked["statutory"], linked["missing"]):
        row.refresh_from_db()
        assert row.child_id == duplicate.pk
        latest = row.history.latest()
        assert latest.history_user == admin and latest.history_change_reason.startswith(f"Reversed merge {merge.pk}")
        assert row.history.count() == 3  # created, merged, reversed
    with pytest.raises(TransitionNotAllowed):
        services.child_merge_reverse(merge=merge, actor=admin, reason="Again")


def test_merge_refusals(screener, personas, advisor):
    one, two = ChildFactory(), ChildFactory()
    with pytest.raises(PermissionDenied):
        services.child_merge(source=one, target=two, actor=advisor, reason="x")
    with pytest.raises(ValidationError):
        services.child_merge(source=one, target=two, actor=screener, reason=" ")
    with pytest.raises(ValidationError):
        services.child_merge(source=one, target=one, actor=screener, reason="x")
    restricted = ChildFactory(is_restricted=True)
    restricted.restricted_to.add(screener)
    with pytest.raises(ValidationError, match="different access restrictions"):
        services.child_merge(source=restricted, target=one, actor=screener, reason="x")
    services.child_merge(source=one, target=two, actor=screener, reason="Same child")
    with pytest.raises(TransitionNotAllowed):
        services.child_merge(source=one, target=two, actor=screener, reason="Again")
    assert ChildMerge.objects.count() == 1


def test_a_merge_into_a_record_merged_since_is_reversed_in_order(screener, personas):
    a, b, c = ChildFactory(), ChildFactory(), ChildFactory()
    first = services.child_merge(source=a, target=b, actor=screener, reason="Same")
    second = services.child_merge(source=b, target=c, actor=screener, reason="Same again")
    admin = personas["administrator"]
    with pytest.raises(TransitionNotAllowed, match="Reverse that merge first"):
        services.child_merge_reverse(merge=first, actor=admin, reason="x")
    services.child_merge_reverse(merge=second, actor=admin, reason="Not the same")
    services.child_merge_reverse(merge=first, actor=admin, reason="Not the same")
    assert set(Child.objects.values_list("status", flat=True)) == {RecordStatus.ACTIVE}

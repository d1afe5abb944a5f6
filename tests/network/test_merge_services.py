"""Merging two records of one person of concern (the survivor keeps the links, enquiries, child record
and names, with history naming the actor and the reason), reversing a merge, and the possible
duplicates found when a person is added or changed."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cate.choices import ChronologyKind
from cate.models import ChronologyEvent
from core.exceptions import StaleRecord, TransitionNotAllowed
from network import duplicate_selectors, selectors, services
from network.choices import (
    AgeBand,
    Confidence,
    DuplicateFoundWhen,
    DuplicateStatus,
    LinkKind,
    LinkStatus,
    NetworkStatus,
)
from network.models import Link, MaceSubject, PersonDuplicate, PersonMerge
from tests.factories import CaseFactory, ChildFactory, MaceRequestFactory, PersonFactory, PlaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(personas):
    return personas["team_leader"]


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


@pytest.fixture
def two(leader):
    """Two records of one man: the survivor knows his name; the other his date of birth, a nickname,
    a staff-safety warning, an enquiry and links, one of them the same as the survivor's."""
    kept = services.person_create(actor=leader, first_name="Jayden", last_name="Smith", aliases="JJ")
    other = services.person_create(
        actor=leader,
        first_name="Jaiden",
        last_name="Smyth",
        aliases="Big J",
        date_of_birth=dt.date(1998, 5, 4),
        staff_safety_warning=True,
        staff_safety_reason="Carries a knife",
    )
    case = CaseFactory()
    place, hotel = PlaceFactory(), PlaceFactory(name="Station Hotel")
    links = {
        "child": services.link_add(actor=leader, a=case.child, b=other, kind=LinkKind.SEEN_WITH),
        "hotel": services.link_add(
            actor=leader,
            a=other,
            b=hotel,
            kind=LinkKind.FREQUENTS,
            first_seen=dt.date(2026, 1, 5),
            last_seen=dt.date(2026, 3, 1),
            confidence=Confidence.CONFIRMED,
            notes="Seen by the night manager",
        ),
        "kept_hotel": services.link_add(
            actor=leader, a=kept, b=hotel, kind=LinkKind.FREQUENTS, first_seen=dt.date(2026, 2, 1)
        ),
        "between": services.link_add(actor=leader, a=kept, b=other, kind=LinkKind.ASSOCIATES_WITH),
        "place": services.link_add(actor=leader, a=place, b=other, kind=LinkKind.LIVES_AT),
    }
    withdrawn = services.link_add(actor=leader, a=other, b=PlaceFactory(), kind=LinkKind.LIVES_AT)
    links["withdrawn"] = services.link_withdraw(link=withdrawn, actor=leader, reason="Wrong address")
    request = MaceRequestFactory()
    subject = MaceSubject.objects.create(request=request, person=other, added_by=leader)
    return {"kept": kept, "other": other, "case": case, "links": links, "subject": subject, "hotel": hotel}


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def test_a_merge_moves_the_links_enquiries_and_names_to_the_survivor_with_history(leader, two):
    kept, other, links = two["kept"], two["other"], two["links"]
    merge = services.person_merge(source=other, target=kept, actor=leader, reason="Same man, misspelt")
    reason = f"Person {other.pk} merged into person {kept.pk}: Same man, misspelt"
    kept_node, other_node = kept.node, other.node
    # Moved: the links the survivor did not have (withdrawn ones too), each with a history row.
    for key in ("child", "place", "withdrawn"):
        link = fresh(links[key])
        assert kept_node.pk in (link.a_id, link.b_id) and other_node.pk not in (link.a_id, link.b_id), key
        latest = link.history.latest()
        assert (latest.history_user, latest.history_change_reason) == (leader, reason), key
    # The same link on both: the survivor's is kept and widened, the other joined to it.
    kept_hotel, joined = fresh(links["kept_hotel"]), fresh(links["hotel"])
    assert (kept_hotel.first_seen, kept_hotel.last_seen) == (dt.date(2026, 1, 5), dt.date(2026, 3, 1))
    assert kept_hotel.confidence == Confidence.CONFIRMED and "night manager" in kept_hotel.notes
    assert joined.status == LinkStatus.MERGED and f"link {kept_hotel.pk}" in joined.withdrawn_reason
    assert joined.withdrawn_by == leader
    # A link between the two records is set aside: nobody is linked to themself.
    assert fresh(links["between"]).status == LinkStatus.MERGED
    assert {link.pk for link in selectors.links_of(leader, kept)} == {
        links["child"].pk,
        links["place"].pk,
        links["kept_hotel"].pk,
    }
    assert not selectors.links_of(leader, other).exists()
    assert fresh(two["subject"]).person == kept
    kept, other = fresh(kept), fresh(other)
    assert (other.status, other.merged_into) == (NetworkStatus.MERGED, kept)
    assert other.history.latest().history_change_reason == reason and other.history.latest().history_user == leader
    assert kept.aliases == "JJ, Jaiden Smyth, Big J"
    assert kept.date_of_birth == dt.date(1998, 5, 4)
    assert kept.staff_safety_warning and kept.staff_safety_reason == "Carries a knife"
    assert kept.history.latest().history_change_reason == reason
    assert (merge.merged_by, merge.source, merge.target) == (leader, other, kept)
    assert merge.link_count == 4 and merge.history.get().history_user == leader
    assert merge.moved["between"] == [links["between"].pk]
    # The child's open case hears of it; the survivor is found by the other record's names.
    event = ChronologyEvent.objects.filter(case=two["case"], kind=ChronologyKind.NETWORK).latest("pk")
    assert "merging two records of one person" in event.summary and "Jayden Smith" in event.summary
    assert [p.pk for p in selectors.person_search(leader, "Big J")] == [kept.pk]
    assert [p.pk for p in selectors.person_search(leader, "Jaiden Smyth")] == [kept.pk]


def test_a_merge_is_reversed_by_those_who_merge(leader, personas, two):
    kept, other, links = two["kept"], two["other"], two["links"]
    merge = services.person_merge(source=other, target=kept, actor=leader, reason="Same man")
    added_since = services.link_add(actor=leader, a=kept, b=PlaceFactory(), kind=LinkKind.FREQUENTS)
    with pytest.raises(PermissionDenied):
        services.person_merge_reverse(merge=merge, actor=personas["cate_worker"], reason="Wrong")
    manager = personas["fc_manager"]
    merge = services.person_merge_reverse(merge=merge, actor=manager, reason="Brothers, not one man")
    assert (merge.reversed_by, merge.reversal_reason) == (manager, "Brothers, not one man")
    kept, other = fresh(kept), fresh(other)
    assert (other.status, other.merged_into) == (NetworkStatus.ACTIVE, None)
    assert (kept.aliases, kept.date_of_birth, kept.staff_safety_warning) == ("JJ", None, False)
    assert {link.pk for link in selectors.links_of(leader, other)} == {
        links["child"].pk,
        links["place"].pk,
        links["hotel"].pk,
        links["between"].pk,
    }
    assert {link.pk for link in selectors.links_of(leader, kept)} == {
        links["kept_hotel"].pk,
        links["between"].pk,
        added_since.pk,
    }
    kept_hotel = fresh(links["kept_hotel"])
    assert (kept_hotel.first_seen, kept_hotel.confidence, kept_hotel.notes) == (
        dt.date(2026, 2, 1),
        Confidence.REPORTED,
        "",
    )
    assert fresh(links["withdrawn"]).status == LinkStatus.WITHDRAWN  # withdrawn before: still withdrawn
    assert fresh(two["subject"]).person == other
    latest = fresh(links["child"]).history.latest()
    assert latest.history_user == manager and latest.history_change_reason.startswith(f"Reversed merge {merge.pk}")
    assert [p.pk for p in selectors.person_search(leader, "Big J")] == [other.pk]
    with pytest.raises(TransitionNotAllowed):
        services.person_merge_reverse(merge=merge, actor=manager, reason="Again")


def test_a_person_who_is_a_child_takes_their_child_record_to_the_survivor_and_back(leader):
    child = ChildFactory(first_name="Kai", last_name="Peer")
    peer = services.person_create(actor=leader, first_name="Kai", last_name="Peer", child=child)
    kept = services.person_create(actor=leader, aliases="K-Dog", description="Runs with the older boys")
    merge = services.person_merge(source=peer, target=kept, actor=leader, reason="K-Dog is Kai")
    kept, peer = fresh(kept), fresh(peer)
    assert (kept.child, peer.child, kept.is_juvenile) == (child, None, True)
    assert (kept.first_name, kept.last_name) == ("Kai", "Peer")
    services.person_merge_reverse(merge=merge, actor=leader, reason="Another boy")
    kept, peer = fresh(kept), fresh(peer)
    assert (kept.child, peer.child, kept.first_name, kept.is_juvenile) == (None, child, "", False)


def test_merge_refusals(leader, personas):
    one, two = PersonFactory(), PersonFactory()
    for name in ("screener", "cate_worker", "police", "group_manager", "advisor", "administrator"):
        with pytest.raises(PermissionDenied):
            services.person_merge(source=one, target=two, actor=personas[name], reason="Same")
    with pytest.raises(ValidationError):
        services.person_merge(source=one, target=two, actor=leader, reason=" ")
    with pytest.raises(ValidationError):
        services.person_merge(source=one, target=one, actor=leader, reason="Same")
    first, second = ChildFactory(), ChildFactory()
    a = services.person_create(actor=leader, first_name="A", child=first)
    b = services.person_create(actor=leader, first_name="B", child=second)
    with pytest.raises(ValidationError, match="two different children"):
        services.person_merge(source=a, target=b, actor=leader, reason="Same")
    services.person_merge(source=one, target=two, actor=leader, reason="Same")
    with pytest.raises(TransitionNotAllowed):
        services.person_merge(source=one, target=two, actor=leader, reason="Again")
    with pytest.raises(TransitionNotAllowed):
        services.person_merge(source=two, target=one, actor=leader, reason="Back")
    assert PersonMerge.objects.count() == 1


def test_nobody_merges_a_person_whose_child_record_they_may_not_see(leader, personas):
    manager = personas["fc_manager"]
    child = ChildFactory(is_restricted=True)
    child.restricted_to.add(leader)
    hidden = services.person_create(actor=leader, first_name="Hidden", child=child)
    other = PersonFactory(first_name="Hidden")
    for source, target in ((hidden, other), (other, hidden)):
        with pytest.raises(PermissionDenied):
            services.person_merge(source=source, target=target, actor=manager, reason="Same")
    assert fresh(hidden).status == NetworkStatus.ACTIVE and fresh(other).status == NetworkStatus.ACTIVE
    merge = services.person_merge(source=other, target=hidden, actor=leader, reason="Same")  # named on it
    with pytest.raises(PermissionDenied):
        services.person_merge_reverse(merge=merge, actor=manager, reason="No")
    assert not duplicate_selectors.person_merge_list_for_user(manager).exists()
    assert list(duplicate_selectors.person_merge_list_for_user(leader)) == [merge]


# --- Possible duplicates -------------------------------------------------------------------------------


def test_adding_a_person_like_another_records_a_pair_once(leader, personas, commit):
    existing = services.person_create(actor=leader, first_name="Jayden", last_name="Smith", age_band=AgeBand.AGE_25_34)
    with commit(execute=True):
        added = services.person_create(
            actor=personas["cate_worker"], first_name="Jaiden", last_name="Smyth", date_of_birth=dt.date(1999, 1, 1)
        )
    pair = PersonDuplicate.objects.get()
    assert (pair.person, pair.existing, pair.found_when) == (added, existing, DuplicateFoundWhen.ADDED)
    assert pair.matched_on == "Similar name; Age fits" and pair.found_by == personas["cate_worker"]
    assert pair.history.get().history_user == personas["cate_worker"]
    with commit(execute=True):  # changing the name again finds the same pair: not recorded twice
        services.person_update(person=added, actor=leader, first_name="Jayden")
    assert PersonDuplicate.objects.count() == 1
    with commit(execute=True):  # an age that rules it out, or another name, makes no pair
        services.person_create(actor=leader, first_name="Jayden", last_name="Smith", age_band=AgeBand.UNDER_18)
        services.person_create(actor=leader, first_name="Oliver", last_name="Brown")
    assert PersonDuplicate.objects.count() == 1


def test_changing_a_name_to_match_records_a_pair(leader, commit):
    existing = services.person_create(actor=leader, aliases="Tiny", description="Drives a black BMW")
    other = services.person_create(actor=leader, first_name="Marcus", last_name="Reed")
    with commit(execute=True):
        services.person_update(person=other, actor=leader, description="Tall")
    assert not PersonDuplicate.objects.exists()
    with commit(execute=True):
        services.person_update(person=other, actor=leader, aliases="Tiny")
    pair = PersonDuplicate.objects.get()
    assert (pair.person, pair.existing, pair.found_when) == (other, existing, DuplicateFoundWhen.CHANGED)


def make_pair(leader, commit, **kept_fields):
    kept = services.person_create(actor=leader, first_name="Jayden", last_name="Smith", **kept_fields)
    with commit(execute=True):
        other = services.person_create(actor=leader, first_name="Jaiden", last_name="Smyth")
    return PersonDuplicate.objects.get(), kept, other


def test_the_pair_is_merged_keeping_the_record_chosen(leader, personas, commit):
    pair, kept, other = make_pair(leader, commit)
    link = services.link_add(actor=leader, a=ChildFactory(), b=kept, kind=LinkKind.SEEN_WITH)
    manager = personas["fc_manager"]
    resolved = services.person_duplicate_resolve(
        duplicate=pair, actor=manager, decision="same", keep=other.pk, reason="Police confirmed", expected_version=1
    )
    assert (resolved.status, resolved.resolved_by, resolved.resolution_reason) == (
        DuplicateStatus.MERGED,
        manager,
        "Police confirmed",
    )
    assert (resolved.merge.source, resolved.merge.target) == (kept, other)
    assert fresh(kept).merged_into == other
    assert other.node.pk in (fresh(link).a_id, fresh(link).b_id)
    assert resolved.history.latest().history_user == manager
    assert not duplicate_selectors.person_duplicate_list_for_user(manager).exists()
    assert list(duplicate_selectors.person_duplicate_list_for_user(manager, state="resolved")) == [resolved]


def test_the_pair_is_marked_different_and_not_found_again(leader, commit):
    pair, kept, other = make_pair(leader, commit)
    resolved = services.person_duplicate_resolve(duplicate=pair, actor=leader, decision="different", reason="Twins")
    assert (resolved.status, resolved.resolution_reason) == (DuplicateStatus.DIFFERENT, "Twins")
    with commit(execute=True):
        services.person_update(person=other, actor=leader, first_name="Jayden")
    assert PersonDuplicate.objects.count() == 1
    assert fresh(kept).status == fresh(other).status == NetworkStatus.ACTIVE


def test_the_pair_form_is_checked_and_a_stale_one_refused(leader, commit):
    pair, kept, _other = make_pair(leader, commit)
    with pytest.raises(ValidationError) as refused:
        services.person_duplicate_resolve(duplicate=pair, actor=leader, decision="same", reason="")
    assert set(refused.value.message_dict) == {"keep", "reason"}
    services.person_duplicate_resolve(
        duplicate=pair, actor=leader, decision="different", reason="Twins", expected_version=1
    )
    with pytest.raises(StaleRecord):
        services.person_duplicate_resolve(
            duplicate=pair, actor=leader, decision="same", keep=kept.pk, reason="Same", expected_version=1
        )
    with pytest.raises(TransitionNotAllowed):
        services.person_duplicate_resolve(
            duplicate=pair, actor=leader, decision="same", keep=kept.pk, reason="Same", expected_version=2
        )


@pytest.mark.parametrize("persona", ["screener", "cate_worker", "police", "group_manager", "advisor"])
def test_only_those_who_merge_see_and_resolve_pairs(leader, personas, commit, persona):
    pair, _kept, _other = make_pair(leader, commit)
    user = personas[persona]
    assert not duplicate_selectors.person_duplicate_list_for_user(user).exists()
    with pytest.raises(PermissionDenied):
        services.person_duplicate_resolve(duplicate=pair, actor=user, decision="different", reason="No")
    assert list(duplicate_selectors.person_duplicate_list_for_user(personas["fc_manager"])) == [pair]


def test_a_pair_with_a_hidden_person_is_shown_only_to_those_named_on_the_child(leader, personas, commit):
    child = ChildFactory(first_name="Kai", last_name="Peer", is_restricted=True)
    child.restricted_to.add(leader)
    hidden = services.person_create(actor=leader, first_name="Kai", last_name="Peer", child=child)
    with commit(execute=True):  # added by someone who cannot see the child: they learn nothing
        added = services.person_create(actor=personas["fc_manager"], first_name="Kai", last_name="Peer")
    pair = PersonDuplicate.objects.get()
    assert {pair.person, pair.existing} == {hidden, added}
    assert not duplicate_selectors.person_duplicate_list_for_user(personas["fc_manager"]).exists()
    assert list(duplicate_selectors.person_duplicate_list_for_user(leader)) == [pair]
    with pytest.raises(PermissionDenied):
        services.person_duplicate_resolve(
            duplicate=pair, actor=personas["fc_manager"], decision="different", reason="x"
        )
    assert Link.objects.count() == 0

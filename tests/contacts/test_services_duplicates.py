"""Possible duplicates (issue 15): an advisor who cannot see a restricted child adds a second record
of them; the pair is recorded, the restricted record's named staff are told at once (by record
numbers only), the advisor learns nothing; the pair is merged into the restricted record (which stays
restricted) or marked as two children."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from contacts import duplicate_selectors, selectors, services
from contacts.choices import DuplicateFoundWhen, DuplicateStatus, RecordStatus
from contacts.models import Child, PossibleDuplicate
from core.exceptions import TransitionNotAllowed
from core.models import Notification
from tests.factories import ChildFactory, ContactFactory

pytestmark = pytest.mark.django_db

NHS = "9434765919"
BORN = dt.date(2011, 3, 27)
DETAILS = {"first_name": "Kayleigh", "last_name": "Hiddenrecord", "date_of_birth": BORN, "postcode": "TF1 1AA"}


@pytest.fixture
def restricted(personas):
    """A child restricted by the group manager to the team leader (the manager stays named)."""
    child = ChildFactory(**DETAILS, nhs_number=NHS, school="Riverside Academy")
    child = services.child_restrict(
        child=child,
        actor=personas["group_manager"],
        is_restricted=True,
        staff=[personas["team_leader"]],
        reason="Child of a member of staff",
    )
    Notification.objects.all().delete()  # the team leader was told of the restriction; these tests count the rest
    return child


def add(actor, *, commit, **data):
    with commit(execute=True):
        return services.child_create(actor=actor, data={**DETAILS, **data})


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


# --- Found and recorded --------------------------------------------------------------------------


def test_adding_a_child_restricted_from_the_advisor_records_a_pair_and_tells_only_the_named_staff(
    personas, restricted, commit
):
    advisor = personas["advisor"]
    mail.outbox.clear()
    child = add(advisor, commit=commit, nhs_number=NHS)  # no PossibleDuplicates: the advisor is told nothing
    pair = PossibleDuplicate.objects.get()
    assert (pair.child, pair.existing, pair.status) == (child, restricted, DuplicateStatus.OPEN)
    assert pair.existing_was_hidden and pair.found_by == advisor and pair.found_when == DuplicateFoundWhen.ADDED
    assert "Same NHS number" in pair.matched_on and "Similar name" in pair.matched_on
    history = pair.history.get()
    assert history.history_user == advisor and history.history_change_reason.startswith("Possible duplicate of child")

    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {personas["team_leader"].username, personas["group_manager"].username}
    note = Notification.objects.filter(recipient=personas["team_leader"]).get()
    assert note.url == pair.get_absolute_url()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [personas["team_leader"].email, personas["group_manager"].email]
    )
    for message in mail.outbox:
        text = message.subject + message.body
        assert f"child {restricted.pk}" in text and f"Child record {child.pk}" in text
        for name in ("Kayleigh", "Hiddenrecord", "Riverside", advisor.first_name, advisor.username):
            assert name not in text, name


def test_the_same_nhs_number_alone_makes_a_pair(personas, restricted, commit):
    add(personas["advisor"], commit=commit, first_name="Kay", last_name="Otherlastname", nhs_number=NHS)
    assert PossibleDuplicate.objects.get().matched_on == "Same NHS number"


def test_a_different_child_makes_no_pair_and_tells_no_one(personas, restricted, commit):
    add(personas["advisor"], commit=commit, first_name="Zebedee", last_name="Unrelated", date_of_birth=BORN)
    assert not PossibleDuplicate.objects.exists() and not Notification.objects.exists()


def test_a_visible_match_the_adviser_confirmed_past_is_recorded_without_an_alert(personas, commit):
    visible = ChildFactory(**DETAILS)
    with pytest.raises(services.PossibleDuplicates):
        services.child_create(actor=personas["advisor"], data=dict(DETAILS))
    with commit(execute=True):
        child = services.child_create(actor=personas["advisor"], data=dict(DETAILS), confirmed_not_duplicate=True)
    pair = PossibleDuplicate.objects.get()
    assert (pair.child, pair.existing, pair.existing_was_hidden) == (child, visible, False)
    assert not Notification.objects.exists()


def test_changing_a_childs_details_to_match_a_hidden_record_records_a_pair_once(personas, restricted, commit):
    advisor = personas["advisor"]
    child = ChildFactory(first_name="Someone", last_name="Else", created_by=advisor)
    with commit(execute=True):
        services.child_update(
            child=child, actor=advisor, data=dict(DETAILS), reason="Name corrected", expected_version=1
        )
    pair = PossibleDuplicate.objects.get()
    assert (pair.child, pair.existing, pair.found_when) == (child, restricted, DuplicateFoundWhen.CHANGED)
    with commit(execute=True):
        services.child_update(
            child=child, actor=advisor, data={"postcode": "TF2 2BB"}, reason="Moved", expected_version=2
        )
    assert PossibleDuplicate.objects.count() == 1  # the pair is kept once
    assert Notification.objects.filter(recipient=personas["team_leader"]).count() == 1


def test_a_hidden_nhs_number_is_not_refused_but_a_visible_one_is(personas, restricted, commit):
    """Refusing the number would tell the advisor that a hidden record holds it."""
    add(personas["advisor"], commit=commit, nhs_number=NHS)
    assert Child.objects.filter(nhs_number=NHS, status=RecordStatus.ACTIVE).count() == 2
    with pytest.raises(ValidationError) as refused:
        services.child_create(actor=personas["screener"], data={**DETAILS, "nhs_number": NHS, "first_name": "Jo"})
    assert "NHS number" in str(refused.value)  # the advisor's new record is visible: the usual refusal


def test_a_restriction_cannot_be_lifted_while_an_open_record_has_the_same_nhs_number(personas, restricted, commit):
    add(personas["advisor"], commit=commit, nhs_number=NHS)
    with pytest.raises(ValidationError, match="Merge the two records"):
        services.child_restrict(
            child=restricted, actor=personas["group_manager"], is_restricted=False, staff=[], reason="Lift"
        )


# --- Who sees a pair -------------------------------------------------------------------------------


def test_the_pair_is_listed_to_the_named_staff_only_not_to_an_unnamed_fc_manager(personas, restricted, commit):
    add(personas["advisor"], commit=commit, nhs_number=NHS)
    visible_to = {
        name for name, user in personas.items() if duplicate_selectors.possible_duplicate_list_for_user(user).exists()
    }
    assert visible_to == {"team_leader", "group_manager"}


def test_an_fc_manager_named_on_the_record_sees_the_pair(personas, restricted, commit):
    services.child_restrict(
        child=restricted,
        actor=personas["group_manager"],
        is_restricted=True,
        staff=[personas["team_leader"], personas["fc_manager"]],
        reason="The front door's manager too",
        expected_version=restricted.version,
    )
    add(personas["advisor"], commit=commit, nhs_number=NHS)
    assert duplicate_selectors.possible_duplicate_list_for_user(personas["fc_manager"]).count() == 1


def test_a_pair_of_open_records_is_listed_to_the_fc_manager_only(personas, commit):
    ChildFactory(**DETAILS)
    with commit(execute=True):
        services.child_create(actor=personas["advisor"], data=dict(DETAILS), confirmed_not_duplicate=True)
    visible_to = {
        name for name, user in personas.items() if duplicate_selectors.possible_duplicate_list_for_user(user).exists()
    }
    assert visible_to == {"fc_manager"}


def test_the_list_gives_open_pairs_oldest_first_and_resolved_ones_apart(personas, commit):
    first, second = ChildFactory(first_name="Aaa"), ChildFactory(first_name="Bbb")
    older = PossibleDuplicate.objects.create(
        child=first, existing=ChildFactory(), matched_on="x", found_when="added", found_by=personas["advisor"],
        found_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
    )  # fmt: skip
    newer = PossibleDuplicate.objects.create(
        child=second, existing=ChildFactory(), matched_on="x", found_when="added", found_by=personas["advisor"],
        found_at=dt.datetime(2024, 2, 1, tzinfo=dt.UTC),
    )  # fmt: skip
    manager = personas["fc_manager"]
    assert list(duplicate_selectors.possible_duplicate_list_for_user(manager)) == [older, newer]
    services.possible_duplicate_mark_different(duplicate=older, actor=manager, reason="Different dates of birth")
    assert list(duplicate_selectors.possible_duplicate_list_for_user(manager)) == [newer]
    assert list(duplicate_selectors.possible_duplicate_list_for_user(manager, state="resolved")) == [older]


# --- Merge into the restricted record; mark as different -------------------------------------------


def test_the_named_staff_merge_into_the_restricted_record_which_stays_restricted(personas, restricted, commit):
    advisor, leader = personas["advisor"], personas["team_leader"]
    child = add(advisor, commit=commit, nhs_number=NHS)
    contact = ContactFactory(child=child, recorded_by=advisor)
    pair = PossibleDuplicate.objects.get()
    named = {leader.pk, personas["group_manager"].pk}
    pair = services.possible_duplicate_merge(duplicate=pair, actor=leader, reason="Same child, same NHS number")
    restricted.refresh_from_db()
    child.refresh_from_db()
    contact.refresh_from_db()
    assert pair.status == DuplicateStatus.MERGED and pair.resolved_by == leader and pair.resolved_at
    assert (pair.merge.source, pair.merge.target) == (child, restricted)
    assert restricted.is_restricted and set(restricted.restricted_to.values_list("pk", flat=True)) == named
    assert restricted.status == RecordStatus.ACTIVE
    # The merged record and what moved with it are hidden from the advisor as the restricted record is.
    assert child.status == RecordStatus.MERGED and child.merged_into == restricted and child.is_restricted
    assert contact.child == restricted
    assert not selectors.children_visible_to(advisor).filter(pk__in=[child.pk, restricted.pk]).exists()
    latest = pair.history.order_by("-history_id").first()
    assert latest.history_user == leader and latest.status == DuplicateStatus.MERGED
    assert "merged into child" in latest.history_change_reason
    assert child.history.order_by("-history_id").first().history_user == leader


def test_mark_different_closes_the_pair_with_its_reason(personas, restricted, commit):
    add(personas["advisor"], commit=commit, first_name="Kayleigh", last_name="Hiddenrecord")
    pair = PossibleDuplicate.objects.get()
    with pytest.raises(ValidationError):
        services.possible_duplicate_mark_different(duplicate=pair, actor=personas["team_leader"], reason=" ")
    pair = services.possible_duplicate_mark_different(
        duplicate=pair, actor=personas["team_leader"], reason="Twins: checked with the school"
    )
    assert pair.status == DuplicateStatus.DIFFERENT and pair.resolution_reason == "Twins: checked with the school"
    assert pair.history.order_by("-history_id").first().history_user == personas["team_leader"]
    with pytest.raises(TransitionNotAllowed):
        services.possible_duplicate_merge(duplicate=pair, actor=personas["team_leader"], reason="Changed my mind")
    assert duplicate_selectors.possible_duplicate_list_for_user(personas["team_leader"]).count() == 0


@pytest.mark.parametrize("persona", ["advisor", "screener", "fc_manager", "cate_worker", "auditor"])
def test_no_one_but_those_who_may_see_the_pair_resolves_it(personas, restricted, commit, persona):
    add(personas["advisor"], commit=commit, nhs_number=NHS)
    pair = PossibleDuplicate.objects.get()
    with pytest.raises(PermissionDenied):
        services.possible_duplicate_merge(duplicate=pair, actor=personas[persona], reason="Same child")
    with pytest.raises(PermissionDenied):
        services.possible_duplicate_mark_different(duplicate=pair, actor=personas[persona], reason="Different")
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.OPEN


def test_a_stale_form_is_refused(personas, restricted, commit):
    add(personas["advisor"], commit=commit, nhs_number=NHS)
    pair = PossibleDuplicate.objects.get()
    services.possible_duplicate_mark_different(duplicate=pair, actor=personas["team_leader"], reason="Different")
    with pytest.raises(ValidationError):
        services.possible_duplicate_merge(
            duplicate=pair, actor=personas["group_manager"], reason="Same", expected_version=1
        )

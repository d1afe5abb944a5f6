"""The merge pages of persons of concern: a person's merge (likely duplicates, a search by name, the
comparison, the merge), the possible duplicates and the merges (with their reversal). Team leaders and
Family Connect managers use them; other readers of the network are refused (403); anyone else, and
anyone asking for a record they may not see, finds nothing (404); a stale session confirms first."""

import datetime as dt
import time

import pytest
from django.test import Client
from django.urls import reverse

from core.reauth import FRESH_AT
from network import services
from network.choices import DuplicateStatus, LinkKind, NetworkStatus
from network.models import PersonDuplicate, PersonMerge
from network.views.merge import person_page
from tests.factories import ChildFactory, PersonFactory, PlaceFactory

pytestmark = pytest.mark.django_db

MERGERS = ("team_leader", "fc_manager")
READERS = ("screener", "police", "cate_worker", "group_manager")
OUTSIDERS = ("advisor", "health", "auditor", "administrator")


@pytest.fixture
def leader(personas):
    return personas["team_leader"]


@pytest.fixture
def pair(leader, django_capture_on_commit_callbacks):
    kept = services.person_create(actor=leader, first_name="Jayden", last_name="Smith", aliases="JJ")
    with django_capture_on_commit_callbacks(execute=True):
        other = services.person_create(
            actor=leader, first_name="Jaiden", last_name="Smyth", date_of_birth=dt.date(1998, 5, 4)
        )
    services.link_add(actor=leader, a=other, b=PlaceFactory(), kind=LinkKind.FREQUENTS)
    return kept, other, PersonDuplicate.objects.get()


def test_a_team_leader_merges_from_the_likely_duplicates(client_for, leader, pair):
    kept, other, _ = pair
    client = client_for(leader)
    url = reverse("network:person_merge", args=[kept.pk])
    page = client.get(url).content.decode()
    assert "Likely duplicates" in page and "Jaiden Smyth" in page and "Similar name" in page
    assert f"?other={other.pk}" in page
    compare = client.get(f"{url}?other={other.pk}").content.decode()
    assert "The two records" in compare and "4 May 1998" in compare
    refused = client.post(url, {"other": other.pk, "keep": "", "reason": ""})
    assert refused.status_code == 200
    assert "Choose the record to keep" in refused.content.decode()
    assert "Enter why these records are the same person" in refused.content.decode()
    done = client.post(url, {"other": other.pk, "keep": kept.pk, "reason": "Police confirmed"})
    merge = PersonMerge.objects.get()
    assert done.status_code == 302 and done["Location"] == person_page(kept, otherwise=merge.get_absolute_url())
    other.refresh_from_db()
    assert (other.status, other.merged_into) == (NetworkStatus.MERGED, kept)
    assert merge.merged_by == leader and merge.history.get().history_user == leader
    assert PersonDuplicate.objects.get().status == DuplicateStatus.MERGED
    again = client.get(url.replace(str(kept.pk), str(other.pk)))  # the merged record cannot be merged again
    assert again.status_code == 302


def test_the_search_finds_the_other_record_by_a_spelling_or_a_nickname(client_for, leader):
    person = services.person_create(actor=leader, first_name="Marcus", last_name="Reed")
    unknown = services.person_create(actor=leader, aliases="Tiny, Big T", description="Drives a black BMW")
    client = client_for(leader)
    url = reverse("network:person_merge", args=[person.pk])
    page = client.get(url, {"name": "tiney"}).content.decode()
    assert "No likely duplicates found" in page
    assert "Persons who match" in page and f"?other={unknown.pk}" in page
    assert "No other current record matches" in client.get(url, {"name": "Oliver"}).content.decode()
    too_long = client.get(url, {"name": "x" * 101})
    assert too_long.status_code == 200 and "govuk-error-summary" in too_long.content.decode()


@pytest.mark.parametrize("persona", READERS)
def test_readers_who_do_not_merge_are_refused(client_for, personas, pair, persona):
    kept, other, duplicate = pair
    client = client_for(personas[persona])
    assert client.get(reverse("network:person_merge", args=[kept.pk])).status_code == 403
    assert client.post(reverse("network:person_merge", args=[kept.pk]), {"other": other.pk}).status_code == 403
    assert client.get(reverse("network:person_duplicate_list")).status_code == 403
    assert client.get(reverse("network:person_merge_list")).status_code == 403
    assert client.get(reverse("network:person_duplicate_detail", args=[duplicate.pk])).status_code == 404
    assert other.__class__.objects.get(pk=other.pk).status == NetworkStatus.ACTIVE


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_to_anyone_outside_the_network_the_pages_do_not_exist(client_for, personas, pair, persona):
    kept, _, duplicate = pair
    client = client_for(personas[persona])
    for url in (
        reverse("network:person_merge", args=[kept.pk]),
        reverse("network:person_duplicate_list"),
        reverse("network:person_duplicate_detail", args=[duplicate.pk]),
        reverse("network:person_merge_list"),
    ):
        assert client.get(url).status_code == 404, url


def test_a_person_who_is_a_hidden_child_is_404_and_never_offered(client_for, personas, leader):
    child = ChildFactory(first_name="Kai", last_name="Peer", is_restricted=True)
    child.restricted_to.add(leader)
    hidden = services.person_create(actor=leader, first_name="Kai", last_name="Peer", child=child)
    visible = services.person_create(actor=leader, first_name="Kai", last_name="Peers")
    manager = client_for(personas["fc_manager"])
    url = reverse("network:person_merge", args=[visible.pk])
    page = manager.get(url).content.decode()
    assert f"person {hidden.pk}" not in page and "Peer (" not in page.replace("Peers", "")
    assert f"person {hidden.pk}" not in manager.get(url, {"name": "Kai Peer"}).content.decode()
    assert manager.get(f"{url}?other={hidden.pk}").status_code == 404
    assert manager.post(url, {"other": hidden.pk, "keep": visible.pk, "reason": "Same"}).status_code == 404
    assert manager.get(reverse("network:person_merge", args=[hidden.pk])).status_code == 404
    assert hidden.__class__.objects.get(pk=hidden.pk).status == NetworkStatus.ACTIVE
    assert f"?other={hidden.pk}" in client_for(leader).get(url).content.decode()  # named on the child


def test_a_stale_session_confirms_before_merging_or_reversing_and_changes_nothing(personas, leader, pair):
    kept, other, duplicate = pair
    merge = services.person_merge(source=PersonFactory(), target=PersonFactory(), actor=leader, reason="The same man")
    client = Client()
    client.force_login(personas["team_leader"])
    session = client.session
    session[FRESH_AT] = int(time.time()) - 16 * 60
    session.save()
    for url, data in (
        (reverse("network:person_merge", args=[kept.pk]), {"other": other.pk, "keep": kept.pk, "reason": "Same"}),
        (
            reverse("network:person_duplicate_detail", args=[duplicate.pk]),
            {"version": duplicate.version, "decision": f"keep-{kept.pk}", "reason": "Same"},
        ),
        (reverse("network:person_merge_detail", args=[merge.pk]), {"reason": "Not the same"}),
    ):
        response = client.post(url, data)
        assert response.status_code == 302 and response["Location"].startswith(reverse("core:reauth")), url
    assert client.get(reverse("network:person_merge", args=[kept.pk])).status_code == 302  # the merge page too
    assert client.get(reverse("network:person_merge_detail", args=[merge.pk])).status_code == 200  # reading is not
    assert PersonMerge.objects.get() == merge and merge.__class__.objects.get().reversed_at is None
    assert PersonDuplicate.objects.get().status == DuplicateStatus.OPEN


def test_the_pair_page_merges_keeping_either_record_or_marks_them_different(client_for, personas, pair):
    kept, other, duplicate = pair
    client = client_for(personas["fc_manager"])
    url = reverse("network:person_duplicate_detail", args=[duplicate.pk])
    page = client.get(url).content.decode()
    assert "Possible duplicate" in page and "Similar name" in page and f'value="keep-{other.pk}"' in page
    refused = client.post(url, {"version": duplicate.version, "decision": "maybe", "reason": ""})
    assert refused.status_code == 200 and "Enter how you know" in refused.content.decode()
    done = client.post(url, {"version": duplicate.version, "decision": f"keep-{other.pk}", "reason": "Confirmed"})
    assert done.status_code == 302
    kept.refresh_from_db()
    assert (kept.status, kept.merged_into) == (NetworkStatus.MERGED, other)
    resolved = client.get(url).content.decode()
    assert "Merged" in resolved and "govuk-radios" not in resolved


def test_a_merge_is_reversed_from_its_page(client_for, personas, leader, pair):
    kept, other, _ = pair
    merge = services.person_merge(source=other, target=kept, actor=leader, reason="Same")
    client = client_for(personas["fc_manager"])
    url = reverse("network:person_merge_detail", args=[merge.pk])
    page = client.get(url).content.decode()
    assert "Reverse the merge" in page and "Links moved" in page
    assert "Enter why the merge is being reversed" in client.post(url, {"reason": ""}).content.decode()
    assert client.post(url, {"reason": "Brothers"}).status_code == 302
    other.refresh_from_db()
    assert other.status == NetworkStatus.ACTIVE
    again = client.post(url, {"reason": "Again"})
    assert again.status_code == 200 and "already been reversed" in again.content.decode()
    assert "Merged persons of concern" in client.get(reverse("network:person_merge_list")).content.decode()


def test_the_lists_cost_the_same_queries_for_one_row_or_thirty(client_for, leader, django_assert_max_num_queries):
    client = client_for(leader)
    made = []

    def add(n):
        for _ in range(n):
            one, two = PersonFactory(created_by=leader), PersonFactory(created_by=leader)
            PersonDuplicate.objects.create(
                person=one, existing=two, matched_on="Similar name", found_when="added", found_by=leader,
                found_at=one.created_at,
            )  # fmt: skip
            made.append(services.person_merge(source=PersonFactory(), target=PersonFactory(), actor=leader, reason="x"))

    add(1)
    counts = {}
    for name in ("network:person_duplicate_list", "network:person_merge_list"):
        with django_assert_max_num_queries(40) as one:
            assert client.get(reverse(name)).status_code == 200
        counts[name] = len(one.captured_queries)
    add(29)
    for name, count in counts.items():
        with django_assert_max_num_queries(count):
            page = client.get(reverse(name))
        assert page.status_code == 200


def test_what_a_persons_page_shows_of_merges(personas, leader, rf):
    from django.contrib.messages import get_messages
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore

    from network.views import merge as merge_views

    kept, other = PersonFactory(), PersonFactory()
    merge = services.person_merge(source=other, target=kept, actor=leader, reason="The same man")
    other.refresh_from_db()
    assert merge_views.person_merge_context(leader, kept) == {"merges": [merge], "can_merge_person": True}
    assert merge_views.person_merge_context(leader, other) == {"merges": [merge], "can_merge_person": False}
    assert merge_views.person_merge_context(personas["screener"], kept) == {"merges": [], "can_merge_person": False}
    request = rf.get("/")
    request.user, request.session = personas["screener"], SessionStore()
    request._messages = FallbackStorage(request)
    assert merge_views.redirect_if_merged(request, kept) is None
    moved = merge_views.redirect_if_merged(request, other)
    assert moved.status_code == 302 and moved["Location"] == merge_views.person_page(
        kept, otherwise=reverse("network:person_merge", args=[kept.pk])
    )
    said = [str(m) for m in get_messages(request)]
    assert said == [f"Person {other.pk} ({other.display_name}) was merged into this record."]
    request.user = personas["health"]  # may not see the survivor: nothing said
    assert merge_views.redirect_if_merged(request, other) is None

"""Possible duplicates through the pages: the adviser's page is the same whether or not a hidden
record matched; a pair answers 404 to anyone who may not see it; the list by reader; query counts;
the navigation link for Family Connect managers and for the staff named on a restricted record."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from contacts import services
from contacts.choices import DuplicateStatus, RecordStatus
from contacts.models import Child, PossibleDuplicate
from core.models import Notification
from tests.factories import ChildFactory, PossibleDuplicateFactory

pytestmark = pytest.mark.django_db

NHS = "9434765919"
FORM = {
    "first_name": "Kayleigh",
    "last_name": "Hiddenrecord",
    "date_of_birth_day": "27",
    "date_of_birth_month": "3",
    "date_of_birth_year": "2011",
    "nhs_number": NHS,
    "gender": "female",
    "send_status": "not_known",
    "receiving_education": "unknown",
}


def restrict(child, personas, *named):
    return services.child_restrict(
        child=child,
        actor=personas["group_manager"],
        is_restricted=True,
        staff=[personas[name] for name in named],
        reason="Child of a member of staff",
    )


@pytest.fixture
def hidden(personas):
    child = ChildFactory(first_name="Kayleigh", last_name="Hiddenrecord", date_of_birth=dt.date(2011, 3, 27))
    child.nhs_number = NHS
    child.save()
    return restrict(child, personas, "team_leader")


@pytest.fixture
def pair(personas, hidden):
    """The advisor's record of the hidden child, and the pair it made."""
    with_record = services.child_create(
        actor=personas["advisor"], data={"first_name": "Kayleigh", "last_name": "Hiddenrecord", "nhs_number": NHS}
    )
    found = services.possible_duplicates_find(child_id=with_record.pk, actor=personas["advisor"], found_when="added")
    return found[0]


def _normalised(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r"\d+", "#", html)


def test_the_advisers_page_is_the_same_whether_or_not_a_hidden_record_matched(
    personas, client_for, hidden, django_capture_on_commit_callbacks
):
    client = client_for(personas["advisor"])
    url = reverse("contacts:child_create")
    with django_capture_on_commit_callbacks(execute=True):
        matched = client.post(url, FORM, follow=True)
    assert PossibleDuplicate.objects.count() == 1 and Notification.objects.exists()
    first = Child.objects.order_by("-pk").first()
    # The same again with nothing to match: the hidden record and the first record out of the way.
    Child.objects.filter(pk__in=[first.pk, hidden.pk]).update(status=RecordStatus.ENTERED_IN_ERROR)
    with django_capture_on_commit_callbacks(execute=True):
        unmatched = client.post(url, FORM, follow=True)
    assert PossibleDuplicate.objects.count() == 1
    second = Child.objects.order_by("-pk").first()
    assert matched.redirect_chain == [(first.get_absolute_url(), 302)]
    assert unmatched.redirect_chain == [(second.get_absolute_url(), 302)]
    pages = [response.content.decode() for response in (matched, unmatched)]
    assert _normalised(pages[0]) == _normalised(pages[1])
    assert "Hiddenrecord" in pages[0] and f"child {hidden.pk}" not in pages[0].lower()
    assert not Notification.objects.filter(recipient=personas["advisor"]).exists()


def test_a_pair_answers_404_to_anyone_not_named_on_its_restricted_record(personas, client_for, pair):
    url = pair.get_absolute_url()
    for name in personas:
        expected = 200 if name in ("team_leader", "group_manager") else 404
        assert client_for(personas[name]).get(url).status_code == expected, name
        if expected == 404:
            response = client_for(personas[name]).post(url, {"decision": "same", "reason": "x", "version": 1})
            assert response.status_code == 404, name
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.OPEN


def test_a_pair_of_open_records_is_the_fc_managers_and_a_missing_one_is_404(personas, client_for):
    pair = PossibleDuplicateFactory()
    assert client_for(personas["fc_manager"]).get(pair.get_absolute_url()).status_code == 200
    for name in ("screener", "advisor", "group_manager", "team_leader"):
        assert client_for(personas[name]).get(pair.get_absolute_url()).status_code == 404, name
    missing = reverse("contacts:duplicate_detail", args=[pair.pk + 1000])
    assert client_for(personas["fc_manager"]).get(missing).status_code == 404


def test_the_list_by_reader(personas, client_for, pair):
    PossibleDuplicateFactory(child=ChildFactory(first_name="Openpair"))
    leader = client_for(personas["team_leader"]).get(reverse("contacts:duplicate_list")).content.decode()
    assert f"Possible duplicate {pair.pk}" in leader and "Openpair" not in leader
    manager = client_for(personas["fc_manager"]).get(reverse("contacts:duplicate_list")).content.decode()
    assert "Openpair" in manager and f"Possible duplicate {pair.pk}<" not in manager and "Hiddenrecord" not in manager
    for name in ("advisor", "screener", "cate_worker", "auditor"):
        assert client_for(personas[name]).get(reverse("contacts:duplicate_list")).status_code == 403, name


def test_a_named_team_leader_merges_from_the_pair_page(personas, client_for, pair, hidden):
    client = client_for(personas["team_leader"])
    url = pair.get_absolute_url()
    page = client.get(url).content.decode()
    assert f"merge child {pair.child_id} into child {hidden.pk}, which stays restricted" in page
    refused = client.post(url, {"version": pair.version, "reason": "Same child"})
    assert refused.status_code == 200 and "Choose whether these records are the same child" in refused.content.decode()
    done = client.post(url, {"version": pair.version, "decision": "same", "reason": "Same NHS number"})
    assert done.status_code == 302 and done["Location"] == url
    pair.refresh_from_db()
    hidden.refresh_from_db()
    assert pair.status == DuplicateStatus.MERGED and hidden.is_restricted
    assert "Merged" in client.get(url).content.decode()


@pytest.mark.parametrize("rows", [1, 30])
def test_the_list_costs_the_same_queries_for_one_row_and_many(
    personas, client_for, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        PossibleDuplicateFactory()
    client = client_for(personas["fc_manager"])
    with django_assert_max_num_queries(15):  # the same for 1 row and 30
        response = client.get(reverse("contacts:duplicate_list"))
    assert response.status_code == 200
    assert response.content.decode().count("Possible duplicate ") >= min(rows, 25)


def test_the_navigation_links_the_list_for_fc_managers_and_named_staff_only(personas, client_for, hidden):
    home = reverse("core:home")
    link = f'href="{reverse("contacts:duplicate_list")}"'
    for name, shown in (("fc_manager", True), ("team_leader", True), ("screener", False), ("cate_worker", False)):
        page = client_for(personas[name]).get(home).content.decode()
        assert (link in page) is shown, name

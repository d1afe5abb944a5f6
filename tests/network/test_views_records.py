"""The pages of the network's own records: who opens them, search and filters, the record's page
(details, staff-safety banner, links, history), adding and changing with every fault at once,
entered in error, the navigation and the access log; lists and pages at a fixed number of queries."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from core.models import AccessLog
from network.choices import LinkKind, NetworkStatus, PlaceKind, PoliceStatus
from network.models import Person, Place
from riskpanel.choices import PanelStatus
from tests.factories import (
    ChildFactory,
    IdentifierFactory,
    LinkFactory,
    PanelMeetingFactory,
    PeerGroupFactory,
    PersonFactory,
    PlaceFactory,
    VehicleFactory,
)
from tests.security.forms import error_summary, form_data, post_form

pytestmark = pytest.mark.django_db

KINDS = {
    "person": PersonFactory,
    "place": PlaceFactory,
    "vehicle": VehicleFactory,
    "identifier": IdentifierFactory,
    "peer_group": PeerGroupFactory,
}


PERSON = {
    "kind": "suspect",
    "first_name": "Peer",
    "age_band": "not_known",
    "gender": "not_known",
    "police_status": "intelligence",
    "custody_status": "not_known",
}


def _open_panel_for(member):
    return PanelMeetingFactory(status=PanelStatus.OPEN, members=[member])


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_who_opens_a_records_page(kind, personas, client_for):
    record = KINDS[kind]()
    url = reverse(f"network:{kind}_detail", args=[record.pk])
    _open_panel_for(personas["panel_member"])
    expected = {
        "police": 200,
        "health": 404,
        "cate_worker": 200,
        "screener": 200,
        "group_manager": 200,
        "panel_member": 200,
        "advisor": 404,
        "auditor": 404,
        "administrator": 404,
    }
    got = {name: client_for(personas[name]).get(url).status_code for name in expected}
    assert got == expected


def test_a_panel_member_reads_the_network_only_while_invited_to_an_open_panel(personas, client_for):
    member = personas["panel_member"]
    person = PersonFactory()
    url = reverse("network:person_detail", args=[person.pk])
    assert client_for(member).get(url).status_code == 404
    panel = _open_panel_for(member)
    assert client_for(member).get(url).status_code == 200
    assert client_for(member).get(reverse("network:person_edit", args=[person.pk])).status_code == 403
    panel.status = PanelStatus.CLOSED
    panel.save(update_fields=["status"])
    assert client_for(member).get(url).status_code == 404


def test_the_group_manager_reads_but_is_refused_the_forms(personas, client_for):
    client = client_for(personas["group_manager"])
    person, group = PersonFactory(), PeerGroupFactory()
    link = LinkFactory(a=person, b=PlaceFactory())
    assert client.get(reverse("network:person_detail", args=[person.pk])).status_code == 200
    for url in (
        reverse("network:person_add"),
        reverse("network:person_edit", args=[person.pk]),
        reverse("network:person_entered_in_error", args=[person.pk]),
        reverse("network:person_link_add", args=[person.pk]),
        reverse("network:peer_group_member_add", args=[group.pk]),
        reverse("network:link_withdraw", args=[link.pk]),
    ):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"reason": "x"}).status_code == 403, url
    assert "Add a link" not in client.get(reverse("network:person_detail", args=[person.pk])).content.decode()


def test_the_navigation_offers_the_network_to_its_readers_only(personas, client_for):
    home = reverse("core:home")
    menu = '<a class="govuk-service-navigation__link" href="/network/"'
    for name, shown in (("police", True), ("health", False), ("cate_worker", True), ("advisor", False)):
        assert (menu in client_for(personas[name]).get(home).content.decode()) is shown, name


def test_a_persons_page_warns_of_staff_safety_and_shows_details_links_and_history(personas, client_for):
    worker = personas["cate_worker"]
    from network import services

    person = services.person_create(
        actor=worker,
        first_name="Dangerous",
        last_name="Dave",
        aliases="DD",
        police_status=PoliceStatus.BAIL,
        staff_safety_warning=True,
        staff_safety_reason="Threatened a social worker",
    )
    place = PlaceFactory(name="Corner takeaway", is_hotspot=True, hotspot_reason="Children seen late at night")
    services.link_add(actor=worker, a=person, b=place, kind=LinkKind.WORKS_AT)
    services.person_update(
        person=person, actor=personas["team_leader"], expected_version=person.version, description="Tall"
    )
    client = client_for(personas["police"])
    response = client.get(reverse("network:person_detail", args=[person.pk]))
    html = response.content.decode()
    assert "data-staff-safety" in html and "Threatened a social worker" in html
    assert "On bail" in html and "DD" in html
    assert f'href="{place.get_absolute_url()}"' in html and "Hotspot" in html
    assert "Works at or runs" in html
    assert "Last changed by" in html and str(personas["team_leader"]) in html
    assert "Person of concern added" in html and "Person of concern changed" in html
    assert AccessLog.objects.filter(user=personas["police"], object_id=str(person.pk)).exists()


def test_a_restricted_child_is_never_shown_to_those_not_named(personas, client_for):
    worker = personas["cate_worker"]
    person = PersonFactory()
    hidden = ChildFactory(first_name="Hiddenname", is_restricted=True)
    hidden.restricted_to.add(worker)
    LinkFactory(a=hidden, b=person)
    seen = ChildFactory(first_name="Seenname")
    LinkFactory(a=seen, b=person)
    url = reverse("network:person_detail", args=[person.pk])
    named = client_for(worker).get(url).content.decode()
    assert "Hiddenname" in named and "Seenname" in named
    for name in ("team_leader", "police", "screener", "other_worker"):
        html = client_for(personas[name]).get(url).content.decode()
        assert "Hiddenname" not in html, name
        assert "Seenname" in html, name
    # The child as a person of concern: 404 to those not named, as a record that does not exist.
    peer = PersonFactory(child=hidden, first_name="Hiddenpeer", is_juvenile=True)
    assert client_for(personas["team_leader"]).get(peer.get_absolute_url()).status_code == 404
    assert client_for(worker).get(peer.get_absolute_url()).status_code == 200
    listed = client_for(personas["team_leader"]).get(reverse("network:person_list") + "?q=Hiddenpeer")
    assert list(listed.context["page"].object_list) == []
    assert "Hiddenpeer" not in listed.content.decode().replace('value="Hiddenpeer"', "")


def test_the_other_end_is_a_link_only_when_the_reader_may_open_it(personas, client_for):
    person = PersonFactory()
    child = ChildFactory(first_name="Linkedchild")
    LinkFactory(a=child, b=person)
    url = reverse("network:person_detail", args=[person.pk])
    child_page = f'href="{child.get_absolute_url()}"'
    assert child_page in client_for(personas["screener"]).get(url).content.decode()
    police = client_for(personas["police"]).get(url).content.decode()
    assert "Linkedchild" in police and child_page not in police


def test_adding_a_person_shows_every_fault_at_once_and_keeps_what_was_typed(personas, client_for):
    client = client_for(personas["police"])
    url = reverse("network:person_add")
    page = client.get(url)
    data = {**form_data(post_form(page.content.decode())), **PERSON, "first_name": ""}
    data.update(
        {
            "police_status": "nfa",
            "staff_safety_warning": "on",
            "awn_issued_on_day": "40",
            "awn_issued_on_month": "1",
            "awn_issued_on_year": "2026",
            "licence_conditions": "Typed <b>carefully</b>",
        }
    )
    refused = client.post(url, data)
    html = refused.content.decode()
    summary = error_summary(html)
    assert refused.status_code == 200
    assert "Abduction Warning Notice issued must be a real date" in summary
    assert not Person.objects.exists()
    assert escape("Typed <b>carefully</b>") in html
    # The form's own faults first; then the service's, every one at once.
    data.update({"awn_issued_on_day": "", "awn_issued_on_month": "", "awn_issued_on_year": ""})
    refused = client.post(url, data)
    summary = error_summary(refused.content.decode())
    for message in (
        "Enter a name, an alias or nickname, or a description",
        "Enter why there was no further action",
        "Enter why staff should take care",
    ):
        assert message in summary
    data.update({"aliases": "Smudge", "nfa_reason": "No evidence", "staff_safety_reason": "Aggressive"})
    saved = client.post(url, data)
    person = Person.objects.get()
    assert saved.status_code == 302 and saved["Location"] == person.get_absolute_url()
    assert person.created_by == personas["police"] and person.history.get().history_user == personas["police"]


def test_a_persons_own_child_record_must_be_one_the_user_can_see(personas, client_for):
    client = client_for(personas["team_leader"])
    hidden = ChildFactory(is_restricted=True)
    url = reverse("network:person_add")
    data = {**form_data(post_form(client.get(url).content.decode())), **PERSON, "child": str(hidden.pk)}
    html = client.post(url, data).content.decode()
    assert "Enter the number of a child record you can see" in error_summary(html)
    visible = ChildFactory()
    data["child"] = str(visible.pk)
    assert client.post(url, data).status_code == 302
    assert Person.objects.get().child == visible


@pytest.mark.parametrize(
    ("kind", "data", "check"),
    [
        ("place", {"kind": PlaceKind.HOTEL, "name": "Grand", "postcode": "tf11aa"}, lambda r: r.postcode == "TF1 1AA"),
        ("vehicle", {"registration": "ab12 cde", "kind": "private"}, lambda r: r.registration == "AB12CDE"),
        ("identifier", {"kind": "phone", "value": "07700 900123"}, lambda r: r.value == "+447700900123"),
        ("peer_group", {"name": "Park lot"}, lambda r: r.name == "Park lot"),
    ],
)
def test_adding_each_kind_of_record(kind, data, check, personas, client_for):
    client = client_for(personas["cate_worker"])
    url = reverse(f"network:{kind}_add")
    base = form_data(post_form(client.get(url).content.decode()))
    response = client.post(url, {**base, **data})
    assert response.status_code == 302, error_summary(response.content.decode())
    record = client.get(response["Location"]).context["record"]
    assert check(record)


def test_an_empty_place_is_refused_with_its_faults_together(personas, client_for):
    client = client_for(personas["screener"])
    response = client.post(reverse("network:place_add"), {"is_hotspot": "on", "latitude": "52.1"})
    summary = error_summary(response.content.decode())
    assert "Select the type of place" in summary
    assert not Place.objects.exists()
    response = client.post(reverse("network:place_add"), {"kind": "park", "is_hotspot": "on", "latitude": "52.1"})
    summary = error_summary(response.content.decode())
    for message in (
        "Enter a name, an address, a postcode or a description of the place",
        "Enter why the place is a hotspot",
        "Enter both the latitude and the longitude, or neither",
    ):
        assert message in summary


def test_a_change_is_versioned_and_a_stale_one_refused(personas, client_for):
    place = PlaceFactory(name="Old name")
    client = client_for(personas["cate_worker"])
    url = reverse("network:place_edit", args=[place.pk])
    data = form_data(post_form(client.get(url).content.decode(), with_field="version"))
    assert client.post(url, {**data, "name": "New name"}).status_code == 302
    place.refresh_from_db()
    assert place.name == "New name" and place.history.latest().history_user == personas["cate_worker"]
    stale = client.post(url, {**data, "name": "Second name"})
    assert "Someone else changed this record" in error_summary(stale.content.decode())
    place.refresh_from_db()
    assert place.name == "New name"


def test_entered_in_error_needs_a_reason_leaves_the_lists_and_is_refused_a_second_time(personas, client_for):
    vehicle = VehicleFactory(registration="ER12ROR")
    client = client_for(personas["cate_worker"])
    url = reverse("network:vehicle_entered_in_error", args=[vehicle.pk])
    data = form_data(post_form(client.get(url).content.decode(), with_field="version"))
    assert "Enter why it was entered in error" in error_summary(client.post(url, data).content.decode())
    second_page = form_data(post_form(client.get(url).content.decode(), with_field="version"))
    assert client.post(url, {**data, "reason": "Duplicate"}).status_code == 302
    vehicle.refresh_from_db()
    assert vehicle.status == NetworkStatus.ENTERED_IN_ERROR
    assert "Entered in error: Duplicate" in vehicle.history.latest().history_change_reason
    assert "ER12ROR" not in client.get(reverse("network:vehicle_list")).content.decode()
    page = client.get(vehicle.get_absolute_url()).content.decode()
    assert "This record was entered in error" in page and "Change details" not in page
    again = client.post(url, {**second_page, "reason": "Typed again"})
    assert "entered in error: it cannot be changed" in error_summary(again.content.decode())
    assert "Typed again" in again.content.decode()
    assert client.get(url).status_code == 302  # the form of a record no longer current goes back to it


def test_lists_search_and_filter(personas, client_for):
    client = client_for(personas["police"])
    PersonFactory(first_name="Aaron", aliases="Snake", staff_safety_warning=True, staff_safety_reason="r")
    PersonFactory(first_name="Bella", police_status=PoliceStatus.CHARGED)
    persons = reverse("network:person_list")

    def names(url):
        return [p.first_name for p in client.get(url).context["page"].object_list]

    assert names(persons + "?q=snake") == ["Aaron"]
    assert names(persons + "?staff_safety=yes") == ["Aaron"]
    assert names(persons + "?police_status=charged") == ["Bella"]
    assert sorted(names(persons)) == ["Aaron", "Bella"]
    PlaceFactory(name="Hot place", is_hotspot=True, hotspot_reason="r", postcode="TF2 2BB")
    PlaceFactory(name="Cold place")
    places = client.get(reverse("network:place_list") + "?hotspot=yes&q=tf2").context["page"].object_list
    assert [p.name for p in places] == ["Hot place"]
    VehicleFactory(registration="XY51ABC")
    found = client.get(reverse("network:vehicle_list") + "?q=xy51 abc").context["page"].object_list
    assert [v.registration for v in found] == ["XY51ABC"]
    IdentifierFactory(value="+447700900555")
    found = client.get(reverse("network:identifier_list") + "?q=07700 900555").context["page"].object_list
    assert [i.value for i in found] == ["+447700900555"]
    assert AccessLog.objects.filter(user=personas["police"], path__startswith=persons).exists()


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_list_pages_make_a_fixed_number_of_queries(kind, personas, client_for, django_assert_max_num_queries):
    client = client_for(personas["cate_worker"])
    url = reverse(f"network:{kind}_list")
    KINDS[kind]()
    client.get(url)
    with django_assert_max_num_queries(20) as one:
        client.get(url)
    KINDS[kind].create_batch(30)
    with django_assert_max_num_queries(len(one.captured_queries)) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(one.captured_queries)


def test_a_records_page_makes_a_fixed_number_of_queries_however_many_links(
    personas, client_for, django_assert_max_num_queries
):
    client = client_for(personas["screener"])
    person = PersonFactory()
    LinkFactory(a=person, b=ChildFactory())
    url = reverse("network:person_detail", args=[person.pk])
    client.get(url)
    with django_assert_max_num_queries(40) as one:
        client.get(url)
    for _ in range(10):
        LinkFactory(a=person, b=ChildFactory())
        LinkFactory(a=person, b=PlaceFactory(), kind=LinkKind.FREQUENTS)
        LinkFactory(a=person, b=VehicleFactory(), kind=LinkKind.DRIVES)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(response.context["rows"]) == 31


def test_the_release_date_and_dates_round_trip_on_the_edit_form(personas, client_for):
    release = timezone.localdate() + dt.timedelta(days=20)
    person = PersonFactory(release_date=release)
    client = client_for(personas["team_leader"])
    url = reverse("network:person_edit", args=[person.pk])
    data = form_data(post_form(client.get(url).content.decode(), with_field="version"))
    assert data["release_date_day"] == [str(release.day)]
    assert client.post(url, data).status_code == 302
    person.refresh_from_db()
    assert person.release_date == release

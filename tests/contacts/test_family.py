"""The child's family and household: members, relationships to the child and to each other, a
sibling in the index linked and the family shared, "do not disclose address", and a restricted
relative kept out of the family, the genogram, its table and the panel paper of anyone not named on
them."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from contacts import family_selectors, genogram, services
from contacts.choices import FamilyRelationship, FamilyTieKind, Gender
from contacts.family_models import ChildRelationship, FamilyMember, FamilyTie
from riskpanel.choices import PanelStatus
from tests.factories import AgendaItemFactory, ChildFactory, PanelMeetingFactory, ReferralFactory, allocated_case

pytestmark = pytest.mark.django_db

SECRET_ADDRESS = "1 Hidden Lane, Nowhere"
RESTRICTED_NAME = "Rowanrestricted"


def rel(relationship, *, pr=False, lives=False, contact="", other=""):
    return {
        "relationship": relationship,
        "relationship_other": other,
        "parental_responsibility": pr,
        "lives_with_child": lives,
        "contact_arrangements": contact,
    }


def person(first, last="Example", gender=Gender.NOT_KNOWN, **kw):
    return {"first_name": first, "last_name": last, "gender": gender, "date_of_birth": None, "age": None,
            "address": "", "do_not_disclose_address": False, **kw}  # fmt: skip


@pytest.fixture
def family(personas):
    """A child with a case held by the persona worker; their mother (address not to be disclosed),
    their father separated from her, her partner and their son (the child's half-brother), another
    of the same age who is not known, and a sister in the index whose record is restricted to the
    Family Connect manager alone."""
    leader, worker, manager = personas["team_leader"], personas["cate_worker"], personas["fc_manager"]
    child = ChildFactory(first_name="Ashfamily", last_name="Example")
    case = allocated_case(leader, worker, referral=ReferralFactory(child=child))
    add = services.family_member_add
    mother = add(
        child=child, actor=worker,
        person=person("Maya", gender=Gender.FEMALE, address=SECRET_ADDRESS, do_not_disclose_address=True, age=38),
        relationship=rel(FamilyRelationship.MOTHER, pr=True, lives=True),
    )  # fmt: skip
    father = add(
        child=child, actor=worker, person=person("Frank", gender=Gender.MALE, age=41),
        relationship=rel(FamilyRelationship.FATHER, pr=True, contact="Saturdays, supervised"),
    )  # fmt: skip
    partner = add(
        child=child, actor=worker, person=person("Stefan", gender=Gender.MALE),
        relationship=rel(FamilyRelationship.PARENTS_PARTNER, lives=True),
    )  # fmt: skip
    half = add(
        child=child, actor=worker, person=person("Harry", gender=Gender.MALE, age=4),
        relationship=rel(FamilyRelationship.HALF_BROTHER, lives=True),
    )  # fmt: skip
    other = add(
        child=child, actor=worker, person=person("Sam"),
        relationship=rel(FamilyRelationship.OTHER, other="Godparent"),
    )  # fmt: skip
    sister = ChildFactory(first_name=RESTRICTED_NAME, last_name="Example", is_restricted=True)
    sister.restricted_to.add(manager)
    sister_member = add(
        child=child, actor=manager, person={}, relationship=rel(FamilyRelationship.SISTER), index_child=sister.pk
    )
    me = FamilyMember.objects.get(child=child)
    tie = services.family_tie_add
    for a, b, kind in (
        (mother, me, FamilyTieKind.PARENT_OF),
        (father, me, FamilyTieKind.PARENT_OF),
        (mother, father, FamilyTieKind.SEPARATED),
        (mother, partner, FamilyTieKind.PARTNERS),
        (mother, half, FamilyTieKind.PARENT_OF),
        (partner, half, FamilyTieKind.PARENT_OF),
        (me, half, FamilyTieKind.HALF_SIBLINGS),
    ):
        tie(child=child, a=a, b=b, kind=kind, actor=worker)
    for a, b, kind in ((mother, sister_member, FamilyTieKind.PARENT_OF), (me, sister_member, FamilyTieKind.SIBLINGS)):
        tie(child=child, a=a, b=b, kind=kind, actor=manager)
    return {"child": child, "case": case, "sister": sister, "mother": mother, "half": half, "other": other}


def test_the_family_holds_each_persons_relationship_with_history(family, personas):
    mother = family["mother"]
    relationship = ChildRelationship.objects.get(child=family["child"], member=mother)
    assert relationship.parental_responsibility and relationship.lives_with_child
    assert mother.history.first().history_user == personas["cate_worker"]
    assert ChildRelationship.objects.get(member=family["other"]).label == "Godparent"
    picture = family_selectors.family_of(family["child"], personas["fc_manager"])
    assert {p.name for p in picture.people} >= {"Maya Example", f"{RESTRICTED_NAME} Example", "Ashfamily Example"}


def test_the_sister_in_the_index_is_linked_and_shares_the_family(family, personas):
    manager = personas["fc_manager"]
    sister = family["sister"]
    member = FamilyMember.objects.get(child=sister)
    assert member.first_name == "" and member.family_id == family["mother"].family_id  # linked, not copied
    theirs = family_selectors.family_of(sister, manager)
    assert theirs.subject.name == f"{RESTRICTED_NAME} Example"
    assert {p.name for p in theirs.others} >= {"Maya Example", "Ashfamily Example"}
    # The sister's own relationships are hers to record; on her page the others are "Not recorded" until then.
    assert next(p for p in theirs.others if p.name == "Maya Example").relationship is None


@pytest.mark.parametrize("persona", ["cate_worker", "team_leader", "group_manager", "screener", "panel_member"])
def test_a_restricted_relative_is_in_no_picture_of_anyone_not_named(family, personas, persona):
    user = personas[persona]
    picture = family_selectors.family_of(family["child"], user)
    names = {p.name for p in picture.people}
    assert f"{RESTRICTED_NAME} Example" not in names
    sister_member = FamilyMember.objects.get(child=family["sister"])
    assert all(sister_member.pk not in (t.a_id, t.b_id) for t in picture.ties)
    if names:  # a panel member reads it only on the panel paper, as tested below
        svg = genogram.draw(picture)
        assert RESTRICTED_NAME not in svg and SECRET_ADDRESS not in svg


def test_the_genogram_draws_the_standard_symbols_accessibly(family, personas):
    picture = family_selectors.family_of(family["child"], personas["cate_worker"])
    svg = str(genogram.draw(picture))
    assert 'role="img"' in svg and 'aria-labelledby="genogram-title genogram-desc"' in svg
    assert '<title id="genogram-title">Genogram of Ashfamily Example&#x27;s family</title>' in svg
    assert "<desc" in svg and "In the household: Ashfamily Example, Maya Example, Stefan Example, Harry Example" in svg
    assert svg.count("<circle") == 3  # the mother, and the child (female) twice: the double outline
    assert "<rect" in svg  # the males
    assert "<polygon" in svg  # the diamond of the godparent, and the household boundary
    assert 'stroke-dasharray="8 5"' in svg  # the household
    assert "Maya Example and Frank Example: separated" in svg
    assert "Maya Example and Stefan Example: partners" in svg
    assert "Maya Example and Stefan Example: parents of Harry Example" in svg
    assert 'style="' not in svg and "<script" not in svg
    assert SECRET_ADDRESS not in svg


def test_the_child_is_drawn_with_a_double_outline_and_the_other_symbol_follows_the_setting(family, personas, settings):
    picture = family_selectors.family_of(family["child"], personas["cate_worker"])
    svg = str(genogram.draw(picture))
    # The child (female): an outer circle with no fill and the inner one filled.
    assert svg.count('fill="none" stroke="#0b0c0c" stroke-width="3"') == 1
    settings.GENOGRAM_OTHER_GENDER_SYMBOL = "question"
    assert ">?</text>" in str(genogram.draw(picture))


def test_names_are_escaped_in_the_drawing(personas):
    worker = personas["cate_worker"]
    child = ChildFactory()
    allocated_case(personas["team_leader"], worker, referral=ReferralFactory(child=child))
    services.family_member_add(
        child=child, actor=worker, person=person("<script>alert(1)</script>"), relationship=rel("aunt")
    )
    svg = str(genogram.draw(family_selectors.family_of(child, worker)))
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def page_main(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


@pytest.mark.parametrize(
    "url_of",
    [
        lambda f: reverse("contacts:family_detail", args=[f["child"].pk]),
        lambda f: reverse("contacts:child_detail", args=[f["child"].pk]),
        lambda f: reverse("cate:case_detail", args=[f["case"].pk]),
    ],
    ids=["family", "child", "case"],
)
def test_no_page_shows_the_restricted_sister_or_the_withheld_address(family, personas, client_for, url_of):
    for persona in ("cate_worker", "team_leader", "group_manager"):
        response = client_for(personas[persona]).get(url_of(family))
        assert response.status_code == 200, persona
        main = page_main(response)
        assert "Maya Example" in main and "Harry Example" in main
        assert RESTRICTED_NAME not in main and SECRET_ADDRESS not in main, persona
        assert "Do not disclose" in main


def test_the_family_page_shows_the_named_manager_the_sister(family, personas, client_for):
    main = page_main(
        client_for(personas["fc_manager"]).get(reverse("contacts:family_detail", args=[family["child"].pk]))
    )
    assert RESTRICTED_NAME in main and SECRET_ADDRESS not in main


def test_the_panel_paper_carries_the_family_without_the_restricted_sister(family, personas, client_for):
    member = personas["panel_member"]
    meeting = PanelMeetingFactory(status=PanelStatus.OPEN, members=[member], chair=personas["team_leader"])
    item = AgendaItemFactory(meeting=meeting, case=family["case"])
    response = client_for(member).get(reverse("riskpanel:item_detail", args=[meeting.pk, item.pk]))
    assert response.status_code == 200
    main = page_main(response)
    assert "Family and household" in main and "Maya Example" in main and "<svg" in main
    assert RESTRICTED_NAME not in main and SECRET_ADDRESS not in main


@pytest.mark.parametrize("persona", ["police", "health", "other_worker", "auditor", "administrator", "panel_member"])
def test_outsiders_find_no_family_page(family, personas, client_for, persona):
    client = client_for(personas[persona])
    assert client.get(reverse("contacts:family_detail", args=[family["child"].pk])).status_code == 404
    assert client.post(reverse("contacts:family_member_add", args=[family["child"].pk]), {}).status_code == 404


def test_linking_a_child_the_actor_may_not_open_answers_as_no_such_child(family, personas):
    worker = personas["cate_worker"]
    for number in (family["sister"].pk, 987654321, ChildFactory().pk):
        with pytest.raises(ValidationError) as refused:
            services.family_member_add(
                child=family["child"], actor=worker, person={}, relationship=rel("sister"), index_child=number
            )
        assert refused.value.message_dict["index_child"] == ["No child with that record number you may open"]


def test_a_child_with_a_family_of_their_own_is_not_pulled_into_another(family, personas):
    manager = personas["fc_manager"]
    cousin = ChildFactory()
    services.family_member_add(child=cousin, actor=manager, person=person("Aunt"), relationship=rel("aunt"))
    with pytest.raises(ValidationError) as refused:
        services.family_member_add(
            child=family["child"], actor=manager, person={}, relationship=rel("cousin"), index_child=cousin.pk
        )
    assert "already has a family recorded" in refused.value.message_dict["index_child"][0]


def test_bad_input_every_fault_at_once(family, personas):
    with pytest.raises(ValidationError) as refused:
        services.family_member_add(
            child=family["child"],
            actor=personas["cate_worker"],
            person=person("", "", gender="alien", date_of_birth=timezone.localdate() + dt.timedelta(days=3), age=300),
            relationship=rel("other"),
        )
    assert set(refused.value.message_dict) == {"first_name", "gender", "date_of_birth", "age", "relationship_other"}


def test_who_records_a_family(family, personas):
    for persona in ("police", "auditor", "administrator", "panel_member", "other_worker"):
        with pytest.raises(PermissionDenied):
            services.family_member_add(
                child=family["child"], actor=personas[persona], person=person("X"), relationship=rel("aunt")
            )


def test_partners_become_separated_and_the_tie_is_replaced_not_deleted(family, personas):
    worker = personas["cate_worker"]
    mother = family["mother"]
    partner = FamilyMember.objects.get(first_name="Stefan")
    services.family_tie_add(child=family["child"], a=partner, b=mother, kind=FamilyTieKind.SEPARATED, actor=worker)
    ties = FamilyTie.objects.filter(a__in=[mother, partner], b__in=[mother, partner])
    assert {(t.kind, t.withdrawn) for t in ties} == {(FamilyTieKind.PARTNERS, True), (FamilyTieKind.SEPARATED, False)}
    with pytest.raises(ValidationError):
        services.family_tie_add(child=family["child"], a=mother, b=mother, kind=FamilyTieKind.PARTNERS, actor=worker)


def test_withdrawing_a_person_keeps_them_and_withdraws_their_ties(family, personas):
    worker = personas["cate_worker"]
    half = family["half"]
    services.family_member_withdraw(
        child=family["child"], member=half, actor=worker, reason="Recorded on the wrong child"
    )
    half.refresh_from_db()
    assert half.withdrawn and half.withdrawn_reason == "Recorded on the wrong child"
    assert not FamilyTie.objects.filter(b=half, withdrawn=False).exists()
    assert "Harry Example" not in {p.name for p in family_selectors.family_of(family["child"], worker).people}


def test_a_member_edit_through_the_page_keeps_what_was_typed_on_an_error(family, personas, client_for):
    mother = family["mother"]
    url = reverse("contacts:family_member_edit", args=[family["child"].pk, mother.pk])
    client = client_for(personas["cate_worker"])
    form = client.get(url)
    assert form.status_code == 200 and SECRET_ADDRESS in form.content.decode()  # the recorder sees it to change it
    data = {"version": mother.version, "first_name": "Maya<b>", "relationship": "other"}
    response = client.post(url, {**data, "parental_responsibility": "yes", "lives_with_child": "yes"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Describe the relationship" in html and "Maya&lt;b&gt;" in html


def test_the_family_pages_make_the_same_queries_whatever_the_size(personas, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    worker = personas["cate_worker"]
    child = ChildFactory()
    case = allocated_case(personas["team_leader"], worker, referral=ReferralFactory(child=child))
    client = client_for(worker)
    pages = [
        reverse("contacts:family_detail", args=[child.pk]),
        reverse("contacts:child_detail", args=[child.pk]),
        reverse("cate:case_detail", args=[case.pk]),
    ]
    counts = []
    previous = None
    for size in (2, 12):
        while FamilyMember.objects.filter(family__members__child=child).count() < size:
            member = services.family_member_add(
                child=child, actor=worker, person=person(f"Rel{previous.pk if previous else 0}", gender=Gender.FEMALE),
                relationship=rel("aunt"),
            )  # fmt: skip
            if previous is not None:
                services.family_tie_add(child=child, a=previous, b=member, kind=FamilyTieKind.SIBLINGS, actor=worker)
            previous = member
        for url in pages:
            client.get(url)  # warm the session
        found = []
        for url in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found.append(len(queries))
        counts.append(found)
    assert counts[0] == counts[1], counts

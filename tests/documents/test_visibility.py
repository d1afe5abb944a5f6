"""A document is seen exactly as its record is, by every persona: through the record's own
declaration (core.contract's `document_owners`), less sensitive documents for the roles the setting
does not name, and withdrawn ones for everyone. MACE compartments: an enquiry's documents are seen by
every agency it was sent to, an agency's answer's documents only as that answer is. A restricted
child's documents, on any of its records, only by its named staff."""

from __future__ import annotations

import pytest
from django.http import Http404

from contacts import services as contact_services
from documents import owners, selectors
from documents.choices import Sensitivity
from documents.permissions import may_see_sensitive
from tests.factories.documents import document_on

pytestmark = pytest.mark.django_db

# Each kind of record that holds documents, and the world's record of it.
ON = {
    "child": "child",
    "contact": "contact",
    "mace": "mace",
    "mace-entry": "mace_entry",
    "case": "case",
    "panel": "panel",
    "panel-paper": "panel_item",
    "strategy-meeting": "strategy_meeting",
    "safety-plan": "safety_plan",
    "person": "person",
}


def test_every_declared_kind_of_record_is_covered():
    assert {owner.key for owner in owners.all_owners()} == set(ON)


@pytest.fixture
def documented(rich_world):
    actor = rich_world.personas["team_leader"]
    documents = {key: document_on(rich_world[name], key, actor=actor, title=key) for key, name in ON.items()}
    health_entry = rich_world["mace"].entries.get(agency=rich_world.personas["health"].agency)
    documents["health-entry"] = document_on(health_entry, "mace-entry", actor=actor)
    documents["sensitive"] = document_on(rich_world["case"], "case", actor=actor, sensitivity=Sensitivity.SENSITIVE)
    documents["withdrawn"] = document_on(rich_world["case"], "case", actor=actor, withdrawn=True)
    return documents


def _sees_record(user, document) -> bool:
    owner = owners.owner_of_type(document.owner_type_id)
    try:
        owners.get_record(owner, user, document.owner_id)
    except Http404:
        return False
    return True


def _expected(user, document) -> bool:
    return (
        _sees_record(user, document)
        and document.withdrawn_at is None
        and (document.sensitivity != Sensitivity.SENSITIVE or may_see_sensitive(user))
    )


def _gets(user, document) -> bool:
    try:
        selectors.document_get_for_user(user, document.pk)
    except Http404:
        return False
    return True


def _check_every_persona(world, documents) -> dict[str, set[str]]:
    seen_by = {}
    for name, user in world.personas.items():
        listed = set(selectors.documents_visible_to(user).values_list("pk", flat=True))
        seen = set()
        for label, document in documents.items():
            expected = _expected(user, document)
            assert (document.pk in listed) == expected, f"{name} lists {label}: {not expected}"
            assert _gets(user, document) == expected, f"{name} opens {label}: {not expected}"
            if expected:
                seen.add(label)
        seen_by[name] = seen
    return seen_by


def test_every_document_is_seen_exactly_as_its_record_by_every_persona(rich_world, documented):
    seen_by = _check_every_persona(rich_world, documented)
    # The answers the rule gives, spelt out for the compartments and roles that matter most.
    assert seen_by["police"] >= {"mace", "mace-entry"} and "health-entry" not in seen_by["police"]
    assert seen_by["health"] >= {"mace", "health-entry"} and "mace-entry" not in seen_by["health"]
    assert not seen_by["police"] & {"child", "contact", "case", "sensitive"}
    assert seen_by["cate_worker"] >= {"case", "sensitive", "strategy-meeting", "safety-plan"}
    assert "case" not in seen_by["other_worker"]
    assert "sensitive" not in seen_by["screener"] and "sensitive" in seen_by["team_leader"]
    assert not any("withdrawn" in seen for seen in seen_by.values())
    assert seen_by["auditor"] == set() and seen_by["administrator"] == set()


def test_a_restricted_childs_documents_are_seen_only_by_its_named_staff(rich_world, documented):
    personas = rich_world.personas
    contact_services.child_restrict(
        child=rich_world["case"].child,
        actor=personas["team_leader"],
        is_restricted=True,
        staff=[personas["cate_worker"]],
        reason="Child of a member of staff",
    )
    seen_by = _check_every_persona(rich_world, documented)
    about_child = {
        label for label, document in documented.items() if document.child_number == rich_world["case"].child_id
    }
    assert {"case", "strategy-meeting", "safety-plan"} <= about_child
    for name in ("group_manager", "screener", "fc_manager", "other_worker", "panel_member", "police"):
        assert not seen_by[name] & about_child, f"{name} sees {seen_by[name] & about_child}"
    assert {"case", "strategy-meeting", "safety-plan"} <= seen_by["cate_worker"]


@pytest.mark.parametrize("persona", ["cate_worker", "team_leader", "group_manager"])
def test_the_case_list_holds_the_case_its_child_its_papers_meetings_and_plans(rich_world, documented, persona):
    user = rich_world.personas[persona]
    case = rich_world["case"]
    family = {"case", "sensitive", "strategy-meeting", "safety-plan"}
    if rich_world["panel_item"].case_id == case.pk:
        family.add("panel-paper")
    if rich_world["child"].pk == case.child_id:
        family.add("child")
    listed = {document.pk for document in selectors.documents_of_record(user, owners.owner_by_key("case"), case)}
    expected = {documented[label].pk for label in family if _expected(user, documented[label])}
    expected.add(rich_world["document"].pk)  # the world's own document on the case
    assert listed == expected
    assert documented["case"].pk in listed and documented["strategy-meeting"].pk in listed
    assert not selectors.documents_of_record(user, owners.owner_by_key("case"), case, kind="court").exists()

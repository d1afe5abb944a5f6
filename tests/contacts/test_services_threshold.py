"""The threshold assessment: ten factors, the screener's overall level, revisions with history."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from contacts import services
from contacts.choices import (
    ContactStatus,
    ExploitationFactor,
    FactorLevel,
    ThresholdLevel,
    ThresholdStatus,
    highest_threshold_of,
)
from core.exceptions import StaleRecord, TransitionNotAllowed
from tests.factories import ContactFactory, factor_levels

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("levels", "highest"),
    [
        ([], ThresholdLevel.UNIVERSAL),
        ([FactorLevel.NOT_PRESENT] * 10, ThresholdLevel.UNIVERSAL),
        ([FactorLevel.UNIVERSAL, FactorLevel.NOT_PRESENT], ThresholdLevel.UNIVERSAL),
        ([FactorLevel.VULNERABLE, FactorLevel.UNIVERSAL], ThresholdLevel.VULNERABLE),
        ([FactorLevel.COMPLEX, FactorLevel.VULNERABLE, FactorLevel.NOT_PRESENT], ThresholdLevel.COMPLEX),
        ([FactorLevel.UNIVERSAL, FactorLevel.ACUTE, FactorLevel.COMPLEX], ThresholdLevel.ACUTE),
    ],
)
def test_the_highest_factor_level(levels, highest):
    assert highest_threshold_of(levels) == highest


def test_a_screener_assesses_all_ten_factors(screener):
    contact = ContactFactory()
    factors = factor_levels(coercion=FactorLevel.COMPLEX, running_away=FactorLevel.VULNERABLE)
    assessment = services.threshold_assess(
        contact=contact, actor=screener, factors=factors, overall_level=ThresholdLevel.COMPLEX
    )
    assert set(assessment.factors) == set(ExploitationFactor.values) and len(assessment.factors) == 10
    assert assessment.factors["coercion"] == {"level": "complex", "evidence": "Seen: coercion/control"}
    assert (assessment.assessed_by, assessment.reason_differs_from_highest) == (screener, "")
    record = assessment.history.get()
    assert (record.history_user, record.history_change_reason) == (screener, "Threshold assessment recorded")
    contact.refresh_from_db()
    assert (contact.status, contact.assigned_to) == (ContactStatus.IN_SCREENING, screener)
    assert contact.history.latest().history_change_reason == "Screening started"


def test_every_factor_needs_a_level_and_present_ones_evidence(screener):
    contact = ContactFactory()
    factors = factor_levels()
    factors.pop("education")
    factors["offending"] = {"level": FactorLevel.ACUTE, "evidence": "  "}
    with pytest.raises(ValidationError) as caught:
        services.threshold_assess(contact=contact, actor=screener, factors=factors, overall_level="acute")
    assert set(caught.value.message_dict) == {"education_level", "offending_evidence"}


def test_an_overall_level_other_than_the_highest_factor_needs_a_reason(screener):
    contact = ContactFactory()
    factors = factor_levels(coercion=FactorLevel.COMPLEX)
    with pytest.raises(ValidationError) as caught:
        services.threshold_assess(contact=contact, actor=screener, factors=factors, overall_level="acute")
    assert caught.value.message_dict["reason_differs_from_highest"] == [
        "Explain why the overall level differs from the highest factor level (Complex)"
    ]
    assessment = services.threshold_assess(
        contact=contact,
        actor=screener,
        factors=factors,
        overall_level="acute",
        reason_differs_from_highest="Several factors together; the child was found 40 miles away.",
    )
    assert assessment.overall_level == "acute" and assessment.reason_differs_from_highest


def test_revisions_need_a_reason_and_keep_history(screener, personas):
    contact = ContactFactory()
    factors = factor_levels(coercion=FactorLevel.VULNERABLE)
    first = services.threshold_assess(contact=contact, actor=screener, factors=factors, overall_level="vulnerable")
    revised = factor_levels(coercion=FactorLevel.ACUTE)
    with pytest.raises(ValidationError) as caught:
        services.threshold_assess(
            contact=contact, actor=screener, factors=revised, overall_level="acute", expected_version=first.version
        )
    assert "revision_reason" in caught.value.message_dict
    with pytest.raises(StaleRecord):
        services.threshold_assess(
            contact=contact,
            actor=screener,
            factors=revised,
            overall_level="acute",
            expected_version=7,
            revision_reason="x",
        )
    second = services.threshold_assess(
        contact=contact,
        actor=screener,
        factors=revised,
        overall_level="acute",
        revision_reason="Police information received",
        expected_version=first.version,
    )
    assert second.pk == first.pk and second.version == first.version + 1
    history = list(second.history.order_by("history_date"))
    assert [(h.overall_level, h.history_change_reason, h.history_user) for h in history] == [
        ("vulnerable", "Threshold assessment recorded", screener),
        ("acute", "Revised: Police information received", screener),
    ]
    # Saving the same assessment again changes nothing.
    services.threshold_assess(contact=contact, actor=screener, factors=revised, overall_level="acute")
    assert second.history.count() == 2
    with pytest.raises(PermissionDenied):
        services.threshold_assess(contact=contact, actor=personas["advisor"], factors=revised, overall_level="acute")


def test_no_assessment_change_after_the_decision(screener):
    contact = ContactFactory(status=ContactStatus.DECIDED, outcome="information_advice")
    with pytest.raises(TransitionNotAllowed):
        services.threshold_assess(contact=contact, actor=screener, factors=factor_levels(), overall_level="universal")


def test_a_draft_saves_with_any_part_written_and_completing_names_every_gap(screener):
    contact = ContactFactory()
    partial = {"coercion": {"level": FactorLevel.COMPLEX, "evidence": ""}, "education": {"level": "", "evidence": "x"}}
    draft = services.threshold_assess(contact=contact, actor=screener, factors=partial, overall_level="", draft=True)
    assert (draft.status, draft.overall_level) == (ThresholdStatus.DRAFT, "")
    assert draft.factors["coercion"] == {"level": "complex", "evidence": ""}
    assert draft.factors["education"] == {"level": "", "evidence": "x"}
    assert draft.history.get().history_change_reason == "Threshold assessment saved as a draft"
    contact.refresh_from_db()
    assert contact.status == ContactStatus.IN_SCREENING  # drafting starts the screening

    with pytest.raises(ValidationError) as caught:
        services.threshold_assess(
            contact=contact, actor=screener, factors=partial, overall_level="", expected_version=draft.version
        )
    errors = caught.value.message_dict
    assert set(errors) == {"coercion_evidence", "overall_level"} | {
        f"{f.value}_level" for f in ExploitationFactor if f.value != "coercion"
    }
    assert errors["coercion_evidence"] == ["Enter the evidence for coercion/control"]
    draft.refresh_from_db()
    assert draft.status == ThresholdStatus.DRAFT

    done = services.threshold_assess(
        contact=contact,
        actor=screener,
        factors=factor_levels(coercion=FactorLevel.COMPLEX),
        overall_level="complex",
        expected_version=draft.version,
    )
    assert done.status == ThresholdStatus.COMPLETE
    assert done.history.latest().history_change_reason == "Threshold assessment completed"
    with pytest.raises(TransitionNotAllowed):  # a complete assessment is revised, never a draft again
        services.threshold_assess(
            contact=contact, actor=screener, factors=partial, overall_level="", draft=True, revision_reason="x"
        )


def test_a_draft_still_checks_the_format_of_what_is_written(screener):
    contact = ContactFactory()
    factors = {"coercion": {"level": "very high", "evidence": "x" * 2001}, "astrology": {"level": "acute"}}
    with pytest.raises(ValidationError) as caught:
        services.threshold_assess(contact=contact, actor=screener, factors=factors, overall_level="huge", draft=True)
    assert set(caught.value.message_dict) == {"coercion_level", "coercion_evidence", "overall_level", "__all__"}


def test_a_revision_names_its_missing_reason_with_every_other_gap(screener):
    contact = ContactFactory()
    first = services.threshold_assess(
        contact=contact, actor=screener, factors=factor_levels(), overall_level="universal"
    )
    factors = factor_levels(coercion=FactorLevel.ACUTE)
    factors["coercion"]["evidence"] = ""
    with pytest.raises(ValidationError) as caught:
        services.threshold_assess(
            contact=contact, actor=screener, factors=factors, overall_level="acute", expected_version=first.version
        )
    assert set(caught.value.message_dict) == {"coercion_evidence", "revision_reason"}


def test_a_draft_is_not_enough_to_decide(screener):
    contact = ContactFactory()
    services.threshold_assess(contact=contact, actor=screener, factors=factor_levels(), overall_level="", draft=True)
    contact.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        services.contact_decide(contact=contact, actor=screener, outcome="information_advice", outcome_detail="x")
    assert "Complete the threshold assessment before deciding." in caught.value.messages

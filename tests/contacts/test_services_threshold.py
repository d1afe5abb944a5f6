"""The threshold assessment: ten factors, the screener's overall level, revisions with history."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from contacts import services
from contacts.choices import ContactStatus, ExploitationFactor, FactorLevel, ThresholdLevel, highest_threshold_of
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

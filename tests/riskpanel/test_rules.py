"""Rules with no database: the colour of a risk level from the council's mapping setting."""

import pytest

from cate.choices import RiskLevel
from core.selectors import ServiceSettings
from core.services import setting_update
from riskpanel import rules
from riskpanel.choices import RagColour

DEFAULT_COLOURS = {
    RiskLevel.HIGH: RagColour.RED,
    RiskLevel.MEDIUM_HIGH: RagColour.AMBER,
    RiskLevel.MEDIUM: RagColour.AMBER,
    RiskLevel.LOW_MEDIUM: RagColour.GREEN,
    RiskLevel.LOW: RagColour.GREEN,
}


@pytest.mark.parametrize(("level", "colour"), DEFAULT_COLOURS.items())
def test_the_default_mapping_of_risk_levels_to_colours(level, colour):
    assert rules.rag_colour(level, ServiceSettings(overrides={})) == colour


@pytest.mark.django_db
def test_a_council_can_map_medium_high_to_red(personas):
    mapping = {"high": "red", "medium_high": "red", "medium": "amber", "low_medium": "green", "low": "green"}
    setting_update(key="rag_mapping", value=mapping, actor=personas["group_manager"], reason="Local protocol")
    settings = ServiceSettings()
    assert rules.rag_colour("medium_high", settings) == RagColour.RED
    assert rules.rag_colour("medium", settings) == RagColour.AMBER

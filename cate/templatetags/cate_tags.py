"""Tags for CATE casework pages: risk levels and case statuses as GOV.UK tags."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from cate.choices import CaseStatus, RiskLevel

register = template.Library()

RISK_TAG_CLASSES = {
    RiskLevel.HIGH: "govuk-tag--red",
    RiskLevel.MEDIUM_HIGH: "govuk-tag--orange",
    RiskLevel.MEDIUM: "govuk-tag--yellow",
    RiskLevel.LOW_MEDIUM: "govuk-tag--green",
    RiskLevel.LOW: "govuk-tag--green",
}
STATUS_TAG_CLASSES = {
    CaseStatus.OPEN: "govuk-tag--blue",
    CaseStatus.CLOSURE_PROPOSED: "govuk-tag--yellow",
    CaseStatus.CLOSED: "govuk-tag--grey",
}


@register.filter
def risk_tag(level: str):
    if not level:
        return format_html('<strong class="govuk-tag govuk-tag--grey">{}</strong>', "Not yet assessed")
    level = RiskLevel(level)
    return format_html('<strong class="govuk-tag {}">{}</strong>', RISK_TAG_CLASSES[level], level.label)


@register.filter
def case_status_tag(status: str):
    status = CaseStatus(status)
    return format_html('<strong class="govuk-tag {}">{}</strong>', STATUS_TAG_CLASSES[status], status.label)


@register.filter
def yes_no(value) -> str:
    return "Not recorded" if value is None else ("Yes" if value else "No")

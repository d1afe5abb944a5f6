"""Tags of the front door's pages: statuses, levels and markers as GOV.UK tags."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join

from contacts.choices import ContactStatus, FactorLevel, ThresholdLevel

register = template.Library()

_STATUS_CLASSES = {
    ContactStatus.AWAITING_SCREENING: "govuk-tag--blue",
    ContactStatus.IN_SCREENING: "govuk-tag--light-blue",
    ContactStatus.DECIDED: "govuk-tag--green",
    ContactStatus.ENTERED_IN_ERROR: "govuk-tag--grey",
}
_LEVEL_CLASSES = {
    "not_present": "govuk-tag--grey",
    "universal": "govuk-tag--green",
    "vulnerable": "govuk-tag--yellow",
    "complex": "govuk-tag--orange",
    "acute": "govuk-tag--red",
}


@register.filter
def contact_status_tag(contact) -> str:
    status = ContactStatus(contact.status)
    return format_html('<strong class="govuk-tag {}">{}</strong>', _STATUS_CLASSES[status], status.label)


@register.filter
def level_tag(code: str) -> str:
    if not code:
        return ""
    label = ThresholdLevel(code).label if code in ThresholdLevel.values else FactorLevel(code).label
    return format_html('<strong class="govuk-tag {}">{}</strong>', _LEVEL_CLASSES.get(code, ""), label)


@register.filter
def child_markers(child) -> str:
    """The markers a screener must not miss: CATE, care, restriction, merged."""
    if child is None:
        return ""
    tags = []
    if child.open_to_cate:
        tags.append(("govuk-tag--red", "Open to CATE"))
    if child.previously_known_to_cate:
        tags.append(("govuk-tag--orange", "Previously known to CATE"))
    if child.in_care:
        tags.append(("govuk-tag--purple", "Child in care"))
    if child.is_restricted:
        tags.append(("govuk-tag--pink", "Restricted record"))
    if child.status == "merged":
        tags.append(("govuk-tag--grey", "Merged"))
    return format_html_join(" ", '<strong class="govuk-tag {}">{}</strong>', tags)


@register.filter
def yes_no(value) -> str:
    return {True: "Yes", False: "No"}.get(value, "Not known")


@register.filter
def history_label(record) -> str:
    return {"+": "Created", "~": "Changed", "-": "Deleted"}.get(record.history_type, "Changed")

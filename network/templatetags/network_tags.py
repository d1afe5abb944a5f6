"""How the network's pages show its records."""

from django import template

from ..choices import IdentifierKind
from ..rules import display_phone

register = template.Library()


@register.filter
def identifier_shown(identifier) -> str:
    """A phone number as people write it; a handle with its platform; an e-mail address as stored."""
    if identifier.kind == IdentifierKind.PHONE:
        return display_phone(identifier.value)
    if identifier.kind == IdentifierKind.HANDLE:
        return f"@{identifier.value}"
    return identifier.value


@register.filter
def history_label(record) -> str:
    return {"+": "Added", "~": "Changed", "-": "Deleted"}.get(record.history_type, "Changed")

"""Pure rules of the network: no database. How numbers, handles and registrations are written so
that the same one typed twice is found once."""

from __future__ import annotations

import re

import phonenumbers

from .choices import IdentifierKind

# The region a number without a country code is read in.
DEFAULT_PHONE_REGION = "GB"


def normalise_registration(value: str) -> str:
    """'ab12 cde' -> 'AB12CDE': a registration mark without spaces or punctuation, upper case."""
    return re.sub(r"[^A-Z0-9]", "", (value or "").upper())


def normalise_phone(value: str) -> str | None:
    """A phone number in international form ('07700 900123' -> '+447700900123'), or None when it is
    not a possible number."""
    try:
        number = phonenumbers.parse(value or "", DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(value: str) -> str:
    """'+447700900123' -> '07700 900123' (national form for UK numbers, international otherwise)."""
    try:
        number = phonenumbers.parse(value, DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException:
        return value
    region = phonenumbers.region_code_for_number(number)
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if region == DEFAULT_PHONE_REGION
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


_HANDLE = re.compile(r"^[\w.\-]{1,100}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_identifier(kind: str, value: str) -> tuple[str | None, str]:
    """(the stored form, or None, and the message when it is not one). Handles lose a leading '@'
    and their case; e-mail addresses their case."""
    text = (value or "").strip()
    if not text:
        return None, "Enter the number, handle or e-mail address"
    if kind == IdentifierKind.PHONE:
        number = normalise_phone(text)
        return (number, "") if number else (None, "Enter a phone number, like 07700 900123 or +44 7700 900123")
    if kind == IdentifierKind.HANDLE:
        handle = text.lstrip("@").lower()
        if not _HANDLE.match(handle):
            return None, "Enter the handle with letters, numbers, dots, dashes and underscores only"
        return handle, ""
    if kind == IdentifierKind.EMAIL:
        email = text.lower()
        return (email, "") if _EMAIL.match(email) else (None, "Enter an e-mail address, like name@example.com")
    return None, "Select what kind of identifier it is"


def aliases_of(text: str) -> list[str]:
    """The aliases and nicknames typed, one per comma."""
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def identifier_typed(text: str) -> tuple[str, str] | None:
    """(kind, stored form) of a phone number or e-mail address typed in a search, or None: what
    "add it as a new one" offers when no record of it is found."""
    text = (text or "").strip()
    if "@" in text and not text.startswith("@"):
        email, _ = normalise_identifier(IdentifierKind.EMAIL, text)
        return (IdentifierKind.EMAIL, email) if email else None
    if sum(c.isdigit() for c in text) >= 6:
        number = normalise_phone(text)
        return (IdentifierKind.PHONE, number) if number else None
    return None


def context_paper(context) -> str:
    """The paper of a context panel item as listed: what the context is (a place's name, kind and
    address; a peer group's name). Never its description nor anything about children, who are shown
    live on the item's page only to readers who may see them."""
    if hasattr(context, "postcode"):
        lines = [f"Place: {context.name or context.get_kind_display()}", f"Kind: {context.get_kind_display()}"]
        where = ", ".join(part for part in (context.address.strip().replace("\n", ", "), context.postcode) if part)
        if where:
            lines.append(f"Address: {where}")
        return "\n".join(lines)
    return f"Peer group: {context.name}"

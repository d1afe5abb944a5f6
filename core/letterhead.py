"""The council's letterhead on letters and printed documents: name, postal address and logo,
from the settings LETTERHEAD_NAME, LETTERHEAD_ADDRESS (lines separated by "|") and
LETTERHEAD_LOGO (a path among the static files; empty for none)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.templatetags.static import static


@dataclass(frozen=True)
class Letterhead:
    name: str
    address_lines: tuple[str, ...]
    logo_url: str  # the logo's static URL, "" for none


def letterhead() -> Letterhead:
    address = tuple(line.strip() for line in settings.LETTERHEAD_ADDRESS.split("|") if line.strip())
    logo = settings.LETTERHEAD_LOGO.strip().lstrip("/")
    return Letterhead(name=settings.LETTERHEAD_NAME, address_lines=address, logo_url=static(logo) if logo else "")

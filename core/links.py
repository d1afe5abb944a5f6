"""Pages of other apps about the same case, for the case page's "See also" links.

The app showing a case must not import the apps built on it; those apps declare their case pages in
their AppConfig (`case_links`, the app contract of core.contract) and the case page lists them."""

from __future__ import annotations

from django.urls import reverse

from . import contract
from .contract import CaseLink

__all__ = ["CaseLink", "case_links"]


def case_links(case_id: int) -> list[tuple[str, str]]:
    """(label, url) of every declared page about the case. Each page checks access itself."""
    return [(link.label, reverse(link.url_name, args=[case_id])) for link in contract.contributions("case_links")]

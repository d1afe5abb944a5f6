"""Pages of other apps about the same case, for the case page's "See also" links.

cate/ shows a case but must not import the apps built on it (riskpanel, reporting); those apps
register their case pages here at start-up (AppConfig.ready) and the case page lists them."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class CaseLink:
    label: str
    url_name: str


_case_links: list[CaseLink] = []


def register_case_link(label: str, url_name: str) -> None:
    link = CaseLink(label, url_name)
    if link not in _case_links:
        _case_links.append(link)


def case_links(case_id: int) -> list[tuple[str, str]]:
    """(label, url) of every registered page about the case. Each page checks access itself."""
    return [(link.label, reverse(link.url_name, args=[case_id])) for link in _case_links]

"""Navigation by role: each app's AppConfig declares its items (`nav_items`, the app contract of
core.contract); core shows those the user may use."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from . import contract
from .roles import Role, user_roles


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[Role]
    order: int = 50


def nav_items_for(user, current_path: str) -> list[dict]:
    roles = user_roles(user)
    items = sorted((item for item in contract.contributions("nav_items") if item.roles & roles), key=lambda i: i.order)
    result = []
    for item in items:
        href = reverse(item.url_name)
        active = current_path.startswith(href) if href != "/" else current_path == "/"
        result.append({"text": item.label, "href": href, "active": active})
    return result

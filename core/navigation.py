"""Navigation by role: each app's AppConfig lists its items; core shows those the user may use."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.urls import reverse

from .roles import Role, user_roles


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[Role]
    order: int = 50


def nav_items_for(user, current_path: str) -> list[dict]:
    roles = user_roles(user)
    items: list[NavItem] = []
    for config in apps.get_app_configs():
        items.extend(item for item in getattr(config, "nav_items", ()) if item.roles & roles)
    items.sort(key=lambda i: i.order)
    result = []
    for item in items:
        href = reverse(item.url_name)
        active = current_path.startswith(href) if href != "/" else current_path == "/"
        result.append({"text": item.label, "href": href, "active": active})
    return result

"""Navigation by role: each app's AppConfig declares its items (`nav_items`, the app contract of
core.contract); core shows those the user may use."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.module_loading import import_string

from . import contract
from .roles import Role, user_roles


@dataclass(frozen=True)
class NavItem:
    """An entry of the navigation, for the members of `roles`; and, when `also_for` is the dotted
    path of a predicate `(request) -> bool`, for anyone else it says yes to (asked only of those, on
    every page: it must cost no query, e.g. by reading what sign-in left in the session)."""

    label: str
    url_name: str
    roles: frozenset[Role]
    order: int = 50
    also_for: str = ""


def _shown(item: NavItem, request, roles) -> bool:
    return bool(item.roles & roles) or bool(item.also_for and import_string(item.also_for)(request))


def nav_items_for(request) -> list[dict]:
    roles = user_roles(request.user)
    current_path = request.path
    declared = contract.contributions("nav_items")
    items = sorted((item for item in declared if _shown(item, request, roles)), key=lambda i: i.order)
    result = []
    for item in items:
        href = reverse(item.url_name)
        active = current_path.startswith(href) if href != "/" else current_path == "/"
        result.append({"text": item.label, "href": href, "active": active})
    return result

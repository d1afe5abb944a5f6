"""Who may see and add documents.

A document is seen by exactly those who may see its record (the record's app says who, through its
`DocumentOwner` declaration in core.contract), less two further rules: a document marked sensitive
only by the roles settings.DOCUMENTS_SENSITIVE_ROLES names, and a withdrawn one by no one (it is
kept for the retention period, hidden everywhere). Adding a document (and a new version of one)
needs `documents.add_document` and the record's own `may_attach`; withdrawing needs the same and
either `documents.withdraw_document` or to have added it."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied

from core.roles import Role, has_role

from . import owners

ADD_DOCUMENT = "documents.add_document"
WITHDRAW_DOCUMENT = "documents.withdraw_document"

ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.ADVISOR: [ADD_DOCUMENT],
    Role.SCREENER: [ADD_DOCUMENT],
    Role.FC_MANAGER: [ADD_DOCUMENT, WITHDRAW_DOCUMENT],
    Role.PARTNER: [ADD_DOCUMENT],
    Role.CATE_WORKER: [ADD_DOCUMENT],
    Role.TEAM_LEADER: [ADD_DOCUMENT, WITHDRAW_DOCUMENT],
}


def may_see_sensitive(user) -> bool:
    return any(has_role(user, Role(role)) for role in settings.DOCUMENTS_SENSITIVE_ROLES)


def can_attach(user, owner, record) -> bool:
    return user.is_authenticated and user.has_perm(ADD_DOCUMENT) and owners.may_attach(owner, user, record)


def require_attach(user, owner, record) -> None:
    if not can_attach(user, owner, record):
        raise PermissionDenied


def can_withdraw(user, owner, record, document) -> bool:
    return can_attach(user, owner, record) and (
        user.has_perm(WITHDRAW_DOCUMENT) or document.added_by_id == getattr(user, "pk", None)
    )


def require_withdraw(user, owner, record, document) -> None:
    if not can_withdraw(user, owner, record, document):
        raise PermissionDenied

"""Reactions to other apps' signals."""

from __future__ import annotations

from . import services
from .choices import ChronologyKind
from .models import Case


def on_contact_referred_to_cate(sender, *, contact, actor, **kwargs) -> None:
    """Family Connect referred a contact to CATE: the child joins the referral queue. Runs inside the
    screener's decision transaction, so a referral that cannot be made undoes the decision."""
    services.referral_create_from_contact(contact=contact, actor=actor)


def on_child_restriction_changed(sender, *, child, actor, reason, **kwargs) -> None:
    """A child's record was restricted (or the restriction changed or lifted): each of the child's
    cases says so in its chronology, with who did it and why (not who is named)."""
    summary = "Record restricted to named staff" if child.is_restricted else "Restriction of the record lifted"
    for case in Case.objects.filter(child=child).order_by("pk"):
        services.chronology_record(case=case, kind=ChronologyKind.OTHER, summary=summary, detail=reason, actor=actor)

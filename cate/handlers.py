"""What CATE does when the front door acts (declared in CateConfig: the app contract of core.contract).

Each handler runs inside the front door's transaction: an exception undoes the front door's change."""

from __future__ import annotations

from . import services
from .choices import ChronologyKind
from .models import Case


def referral_from_contact(*, contact, actor) -> None:
    """Family Connect referred a contact to CATE: the child joins the referral queue. Runs inside the
    screener's decision transaction, so a referral that cannot be made undoes the decision."""
    services.referral_create_from_contact(contact=contact, actor=actor)


def restriction_in_chronology(*, child, actor, reason) -> None:
    """A child's record was restricted (or the restriction changed or lifted): each of the child's
    cases says so in its chronology, with who did it and why (not who is named)."""
    summary = "Record restricted to named staff" if child.is_restricted else "Restriction of the record lifted"
    for case in Case.objects.filter(child=child).order_by("pk"):
        services.chronology_record(case=case, kind=ChronologyKind.OTHER, summary=summary, detail=reason, actor=actor)

"""Reactions to other apps' signals."""

from __future__ import annotations

from . import services


def on_contact_referred_to_cate(sender, *, contact, actor, **kwargs) -> None:
    """Family Connect referred a contact to CATE: the child joins the referral queue. Runs inside the
    screener's decision transaction, so a referral that cannot be made undoes the decision."""
    services.referral_create_from_contact(contact=contact, actor=actor)

"""The rule by which a typed name matches a person of concern, and by which two persons of concern
may be one. Pure: no database.

Names match by the child index's one rule (contacts.matching), applied to a person's first and last
names and their aliases and nicknames: "Jaiden Smyth" finds "Jayden Smith", "big man" finds the
unknown man known as "Big Man". The keys of a person's names are stored per person
(network.PersonNameKey) so that the database finds the candidates by plain indexed equality; this
module then decides which of them match and in what order (the best first, then by last name, first
name and record number), exactly as for children.

Two persons are likely to be one when a name or alias of one matches the other's names and their
ages do not disagree: the same date of birth, or an age (from a date of birth) or an age band that
overlaps the other's, an estimated band being allowed BAND_TOLERANCE years either side. Nothing known
of the age of one of them does not count against a match.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from contacts import matching as names

from .choices import AgeBand

# The most aliases of one person tried as names of their own when looking for duplicates.
MAX_ALIASES = 5
# An age band is a guess: a person seen as "18 to 21" may be 23.
BAND_TOLERANCE = 2
AGE_BANDS: dict[str, tuple[int, int]] = {
    AgeBand.UNDER_18: (0, 17),
    AgeBand.AGE_18_21: (18, 21),
    AgeBand.AGE_22_24: (22, 24),
    AgeBand.AGE_25_34: (25, 34),
    AgeBand.AGE_35_44: (35, 44),
    AgeBand.AGE_45_UP: (45, 120),
}

SIMILAR_NAME = "Similar name"
SIMILAR_ALIAS = "Similar alias or nickname"
SAME_DATE_OF_BIRTH = "Same date of birth"
AGE_FITS = "Age fits"


def typed_words(text: str) -> list[str]:
    """The words of a typed name a search uses (contacts.matching's)."""
    return names.typed_words(text)


def person_words(first_name: str, last_name: str, aliases: str) -> list[str]:
    """Every word of a person's names: first, last and each alias or nickname."""
    return names.child_words(first_name, last_name, aliases)


def person_name_keys(first_name: str, last_name: str, aliases: str) -> set[str]:
    """The keys stored for a person (network.PersonNameKey): those of every word of their names."""
    return names.name_keys(first_name, last_name, aliases)


def typed_keys(word: str) -> frozenset[str]:
    return names.typed_keys(word)


def rank(typed: list[str], candidates: Iterable[tuple[int, str, str, str]]) -> list[tuple[int, float]]:
    """[(person id, score)] of the candidates (id, first name, last name, aliases) that match the typed
    words, the best first, then by last name, first name and id: the children's order rule."""
    return names.rank(typed, candidates)


def aliases_of(aliases: str) -> list[str]:
    """'Big Man, BM , ' -> ['Big Man', 'BM'] (the first MAX_ALIASES)."""
    return [alias.strip() for alias in (aliases or "").split(",") if alias.strip()][:MAX_ALIASES]


def names_to_try(first_name: str, last_name: str, aliases: str) -> list[tuple[str, str]]:
    """The names a new person is looked for by, each with what a match on it is called: their full
    name, then each alias or nickname on its own (an unknown man known as "Jay" may be Jason Smith,
    known as Jay)."""
    tried = []
    full = f"{first_name or ''} {last_name or ''}".strip()
    if typed_words(full):
        tried.append((full, SIMILAR_NAME))
    for alias in aliases_of(aliases):
        if typed_words(alias) and alias.lower() != full.lower():
            tried.append((alias, SIMILAR_ALIAS))
    return tried


def age_on(date_of_birth: dt.date, today: dt.date) -> int:
    before_birthday = (today.month, today.day) < (date_of_birth.month, date_of_birth.day)
    return today.year - date_of_birth.year - before_birthday


def age_range(date_of_birth: dt.date | None, age_band: str, today: dt.date) -> tuple[int, int] | None:
    """The ages a person may be: exactly theirs from a date of birth; an age band widened by
    BAND_TOLERANCE; None when nothing is known."""
    if date_of_birth:
        age = age_on(date_of_birth, today)
        return age, age
    band = AGE_BANDS.get(age_band or "")
    if band is None:
        return None
    return max(0, band[0] - BAND_TOLERANCE), band[1] + BAND_TOLERANCE


def age_agreement(
    one: tuple[dt.date | None, str], other: tuple[dt.date | None, str], *, today: dt.date
) -> str | bool | None:
    """How the ages of two persons ((date of birth, age band) each) agree: SAME_DATE_OF_BIRTH,
    AGE_FITS, None when one of them has no age known, False when they disagree (two dates of birth
    that differ, or ages that cannot overlap)."""
    (dob_a, band_a), (dob_b, band_b) = one, other
    if dob_a and dob_b:
        return SAME_DATE_OF_BIRTH if dob_a == dob_b else False
    range_a, range_b = age_range(dob_a, band_a, today), age_range(dob_b, band_b, today)
    if range_a is None or range_b is None:
        return None
    return AGE_FITS if range_a[0] <= range_b[1] and range_b[0] <= range_a[1] else False


def name_matches(typed: str, first_name: str, last_name: str, aliases: str) -> bool:
    """Whether a typed name matches a person's names by the rule."""
    words = typed_words(typed)
    return bool(words) and names.name_score(words, person_words(first_name, last_name, aliases)) is not None

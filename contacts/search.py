"""Finding children in the index: spelling-tolerant names, dates of birth, postcodes, NHS numbers.

A name matches by the one rule of contacts.matching, on PostgreSQL and on SQLite alike: "Jaiden
Smyth" finds "Jayden Smith" and "Kathryn" finds "Catherine". The database finds the candidates by the
stored keys of children's names (contacts.ChildNameKey, plain indexed equality, no extension); the
rule then decides in Python which of them match and in what order, so that both databases give the
same children in the same order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.db.models.functions import Replace, Upper

from . import matching
from .models import ChildNameKey

# The most children whose names are scored for one search (those with the lowest record numbers,
# so the same on every database), and the most matches a search gives, the best first.
MAX_CANDIDATES = 5000
MAX_NAME_MATCHES = 500

_POSTCODE_RE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})$")


def normalise_postcode(value: str) -> str:
    """'tf11aa' -> 'TF1 1AA'; anything that is not a full postcode is returned tidied."""
    text = re.sub(r"\s+", " ", (value or "").strip().upper())
    match = _POSTCODE_RE.match(text)
    if match:
        return f"{match[1]} {match[2]}"
    return text


def postcode_is_valid(value: str) -> bool:
    return bool(_POSTCODE_RE.match(normalise_postcode(value)))


def normalise_nhs_number(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")


def name_words(text: str) -> list[str]:
    """The words of a typed name a search uses (none: no name to search by)."""
    return matching.typed_words(text)


def name_candidates(children: QuerySet, words: list[str]) -> QuerySet:
    """The children among `children` sharing a key with every typed word (the stored keys' index
    finds them), lowest record number first."""
    for word in words:
        keys = ChildNameKey.objects.filter(key__in=sorted(matching.typed_keys(word))).values("child_id")
        children = children.filter(pk__in=keys)
    return children.order_by("pk")


def too_many_candidates(children: QuerySet, text: str) -> bool:
    """Whether more children are like `text` than one search scores (MAX_CANDIDATES): the page then
    asks for more of the name or another detail rather than leave the rest out unsaid (one query)."""
    words = name_words(text)
    return bool(words) and name_candidates(children, words).values("pk")[: MAX_CANDIDATES + 1].count() > MAX_CANDIDATES


def name_matches(children: QuerySet, text: str) -> list[tuple[int, float]]:
    """[(child id, score)] of the children among `children` whose names match `text`, best first.

    One query: the candidates (name_candidates) with their names; contacts.matching scores them.
    Beyond MAX_CANDIDATES the rest are not scored: too_many_candidates tells the page so."""
    words = name_words(text)
    if not words:
        return []
    candidates = name_candidates(children, words).values_list("pk", "first_name", "last_name", "known_as")
    return matching.rank(words, candidates[:MAX_CANDIDATES])[:MAX_NAME_MATCHES]


def filter_by_name(children: QuerySet, text: str) -> QuerySet:
    """Children whose names match `text` by the rule of contacts.matching (none when it has no
    name), annotated with their place in the order of the matches (`name_rank`, 0 the best): order by
    it for the best first."""
    ranked = [pk for pk, _ in name_matches(children, text)]
    place = Case(
        *(When(pk=pk, then=Value(i)) for i, pk in enumerate(ranked)),
        default=Value(len(ranked)),
        output_field=IntegerField(),
    )
    return children.filter(pk__in=ranked).annotate(name_rank=place)


def filter_by_postcode(children: QuerySet, postcode: str) -> QuerySet:
    """A full postcode matches exactly (whatever the spacing); a part matches the start."""
    wanted = normalise_postcode(postcode).replace(" ", "")
    if not wanted:
        return children
    children = children.annotate(postcode_key=Upper(Replace("postcode", Value(" "), Value(""))))
    if postcode_is_valid(postcode):
        return children.filter(postcode_key=wanted)
    return children.filter(postcode_key__startswith=wanted)


@dataclass(frozen=True)
class ChildQuery:
    name: str = ""
    date_of_birth: object = None
    postcode: str = ""
    nhs_number: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.name.strip() or self.date_of_birth or self.postcode.strip() or self.nhs_number.strip())


def too_broad(children: QuerySet, query: ChildQuery) -> bool:
    """Whether the query's name is like more of `children` (those meeting its other criteria) than
    one search scores."""
    if not query.name.strip():
        return False
    return too_many_candidates(apply_query(children, replace(query, name="")), query.name)


def apply_query(children: QuerySet, query: ChildQuery) -> QuerySet:
    """Every given criterion must hold; name matches come best first."""
    if query.nhs_number:
        children = children.filter(nhs_number=normalise_nhs_number(query.nhs_number))
    if query.date_of_birth:
        children = children.filter(date_of_birth=query.date_of_birth)
    if query.postcode:
        children = filter_by_postcode(children, query.postcode)
    if query.name.strip():
        return filter_by_name(children, query.name).order_by("name_rank")
    return children.order_by("last_name", "first_name", "id")

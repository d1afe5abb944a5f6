"""Finding children in the index: spelling-tolerant names, dates of birth, postcodes, NHS numbers.

On PostgreSQL a name matches by trigram word similarity (pg_trgm) or by sound (double metaphone,
fuzzystrmatch), so "Jaiden Smyth" finds "Jayden Smith" and "Kathryn" finds "Catherine". On
SQLite (the local run with no servers) it falls back to plain case-insensitive matching.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection
from django.db.models import Case, CharField, F, FloatField, Func, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, Concat, Greatest, Lower, Replace, Upper

# How similar a word of the query must be to a name (0-1) to count as a match.
NAME_SIMILARITY = 0.45
MAX_NAME_WORDS = 4

_POSTCODE_RE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})$")


class Dmetaphone(Func):
    """fuzzystrmatch's double metaphone code of a string (PostgreSQL)."""

    function = "dmetaphone"
    output_field = CharField()


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


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
    words = [w for w in re.split(r"[\s,]+", (text or "").strip()) if w]
    return words[:MAX_NAME_WORDS]


def set_name_similarity_threshold(sender, connection, **kwargs) -> None:
    """connection_created receiver: the threshold of pg_trgm's `<%` operator is NAME_SIMILARITY."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET pg_trgm.word_similarity_threshold = %s", [NAME_SIMILARITY])


def _names_text():
    """The names a search matches, as one lower-case text: migration 0005 indexes this expression."""
    return Lower(Concat("first_name", Value(" "), "last_name", Value(" "), "known_as", output_field=CharField()))


def filter_by_name(children: QuerySet, text: str) -> QuerySet:
    """Children every word of `text` matches (by spelling or sound), best matches first."""
    words = name_words(text)
    if not words:
        return children
    if not uses_postgres():
        for word in words:
            children = children.filter(
                Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(known_as__icontains=word)
            )
        return children.annotate(name_score=Value(1.0, output_field=FloatField()))
    children = children.annotate(
        names_text=_names_text(),
        first_sound=Dmetaphone("first_name"),
        last_sound=Dmetaphone("last_name"),
    )
    scores = []
    for i, word in enumerate(words):
        similarity = f"word_similarity_{i}"
        children = children.annotate(**{similarity: TrigramWordSimilarity(Value(word.lower()), "names_text")})
        sound = Dmetaphone(Value(word))
        sounds_alike = (Q(first_sound=sound) & ~Q(first_name="")) | (Q(last_sound=sound) & ~Q(last_name=""))
        # `word <% names_text` is word_similarity >= pg_trgm.word_similarity_threshold, which
        # set_name_similarity_threshold sets to NAME_SIMILARITY on every connection: the operator (not
        # the function) is what the trigram index on names_text (contacts_child_names_trgm) serves.
        children = children.filter(Q(TrigramWordSimilar(F("names_text"), Value(word.lower()))) | sounds_alike)
        # A word that only sounds alike still scores, a little below a close spelling.
        scores.append(
            Greatest(
                F(similarity),
                Case(When(sounds_alike, then=Value(NAME_SIMILARITY)), default=Value(0.0), output_field=FloatField()),
            )
        )
    total = scores[0]
    for score in scores[1:]:
        total = total + score
    return children.annotate(name_score=Coalesce(total, Value(0.0), output_field=FloatField()))


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


def apply_query(children: QuerySet, query: ChildQuery) -> QuerySet:
    """Every given criterion must hold; name matches come best first."""
    if query.nhs_number:
        children = children.filter(nhs_number=normalise_nhs_number(query.nhs_number))
    if query.date_of_birth:
        children = children.filter(date_of_birth=query.date_of_birth)
    if query.postcode:
        children = filter_by_postcode(children, query.postcode)
    if query.name.strip():
        children = filter_by_name(children, query.name)
        return children.order_by("-name_score", "last_name", "first_name", "id")
    return children.order_by("last_name", "first_name", "id")

"""The one rule by which a typed name matches a child's names, on every database and in every place
names are matched (the child search, duplicate checks, contact and MACE lookups). Pure: no database.

A name is split into words (accents, apostrophes and case dropped: "O'Neill" is "oneill"). Each word
of a child's names has search keys: its first two and first three letters and two phonetic codes
(metaphone and NYSIIS, from jellyfish); a typed word has its first three letters (or all of a shorter
word) and the same phonetic codes. A typed word matches a word of the child's names when the two
share a key and are close enough: their Jaro-Winkler similarity (or PHONETIC_SCORE, when higher and
they share a phonetic code) is at least WORD_THRESHOLD. A child matches when every typed word matches
one of the child's names; the child's score (the order of the results) is the mean of each typed
word's best score, ties going by last name, first name and record number.

The keys are stored per child (contacts.ChildNameKey) so that any database finds the candidates with
plain indexed equality; this module then decides, identically everywhere, which of them match and
in what order.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import jellyfish

MAX_NAME_WORDS = 4  # of a typed name; more words are ignored
PREFIX_LENGTHS = (2, 3)  # the prefixes stored of each word of a name
MIN_PHONETIC_LENGTH = 2  # a one-letter code ("M" for Mia, May, Mo) says too little to be a key
PHONETIC_SCORE = 0.85  # a word that sounds alike scores at least this
WORD_THRESHOLD = 0.8  # what every typed word must score against one of the child's names

_NOT_LETTERS = re.compile(r"[^a-z0-9]+")


def words_of(text: str) -> list[str]:
    """'Catherine O'Neill-Smith' -> ['catherine', 'oneill', 'smith'] (letters and digits only)."""
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    plain = plain.replace("'", "").replace("`", "")
    return [word for word in _NOT_LETTERS.split(plain) if word]


def typed_words(text: str) -> list[str]:
    """The words of a typed name that a search uses (the first MAX_NAME_WORDS)."""
    return words_of(text)[:MAX_NAME_WORDS]


def child_words(first_name: str, last_name: str, known_as: str) -> list[str]:
    """Every word of a child's names: first, last and each known-as name."""
    return list(dict.fromkeys(words_of(f"{first_name} {last_name} {known_as}")))


def phonetic_keys(word: str) -> frozenset[str]:
    codes = {f"m:{jellyfish.metaphone(word)}", f"n:{jellyfish.nysiis(word)}"}
    return frozenset(code for code in codes if len(code) - 2 >= MIN_PHONETIC_LENGTH)


def word_keys(word: str) -> frozenset[str]:
    """The search keys of one word of a child's names: its first letters and its phonetic codes."""
    return phonetic_keys(word) | {f"p:{word[:length]}" for length in PREFIX_LENGTHS}


def typed_keys(word: str) -> frozenset[str]:
    """The keys a typed word is looked up by: its first letters (as many as it has, up to the
    longest prefix stored) and its phonetic codes."""
    return phonetic_keys(word) | {f"p:{word[: max(PREFIX_LENGTHS)]}"}


def same_name_key(first_name: str, last_name: str) -> str:
    """The key that records of the same name share: the phonetic codes (metaphone) of the first word
    of the first name and the last word of the last name ("s:JTN-SM0" for Jayden Smith and Jaiden
    Smyth); "" when either name is missing. Three or more records with one key alert the managers."""
    first, last = words_of(first_name)[:1], words_of(last_name)[-1:]
    if not first or not last:
        return ""
    return f"s:{jellyfish.metaphone(first[0])}-{jellyfish.metaphone(last[0])}"[:40]


def name_keys(first_name: str, last_name: str, known_as: str) -> set[str]:
    """The keys stored for a child (contacts.ChildNameKey): the search keys of each word of its
    names, and its same-name key (never a typed word's key, so searches do not read it)."""
    keys: set[str] = set()
    for word in child_words(first_name, last_name, known_as):
        keys |= word_keys(word)
    if same := same_name_key(first_name, last_name):
        keys.add(same)
    return keys


def word_score(typed: str, name: str, *, keys: dict | None = None) -> float:
    """How well a typed word matches one word of a name (0-1); 0 unless they share a key."""
    keys = {} if keys is None else keys
    if ("typed", typed) not in keys:
        keys["typed", typed] = typed_keys(typed)
    if name not in keys:
        keys[name] = word_keys(name)
    shared = keys["typed", typed] & keys[name]
    if not shared:
        return 0.0
    score = jellyfish.jaro_winkler_similarity(typed, name)
    if any(not key.startswith("p:") for key in shared):
        score = max(score, PHONETIC_SCORE)
    return score


def name_score(typed: Iterable[str], names: Iterable[str], *, keys: dict | None = None) -> float | None:
    """The score of a child whose name words are `names` for the typed words; None when a typed
    word matches none of them (the child does not match)."""
    keys = {} if keys is None else keys
    names = list(names)
    best = []
    for word in typed:
        score = max((word_score(word, name, keys=keys) for name in names), default=0.0)
        if score < WORD_THRESHOLD:
            return None
        best.append(score)
    if not best:
        return None
    return round(sum(best) / len(best), 6)


def rank(typed: list[str], candidates: Iterable[tuple[int, str, str, str]]) -> list[tuple[int, float]]:
    """[(child id, score)] of the candidates (id, first name, last name, known as) that match, the
    best first, then by last name, first name and id."""
    keys: dict = {}
    by_names: dict[tuple[str, str, str], float | None] = {}  # many children share their names
    scored = []
    for pk, first, last, known_as in candidates:
        names = (first, last, known_as)
        if names not in by_names:
            by_names[names] = name_score(typed, child_words(*names), keys=keys)
        score = by_names[names]
        if score is not None:
            scored.append((-score, last.lower(), first.lower(), pk))
    scored.sort()
    return [(pk, -negative) for negative, _, _, pk in scored]

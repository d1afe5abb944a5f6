"""The one rule by which a typed name matches a child's names (contacts.matching): pure, no database."""

import pytest

from contacts import matching


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Catherine O'Neill-Smith", ["catherine", "oneill", "smith"]),
        ("  ZOË   Brontë ", ["zoe", "bronte"]),
        ("Kat, Kitty", ["kat", "kitty"]),
        ("Testchild P01", ["testchild", "p01"]),
        ("!!", []),
    ],
)
def test_names_are_split_into_plain_words(text, words):
    assert matching.words_of(text) == words


def test_a_typed_name_uses_its_first_words_only():
    assert matching.typed_words("a b c d e f") == ["a", "b", "c", "d"]


@pytest.mark.parametrize(
    ("typed", "name", "matches"),
    [
        ("smith", "smith", True),
        ("smyth", "smith", True),  # sounds alike
        ("kathryn", "catherine", True),  # sounds alike, spelt apart
        ("kahn", "khan", True),
        ("jaydn", "jayden", True),  # a letter left out
        ("smi", "smith", True),  # the beginning of the name
        ("mo", "mohammed", True),
        ("mia", "may", False),  # a one-letter sound code says too little
        ("jones", "smith", False),
        ("jaxon", "jayden", False),
    ],
)
def test_a_typed_word_matches_a_name_word_that_shares_a_key_and_is_close(typed, name, matches):
    score = matching.word_score(typed, name)
    assert (score >= matching.WORD_THRESHOLD) is matches
    shares_a_key = bool(matching.typed_keys(typed) & matching.word_keys(name))
    assert shares_a_key or score == 0.0


def test_every_typed_word_must_match_and_the_closest_come_first():
    candidates = [
        (1, "Jayden", "Smythe", ""),
        (2, "Jayden", "Smith", ""),
        (3, "Amelia", "Jones", "Milly"),
        (4, "Jaiden", "Smith", ""),
        (5, "Jayden", "Smith", ""),
    ]
    ranked = matching.rank(["jayden", "smith"], candidates)
    assert [pk for pk, _ in ranked] == [2, 5, 4, 1]  # equal scores: by last name, first name, record number
    assert ranked[0][1] == 1.0 > ranked[2][1] >= matching.WORD_THRESHOLD
    assert matching.rank(["jayden", "jones"], candidates) == []
    assert [pk for pk, _ in matching.rank(["milly"], candidates)] == [3]  # a known-as name


def test_the_stored_keys_are_what_a_typed_word_is_looked_up_by():
    stored = matching.name_keys("Catherine", "O'Neill", "Kitty")
    assert {"p:ca", "p:cat", "p:on", "p:one", "p:ki", "p:kit"} <= stored
    assert matching.typed_keys("kathryn") & stored  # found by sound
    assert matching.typed_keys("oneil") & stored  # and by its beginning
    assert not matching.typed_keys("jones") & stored

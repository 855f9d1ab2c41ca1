"""The benchmark's accuracy measures: pure functions, no models needed."""

import random

import pytest

from documents.engine.metrics import bag_of_characters, cer, edit_distance, missing_characters


def table_distance(a: str, b: str) -> int:
    """The textbook dynamic-programming Levenshtein distance, to check the bit-parallel one."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [("", "", 0), ("abc", "", 3), ("", "abc", 3), ("kitten", "sitting", 3), ("流水线", "流线", 1)],
)
def test_edit_distance_known_values(a, b, distance):
    assert edit_distance(a, b) == distance
    assert edit_distance(b, a) == distance


def test_edit_distance_matches_the_table_on_random_strings():
    rng = random.Random(9)
    for _ in range(300):
        # A small alphabet makes many matches, and lengths past 64 cross machine-word edges.
        a = "".join(rng.choices("abc d", k=rng.randrange(0, 140)))
        b = "".join(rng.choices("abc d", k=rng.randrange(0, 140)))
        assert edit_distance(a, b) == table_distance(a, b), (a, b)


def test_cer_normalises_whitespace_and_case():
    assert cer("TOTAL  RM 9.00\n", "total rm 9.00", casefold=True) == 0.0
    assert cer("abcd", "abxd") == 0.25


def test_bag_of_characters_ignores_order_line_breaks_and_whitespace():
    assert bag_of_characters("first line\nsecond line", "second line first line") == (0, 19)


def test_bag_of_characters_counts_the_larger_of_missing_and_extra():
    # "abcd" -> "abxxd": c missing (1), two x extra (2) -> 2 errors over 4 reference characters.
    assert bag_of_characters("abcd", "abxxd") == (2, 4)
    # Repeated characters count as a multiset: one of the three a's is missing.
    assert bag_of_characters("aaa", "aa") == (1, 3)
    assert bag_of_characters("", "xyz") == (3, 0)


def test_missing_characters_counts_only_what_the_reference_has_and_the_reading_lacks():
    assert missing_characters("abcd", "abxxd") == 1
    assert missing_characters("", "xyz") == 0  # text the reference leaves out is not an error
    assert missing_characters("TOTAL 5", "Total", casefold=True) == 1


def test_bag_of_characters_applies_nfkc_and_optional_casefold():
    # The "fi" ligature and a full-width parenthesis are the same characters after NFKC.
    assert bag_of_characters("fine (1)", "\ufb01ne \uff081)") == (0, 7)
    assert bag_of_characters("TOTAL", "Total") == (4, 5)
    assert bag_of_characters("TOTAL", "Total", casefold=True) == (0, 5)

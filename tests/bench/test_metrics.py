"""The benchmark's accuracy measures: pure functions, no models needed."""

import random

import pytest

from documents.bench.metrics import bag_of_characters, cer, missing_characters, teds


def table_distance(a: str, b: str) -> int:
    """The textbook dynamic-programming Levenshtein distance, the definition CER is held to."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


@pytest.mark.parametrize(
    ("reference", "hypothesis", "rate"),
    [
        ("", "", 0.0),
        ("", "abc", 1.0),
        ("abc", "", 1.0),
        ("kitten", "sitting", 0.5),
        ("流水线", "流线", 1 / 3),
    ],
)
def test_cer_known_values(reference, hypothesis, rate):
    assert cer(reference, hypothesis) == pytest.approx(rate)


def test_cer_is_the_textbook_distance_over_the_reference_length_on_random_strings():
    rng = random.Random(9)
    for _ in range(300):
        # A small alphabet without whitespace (which CER folds) makes many matches; lengths past
        # 64 cross the machine-word edges of rapidfuzz's bit-parallel algorithm.
        a = "".join(rng.choices("abcd流", k=rng.randrange(1, 140)))
        b = "".join(rng.choices("abcd流", k=rng.randrange(0, 140)))
        assert cer(a, b) == table_distance(a, b) / len(a), (a, b)


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


TABLE = (
    '<table><thead><tr><td colspan="2">Sales</td></tr></thead>'
    "<tbody><tr><td>East</td><td>12%</td></tr><tr><td>South</td><td>8%</td></tr></tbody></table>"
)


def test_teds_is_one_for_the_same_table_and_ignores_whitespace_and_row_groups():
    assert teds(TABLE, TABLE) == 1.0
    spaced = TABLE.replace("East", " East\n").replace("<thead>", "").replace("</thead>", "")
    assert teds(f"<html><body>{spaced}</body></html>", TABLE) == 1.0


def test_teds_counts_cell_text_edits_and_structure_apart():
    # 9 nodes (the table, 3 rows, 5 cells); one cell's text "12%" read as "17%": 1/3 of one node.
    misread = TABLE.replace("12%", "17%")
    assert teds(misread, TABLE) == pytest.approx(1 - (1 / 3) / 9)
    assert teds(misread, TABLE, structure_only=True) == 1.0
    # A lost span renames the header cell (cost 1) and a cell goes missing from the last row.
    unmerged = TABLE.replace(' colspan="2"', "").replace("<td>8%</td>", "")
    assert teds(unmerged, TABLE, structure_only=True) == pytest.approx(1 - 2 / 9)


def test_teds_of_missing_tables():
    assert teds("", TABLE) == 0.0
    assert teds("no table here", "") == 1.0

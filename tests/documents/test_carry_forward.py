"""The rule that places an earlier run's correction on a new run's result."""

from __future__ import annotations

from documents.carry_forward import Spot, match, overlap, similarity

LINE = (0.10, 0.20, 0.60, 0.23)


def test_the_same_line_read_again_takes_the_correction():
    old = [Spot(LINE, ("Invoice totel", "Invoice total"))]
    moved_a_little = (0.11, 0.201, 0.61, 0.232)
    new = [
        Spot((0.10, 0.30, 0.60, 0.33), ("Invoice totel",)),
        Spot(moved_a_little, ("Invoice totel",)),
    ]
    assert match(old, new) == {0: 1}


def test_a_new_run_that_reads_the_staffs_text_still_matches():
    old = [Spot(LINE, ("Arnount due", "Amount due"))]
    assert match(old, [Spot(LINE, ("Amount due",))]) == {0: 0}


def test_another_place_or_other_text_is_not_a_match():
    old = [Spot(LINE, ("Invoice totel", "Invoice total"))]
    elsewhere = (0.10, 0.22, 0.60, 0.25)  # overlaps a third of the old box
    assert overlap(LINE, elsewhere) < 0.5
    assert match(old, [Spot(elsewhere, ("Invoice totel",))]) == {}
    assert match(old, [Spot(LINE, ("Delivery address",))]) == {}


def test_each_new_result_takes_one_correction_the_closest_first():
    old = [
        Spot(LINE, ("Total 12.50", "Total 12.80")),
        Spot(LINE, ("Total 12.50", "Total 12.50 EUR")),
    ]
    new = [Spot(LINE, ("Total 12.50",))]
    placed = match(old, new)
    assert len(placed) == 1 and list(placed.values()) == [0]


def test_cells_without_boxes_match_by_row_and_column_of_the_same_table():
    table = (0.1, 0.5, 0.9, 0.8)
    old = [Spot(table, ("Toner", "Toner (black)"), slot=(2, 0), has_own_box=False)]
    new = [
        Spot(table, ("Toner",), slot=(1, 0), has_own_box=False),
        Spot(table, ("Toner",), slot=(2, 0), has_own_box=False),
    ]
    assert match(old, new) == {0: 1}
    other_table = (0.1, 0.85, 0.9, 0.95)
    assert match(old, [Spot(other_table, ("Toner",), slot=(2, 0), has_own_box=False)]) == {}


def test_similarity_ignores_spacing_and_empty_texts_are_alike():
    assert similarity("Amount  due", "Amountdue") == 1.0
    assert similarity("", "") == 1.0
    assert similarity("abcd", "wxyz") == 0.0

"""The table pipeline: a scan of a table alone becomes one table, its merged cells kept, whatever
the paper around it (SLANet_plus reads the table cut to its ink: table_crop.py)."""

from __future__ import annotations

import numpy as np
import pytest

from documents.engine.table_crop import MARGIN, content_box
from tests.pages import TABLE_ROWS, draw_table, render_table, scanned

TITLE = "Office supplies order"


def grid(result) -> dict[tuple[int, int], tuple[int, int, str]]:
    (block,) = result.blocks
    assert block.label == "table" and block.table is not None
    return {(c.row, c.col): (c.rowspan, c.colspan, c.text) for c in block.table.cells}


def expected_grid() -> dict[tuple[int, int], tuple[int, int, str]]:
    cells = {(0, 0): (1, len(TABLE_ROWS[0]), TITLE)}
    for r, row in enumerate(TABLE_ROWS, start=1):
        cells.update({(r, c): (1, 1, text) for c, text in enumerate(row)})
    return cells


@pytest.mark.parametrize("margin", [10, 80, 200])
def test_a_scanned_table_is_read_as_one_table_with_its_merged_title(engine, margin):
    page = scanned(render_table(title=TITLE, margin=margin))
    result = engine.run(np.array(page), pipeline="table")

    assert grid(result) == expected_grid()
    (block,) = result.blocks
    assert block.box == (0.0, 0.0, float(page.width), float(page.height))
    assert block.content == block.table.html and "colspan" in block.table.html
    assert result.markdown == block.content
    assert {line.text for line in result.lines} >= {"Quantity", "Toner", "89.00"}
    # Cell boxes are on the whole page, not on the crop the structure model read: each lies in
    # the drawn table's row and column (SLANet_plus places them loosely on a blurred scan).
    left, top, cell_w, cell_h = margin, margin, 260, 70
    for cell in block.table.cells:
        x = (cell.box[0] + cell.box[2]) / 2
        y = (cell.box[1] + cell.box[3]) / 2
        assert int((y - top) // cell_h) == cell.row, (cell, margin)
        if cell.colspan == 1:
            assert int((x - left) // cell_w) == cell.col, (cell, margin)


def test_the_structure_options_are_not_the_table_pipelines(engine):
    page = np.array(render_table())
    for option in ("use_table_recognition", "use_seal_recognition", "use_textline_orientation"):
        with pytest.raises(Exception, match=f"option {option} is for the"):
            engine.run(page, pipeline="table", options={option: True})


def test_the_content_box_is_the_tables_ink_and_a_margin():
    page = render_table(title=TITLE, margin=120)
    drawn = draw_table(page.copy(), TABLE_ROWS, left=120, top=120, title=TITLE)
    box = content_box(np.array(page))
    # The rules are 3 px wide, centred on the drawn box's edges.
    assert all(abs(a - b) <= MARGIN + 2 for a, b in zip(box, drawn, strict=True))
    blank = np.full((300, 400, 3), 255, np.uint8)
    assert content_box(blank) == (0.0, 0.0, 400.0, 300.0)


def test_a_line_touching_the_row_above_goes_to_its_own_cell():
    """Boxes from a scanned table read with PP-OCRv6 small: the header "Price" reached 2 px into
    the merged title cell and SLANet_plus's own box for its cell was small and off to the side;
    PaddleX's overlap-first rule put "Price" in the title (cell_match.py)."""
    from documents.engine.cell_match import match_lines_to_cells

    title, quantity, price = [192, 190, 962, 277], [526, 296, 626, 312], [838, 305, 870, 310]
    lines = [[417, 209, 758, 258], [473, 281, 622, 328], [727, 275, 822, 324]]
    assert match_lines_to_cells([title, quantity, price], lines) == {0: [0], 1: [1], 2: [2]}

"""Table cells: the engine's table HTML read into cells placed on the grid (row and column
spans), the exports' HTML and grid rebuilt from cells, and the rule that puts a text line in
a table cell. All from HTML and boxes written here."""

from __future__ import annotations

from documents.engine.cell_match import match_lines_to_cells
from documents.engine.convert import table_cells
from documents.engine.types import TableCell
from documents.exports.document import ExportCell, ExportTable
from documents.exports.tables import table_grid, table_html


def placed(html: str) -> list[tuple[int, int, int, int, str]]:
    return [(c.row, c.col, c.rowspan, c.colspan, c.text) for c in table_cells(html)]


def test_spanning_cells_push_later_cells_to_the_next_free_column():
    html = (
        "<table>"
        '<tr><td rowspan="2">Region</td><td colspan="2">Sales</td><td>Note</td></tr>'
        "<tr><td>Q1</td><td>Q2</td><td>-</td></tr>"
        '<tr><td>East</td><td colspan="2" rowspan="2">1,234</td><td>up</td></tr>'
        "<tr><td>South</td><td>down</td></tr>"
        "</table>"
    )
    assert placed(html) == [
        (0, 0, 2, 1, "Region"),
        (0, 1, 1, 2, "Sales"),
        (0, 3, 1, 1, "Note"),
        (1, 1, 1, 1, "Q1"),
        (1, 2, 1, 1, "Q2"),
        (1, 3, 1, 1, "-"),
        (2, 0, 1, 1, "East"),
        (2, 1, 2, 2, "1,234"),
        (2, 3, 1, 1, "up"),
        (3, 0, 1, 1, "South"),
        (3, 3, 1, 1, "down"),
    ]


def test_cell_text_is_the_text_inside_its_tags_entities_decoded_and_trimmed():
    html = (
        "<html><body><table><thead><tr><th> Item </th><th>价格 <b>Price</b></th></tr></thead>"
        "<tbody><tr><td>A &amp; B</td><td></td></tr></tbody></table></body></html>"
    )
    assert placed(html) == [
        (0, 0, 1, 1, "Item"),
        (0, 1, 1, 1, "价格 Price"),
        (1, 0, 1, 1, "A & B"),
        (1, 1, 1, 1, ""),
    ]


def test_spans_that_are_not_numbers_count_as_one():
    assert placed('<table><tr><td colspan="two">a</td><td rowspan="">b</td></tr></table>') == [
        (0, 0, 1, 1, "a"),
        (0, 1, 1, 1, "b"),
    ]


def test_cell_boxes_are_attached_only_when_there_is_one_per_cell():
    html = "<table><tr><td>a</td><td>b</td></tr></table>"
    boxes = [[0, 0, 10, 10, 0.9], [10, 0, 20, 10, 0.8]]  # PaddleX may append a score
    assert [c.box for c in table_cells(html, boxes)] == [
        (0.0, 0.0, 10.0, 10.0),
        (10.0, 0.0, 20.0, 10.0),
    ]
    assert [c.box for c in table_cells(html, boxes[:1])] == [None, None]


def test_the_exports_html_of_cells_reads_back_as_the_same_cells():
    cells = (
        ExportCell(row=0, col=0, rowspan=1, colspan=2, text="<Total> & more"),
        ExportCell(row=1, col=0, rowspan=1, colspan=1, text="净额"),
        ExportCell(row=1, col=1, rowspan=2, colspan=1, text="12%"),
        ExportCell(row=2, col=0, rowspan=1, colspan=1, text=""),
    )
    html = table_html(ExportTable(html="<table>engine's</table>", cells=cells))
    assert "&lt;Total&gt; &amp; more" in html and "engine's" not in html
    assert table_cells(html) == tuple(
        TableCell(c.row, c.col, c.rowspan, c.colspan, c.text) for c in cells
    )


def test_a_table_without_cells_keeps_the_engines_html():
    assert table_html(ExportTable(html="<table><tr><td>x</td></tr></table>", cells=())) == (
        "<table><tr><td>x</td></tr></table>"
    )


def test_the_grid_holds_a_merged_cells_text_once_in_its_top_left_slot():
    cells = (
        ExportCell(row=0, col=0, rowspan=2, colspan=1, text="Region"),
        ExportCell(row=0, col=1, rowspan=1, colspan=2, text="Sales"),
        ExportCell(row=1, col=1, rowspan=1, colspan=1, text="Q1"),
        ExportCell(row=1, col=2, rowspan=1, colspan=1, text="Q2"),
    )
    assert table_grid(ExportTable(html="", cells=cells)) == [
        ["Region", "Sales", ""],
        ["", "Q1", "Q2"],
    ]


def test_a_line_outside_every_cell_goes_to_the_nearest():
    cells = [[0, 0, 100, 50], [100, 0, 200, 50], [0, 50, 100, 100]]
    below_the_first = [10, 110, 90, 125]  # under the third cell, which is nearest
    right_of_the_second = [210, 10, 260, 40]
    assert match_lines_to_cells(cells, [below_the_first, right_of_the_second]) == {2: [0], 1: [1]}


def test_a_line_goes_to_the_cell_holding_most_of_it_not_the_one_it_first_touches():
    cells = [[0, 0, 100, 50], [100, 0, 200, 50]]
    mostly_in_the_second = [90, 10, 190, 40]
    assert match_lines_to_cells(cells, [mostly_in_the_second]) == {1: [0]}


def test_lines_in_one_cell_can_be_put_in_reading_order():
    cells = [[0, 0, 200, 200]]
    lower, upper = [10, 120, 190, 150], [10, 20, 190, 50]
    assert match_lines_to_cells(cells, [lower, upper]) == {0: [0, 1]}
    assert match_lines_to_cells(cells, [lower, upper], cell_sort_by_y_projection=True) == {
        0: [1, 0]
    }

"""Tables as grids and as HTML, rebuilt from the cells so corrected cell text is what is shown."""

from __future__ import annotations

from html import escape

from documents.exports.document import ExportCell, ExportTable


def table_grid(table: ExportTable) -> list[list[str]]:
    """Rows of cell texts; a merged cell's text sits in its top-left slot, the slots it covers
    are empty strings."""
    grid = [["" for _ in range(table.n_cols)] for _ in range(table.n_rows)]
    for cell in table.cells:
        grid[cell.row][cell.col] = cell.text
    return grid


def _cells_by_row(table: ExportTable) -> list[list[ExportCell]]:
    rows: list[list[ExportCell]] = [[] for _ in range(table.n_rows)]
    for cell in sorted(table.cells, key=lambda c: (c.row, c.col)):
        rows[cell.row].append(cell)
    return rows


def table_html(table: ExportTable) -> str:
    """The table as HTML with rowspan/colspan, text escaped; the engine's HTML if no cells."""
    if not table.cells:
        return table.html
    parts = ["<table>"]
    for row in _cells_by_row(table):
        parts.append("<tr>")
        for cell in row:
            spans = ""
            if cell.rowspan > 1:
                spans += f' rowspan="{cell.rowspan}"'
            if cell.colspan > 1:
                spans += f' colspan="{cell.colspan}"'
            text = escape(cell.text).replace("\n", "<br>")
            parts.append(f"<td{spans}>{text}</td>")
        parts.append("</tr>")
    parts.append("</table>")
    return "".join(parts)

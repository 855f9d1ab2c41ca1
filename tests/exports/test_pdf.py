"""The searchable PDF, read back with pypdfium2 (the PDF engine of Chrome and Edge)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw, ImageFont

from documents.exports.document import ExportDocument, ExportLine, ExportPage
from documents.exports.pdf import cjk_font, write_pdf
from tests.exports.pdftext import assert_placed
from tests.exports.progress import incomplete


def test_text_comes_back_out_in_each_line_box_chinese_included(sample: ExportDocument):
    pdf = pdfium.PdfDocument(write_pdf(sample))
    assert len(pdf) == len(sample.pages)
    for page, pdf_page in zip(sample.pages, pdf, strict=True):
        assert any("季度报告" in line.text for line in page.lines)
        assert_placed(pdf_page, page, list(page.lines))
        # The page is the scan's size: 1240 x 1754 px at 150 dpi is A4.
        assert pdf_page.get_size() == pytest.approx((595.2, 841.92), abs=0.1)


def test_the_corrected_text_replaces_the_engines(sample: ExportDocument):
    page = sample.pages[0]
    wrong = page.lines[2]
    fixed = replace(
        wrong, text="Revenue grew 15% year on year in this quarter.", engine_text=wrong.text
    )
    lines = tuple(fixed if line is wrong else line for line in page.lines)
    doc = replace(sample, pages=(replace(page, lines=lines),))
    textpage = pdfium.PdfDocument(write_pdf(doc))[0].get_textpage()
    text = textpage.get_text_range()
    assert "Revenue grew 15% year on year" in text
    assert "12% year on year" not in text


def test_a_block_corrected_as_a_whole_is_laid_over_its_lines(sample: ExportDocument):
    page = sample.pages[0]
    body = page.ordered_blocks[1]
    corrected_text = "第一行已更正\nLine two corrected\n第三行\nLine four"
    blocks = tuple(
        replace(b, text=corrected_text, engine_text=b.text) if b is body else b for b in page.blocks
    )
    doc = replace(sample, pages=(replace(page, blocks=blocks),))
    pdf_page = pdfium.PdfDocument(write_pdf(doc))[0]
    body_lines = [ln for ln in page.lines if ln.text in body.text.splitlines()]
    moved = [
        replace(ln, text=t) for ln, t in zip(body_lines, corrected_text.splitlines(), strict=True)
    ]
    assert_placed(pdf_page, page, moved)
    assert "百分之十二" not in pdf_page.get_textpage().get_text_range()


def test_page_image_is_embedded_unchanged_and_turned_as_the_engine_turned_it(
    sample: ExportDocument, tmp_path: Path
):
    page = sample.pages[0]
    upright = Image.open(page.image_path).convert("L")
    # Stored sideways (turned clockwise); the engine turned it back 90 degrees anticlockwise.
    sideways = tmp_path / "sideways.png"
    Image.open(page.image_path).rotate(-90, expand=True).save(sideways)
    turned = replace(page, image_path=sideways, angle=90)
    pdf = pdfium.PdfDocument(write_pdf(replace(sample, pages=(page, turned))))
    for pdf_page in pdf:
        shown = (
            pdf_page.render(scale=page.dpi / 72).to_pil().convert("L").crop((0, 0, *upright.size))
        )
        difference = np.abs(np.asarray(shown, float) - np.asarray(upright, float)).mean()
        assert difference < 3, difference  # edges resampled a little
    assert_placed(pdf[1], turned, list(turned.lines))


@pytest.mark.parametrize("mode", ["RGB", "L", "P", "1", "RGBA"])
def test_png_pages_of_every_common_kind_render_as_stored(sample: ExportDocument, tmp_path, mode):
    page = sample.pages[0]
    image = Image.open(page.image_path).convert(mode)
    path = tmp_path / f"page-{mode}.png"
    image.save(path)
    data = write_pdf(replace(sample, pages=(replace(page, image_path=path),)))
    shown = pdfium.PdfDocument(data)[0].render(scale=page.dpi / 72).to_pil().convert("L")
    shown = shown.crop((0, 0, *image.size))  # rendered at the image's own resolution
    expected = np.asarray(image.convert("L"), float)
    assert np.abs(np.asarray(shown, float) - expected).mean() < 3


def test_png_image_data_goes_in_without_recompressing(sample: ExportDocument):
    data = write_pdf(sample)
    png = Path(sample.pages[0].image_path).read_bytes()
    idat_start = png.index(b"IDAT") + 4
    assert png[idat_start : idat_start + 4096] in data


def test_cjk_font_is_embedded_with_pdfa_metadata(sample: ExportDocument):
    data = write_pdf(sample)
    assert b"/FontFile3" in data  # the Noto Sans CJK subset (CFF outlines) is in the file
    assert b"/ToUnicode" in data
    assert re.search(rb'pdfaid:part(="|>)2', data) and re.search(
        rb'pdfaid:conformance(="|>)U', data
    )
    assert b"/OutputIntents" in data


def test_pages_not_processed_yet_have_their_image_but_no_text(sample: ExportDocument):
    data = write_pdf(incomplete(sample))
    pdf = pdfium.PdfDocument(data)
    assert "季度报告" in pdf[0].get_textpage().get_text_range()
    assert pdf[1].get_textpage().get_text_range().strip() == ""
    # PDF/A keeps document metadata in XMP only: the notice is its dc:description.
    assert b"Incomplete export: OCR has finished 1 of 2 pages" in data


def test_a_block_correction_with_other_line_breaks_is_spread_over_its_lines(
    sample: ExportDocument,
):
    page = sample.pages[0]
    body = page.ordered_blocks[1]
    corrected_text = "本季度销售额同比增长百分之十五。Revenue grew 15% this quarter."
    blocks = tuple(
        replace(b, text=corrected_text, engine_text=b.text) if b is body else b for b in page.blocks
    )
    doc = replace(sample, pages=(replace(page, blocks=blocks),))
    text = pdfium.PdfDocument(write_pdf(doc))[0].get_textpage().get_text_range()
    squeezed = "".join(text.split())
    assert "".join(corrected_text.split()) in squeezed
    assert "华东地区" not in text


def test_a_top_to_bottom_column_is_laid_along_its_box(tmp_path: Path):
    path, face = cjk_font()
    font = ImageFont.truetype(str(path), 40, index=face)
    image = Image.new("RGB", (600, 800), "white")
    draw = ImageDraw.Draw(image)
    column = "竖排文字的一列"
    for i, char in enumerate(column):
        draw.text((300, 100 + i * 48), char, font=font, fill="black")
    box = (292, 95, 348, 100 + len(column) * 48 + 5)
    image.save(tmp_path / "column.png")
    line = ExportLine(text=column, box=box, polygon=())
    page = ExportPage(1, tmp_path / "column.png", 600, 800, True, (), (line,), dpi=150)
    pdf = pdfium.PdfDocument(write_pdf(ExportDocument(1, "column", True, (page,))))
    assert_placed(pdf[0], page, [line])

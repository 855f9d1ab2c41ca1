"""Reading a searchable PDF's text layer back with pypdfium2 (the PDF engine of Chrome and
Edge): where each character of a line's text ended up."""

from __future__ import annotations

import pypdfium2 as pdfium

from documents.exports.document import ExportLine, ExportPage


def _pixel_box(textpage: pdfium.PdfTextPage, index: int, scale: float, height_pt: float):
    """Character `index`'s box in the page image's pixels (top-left origin)."""
    left, bottom, right, top = textpage.get_charbox(index)
    return left * scale, (height_pt - top) * scale, right * scale, (height_pt - bottom) * scale


def _in_box(textpage, start: int, count: int, line: ExportLine, scale: float, height: float):
    x0, y0, x1, y1 = line.box
    slack = 0.05 * (y1 - y0)
    for i in range(start, start + count):
        if textpage.get_text_range(i, 1).isspace():
            continue
        cx0, cy0, cx1, cy1 = _pixel_box(textpage, i, scale, height)
        if not (
            x0 - slack <= cx0 and cx1 <= x1 + slack and y0 - slack <= cy0 and cy1 <= y1 + slack
        ):
            return False
    return True


def assert_placed(pdf_page: pdfium.PdfPage, page: ExportPage, lines: list[ExportLine]) -> None:
    """Every line's text is in the PDF with each of its glyphs inside the line's box."""
    textpage = pdf_page.get_textpage()
    scale = page.width / pdf_page.get_width()  # image pixels per PDF point
    for line in lines:
        searcher = textpage.search(line.text, match_case=True)
        found = []  # the same words may be elsewhere on the page too ("12%")
        while hit := searcher.get_next():
            assert textpage.get_text_range(*hit) == line.text
            found.append(_in_box(textpage, *hit, line, scale, pdf_page.get_height()))
        assert found, f"{line.text!r} not in {textpage.get_text_range()!r}"
        assert any(found), f"{line.text!r} is not inside {line.box}"

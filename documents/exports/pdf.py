"""Searchable PDF: each page image with an invisible text layer (render mode 3) laid on every
line's box, so viewers select, copy and search the corrected text, Chinese included.

fpdf2 writes it: it subsets and embeds the CJK font (Noto Sans CJK, an OpenType/CFF font that
reportlab cannot embed) with a ToUnicode map, keeps JPEG page images as they are, and writes
PDF/A-2U metadata (XMP, sRGB output intent) at no extra cost.
"""

from __future__ import annotations

import logging
import math
import os
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext
from fontTools.ttLib import TTCollection
from fpdf import FPDF
from fpdf.enums import TextMode

from documents.exports.document import ExportDocument, ExportLine, ExportPage, Point
from documents.exports.errors import ExportError
from documents.exports.flow import incomplete_notice
from documents.exports.layer import text_layer
from documents.exports.pdf_png import image_name

# fontTools logs every subsetting step at INFO level; only its warnings matter here.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)

FONT_ENV = "OCRSITE_PDF_FONT"
# Debian/Ubuntu `fonts-noto-cjk`, then Fedora's and Arch's locations of the same file.
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
)
FONT_FAMILY_IN_COLLECTION = "Noto Sans CJK SC"
FONT = "ocrsite-cjk"
A4_LONG_SIDE_INCHES = 11.69
DESCENT = 0.12  # Noto Sans CJK's descender, in em: the baseline sits this far above the em's foot
# Detector boxes are padded around the ink: the em is this share of the box height, centred,
# so that Latin descenders and CJK tops both stay inside the box.
EM_SHARE = 0.85
VERTICAL_RATIO = 1.5  # a box this much taller than wide holds a top-to-bottom line


@lru_cache(maxsize=1)
def cjk_font() -> tuple[Path, int]:
    """The font file to embed and, in a collection, the index of its Simplified Chinese face."""
    configured = os.environ.get(FONT_ENV)
    for candidate in [configured] if configured else FONT_CANDIDATES:
        path = Path(candidate)
        if path.is_file():
            return path, _face_index(path)
    raise ExportError(
        gettext(
            "No CJK font for the PDF text layer: install the Debian package fonts-noto-cjk "
            "or point %(variable)s at a .ttf/.otf/.ttc font with Chinese glyphs."
        )
        % {"variable": FONT_ENV}
    )


def _face_index(path: Path) -> int:
    if path.suffix.lower() != ".ttc":
        return 0
    collection = TTCollection(str(path), lazy=True)
    try:
        names = [face["name"].getDebugName(1) for face in collection.fonts]
    finally:
        collection.close()
    return names.index(FONT_FAMILY_IN_COLLECTION) if FONT_FAMILY_IN_COLLECTION in names else 0


def _corners(line: ExportLine) -> tuple[Point, Point, Point]:
    """Top-left, top-right and bottom-left corners of the line as the detector saw it."""
    if len(line.polygon) == 4:
        p0, p1, _, p3 = line.polygon
        return p0, p1, p3
    x0, y0, x1, y1 = line.box
    return (x0, y0), (x1, y0), (x0, y1)


def _place_line(pdf: FPDF, line: ExportLine, scale: float) -> None:
    text = " ".join(line.text.split())
    if not text:
        return
    p0, p1, p3 = _corners(line)
    across = (p1[0] - p0[0], p1[1] - p0[1])
    down = (p3[0] - p0[0], p3[1] - p0[1])
    width, height = math.hypot(*across), math.hypot(*down)
    if width <= 0 or height <= 0:
        return
    if height > VERTICAL_RATIO * width and len(text) > 1:
        # Text runs down the column, glyph tops toward the right edge: baseline on the left.
        origin, direction, up, thickness, run = p0, down, across, width, height
    else:
        origin, direction, up, thickness, run = p3, across, (-down[0], -down[1]), height, width
    em = EM_SHARE * thickness
    rise = (thickness - em) / 2 + DESCENT * em  # from the box's foot up to the baseline
    x = (origin[0] + up[0] / thickness * rise) * scale
    y = (origin[1] + up[1] / thickness * rise) * scale
    pdf.set_font(FONT, size=em * scale)
    # fpdf2 measures with the stretching in force: take it out to get the natural width.
    natural = pdf.get_string_width(text) * 100 / pdf.font_stretching
    if natural <= 0:
        return
    pdf.set_stretching(100 * run * scale / natural)
    angle = math.degrees(math.atan2(-direction[1], direction[0]))
    if abs(angle) < 0.5:
        pdf.text(x, y, text)
    else:
        with pdf.rotation(angle, x, y):
            pdf.text(x, y, text)


def _page_dpi(page: ExportPage) -> float:
    """The scan's DPI where known; else one that makes the long side as long as A4's."""
    return page.dpi or max(page.width, page.height) / A4_LONG_SIDE_INCHES


def _add_image(pdf: FPDF, page: ExportPage, size: tuple[float, float]) -> None:
    """The stored page image, turned as the engine turned it, so the boxes fit."""
    name = image_name(pdf, Path(page.image_path))
    if page.angle % 180:  # stored sideways: its own width runs along the page's height
        w, h = size[1], size[0]
    else:
        w, h = size
    x, y = (size[0] - w) / 2, (size[1] - h) / 2
    if page.angle % 360:
        with pdf.rotation(page.angle, size[0] / 2, size[1] / 2):
            pdf.image(name, x=x, y=y, w=w, h=h)
    else:
        pdf.image(name, x=x, y=y, w=w, h=h)


def _add_page(pdf: FPDF, page: ExportPage) -> None:
    if not (page.width and page.height):
        pdf.add_page(format="A4")  # not even rendered yet: a blank page keeps the numbering
        return
    scale = 72.0 / _page_dpi(page)
    size = (page.width * scale, page.height * scale)
    pdf.add_page(format=size)
    if page.image_path is not None and Path(page.image_path).is_file():
        _add_image(pdf, page, size)
    if page.done:
        for line in text_layer(page):
            _place_line(pdf, line, scale)


def write_pdf(doc: ExportDocument) -> bytes:
    font_path, face = cjk_font()
    pdf = FPDF(unit="pt", enforce_compliance="PDF/A-2U")
    pdf.set_title(doc.name)
    pdf.set_creator("ocrsite")
    if notice := incomplete_notice(doc):
        pdf.set_subject(notice)
    pdf.add_font(FONT, fname=str(font_path), collection_font_number=face)
    pdf.text_mode = TextMode.INVISIBLE
    for page in doc.pages:
        _add_page(pdf, page)
    if not doc.pages:
        pdf.add_page()  # a PDF needs a page
    return bytes(pdf.output())

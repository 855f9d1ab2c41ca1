"""A sample document rendered here with a real font and text chosen here (no OCR involved):
the export benchmark and the exporter tests draw their pages with it, so every line's box is
where its text really is on the image."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from documents.exports.document import (
    Box,
    ExportBlock,
    ExportCell,
    ExportDocument,
    ExportLine,
    ExportPage,
    ExportTable,
)
from documents.exports.pdf import cjk_font
from documents.exports.tables import table_html
from documents.geometry import union

PAGE_SIZE = (1240, 1754)  # A4 at 150 dpi
DPI = 150
MARGIN = 100
TITLE = "季度报告 Quarterly Report"
PARAGRAPH = (
    "本季度销售额同比增长百分之十二。",
    "Revenue grew 12% year on year in this quarter.",
    "华东地区表现最好，华南地区次之。",
    "The East region led, followed by the South.",
)
TABLE = (  # row, col, rowspan, colspan, text
    (0, 0, 1, 1, "地区 Region"),
    (0, 1, 1, 2, "销售额 Sales"),
    (1, 0, 1, 1, "华东 East"),
    (1, 1, 1, 1, "1,234.50"),
    (1, 2, 1, 1, "12%"),
    (2, 0, 1, 1, "华南 South"),
    (2, 1, 1, 1, "987"),
    (2, 2, 1, 1, "8.5%"),
)
CELL_SIZE = (300, 70)


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont:
    path, face = cjk_font()
    return ImageFont.truetype(str(path), size, index=face)


def _line(
    draw: ImageDraw.ImageDraw, xy: tuple[int, int], text: str, size: int, block: int
) -> ExportLine:
    """Draw one line (in the block of that `order`); its box is the ink box padded the way a
    text detector pads it."""
    draw.text(xy, text, font=_font(size), fill="black")
    x0, y0, x1, y1 = draw.textbbox(xy, text, font=_font(size))
    pad = round(0.2 * (y1 - y0))
    box: Box = (x0 - pad, y0 - pad, x1 + pad, y1 + pad)
    polygon = ((box[0], box[1]), (box[2], box[1]), (box[2], box[3]), (box[0], box[3]))
    return ExportLine(text=text, box=box, polygon=polygon, score=1.0, block=block)


def render_page(image_path: Path, number: int) -> ExportPage:
    """One page: a title, a paragraph of Chinese and English lines, a table with a merged
    header cell. Saved in the format `image_path`'s suffix names (PNG, as the backend stores
    pages, or JPEG)."""
    image = Image.new("RGB", PAGE_SIZE, "white")  # as the backend stores pages
    draw = ImageDraw.Draw(image)
    title = _line(draw, (MARGIN, MARGIN), f"{TITLE} {number}", 44, block=0)
    body = [
        _line(draw, (MARGIN, 220 + i * 60), text, 32, block=1) for i, text in enumerate(PARAGRAPH)
    ]
    top = 220 + len(PARAGRAPH) * 60 + 60
    cells, cell_lines = [], []
    for row, col, rowspan, colspan, text in TABLE:
        x0, y0 = MARGIN + col * CELL_SIZE[0], top + row * CELL_SIZE[1]
        x1, y1 = x0 + colspan * CELL_SIZE[0], y0 + rowspan * CELL_SIZE[1]
        draw.rectangle((x0, y0, x1, y1), outline="black", width=2)
        cell_lines.append(_line(draw, (x0 + 16, y0 + 18), text, 28, block=2))
        cells.append(ExportCell(row=row, col=col, rowspan=rowspan, colspan=colspan, text=text))
    image.save(image_path)
    table = ExportTable(html="", cells=tuple(cells))
    table_box = (MARGIN, top, MARGIN + 3 * CELL_SIZE[0], top + 3 * CELL_SIZE[1])
    blocks = (
        ExportBlock(order=0, label="doc_title", box=title.box, text=title.text),
        ExportBlock(
            order=1,
            label="text",
            box=union([ln.box for ln in body]),
            text="\n".join(ln.text for ln in body),
        ),
        ExportBlock(order=2, label="table", box=table_box, text=table_html(table), table=table),
    )
    return ExportPage(
        number=number,
        image_path=image_path,
        width=PAGE_SIZE[0],
        height=PAGE_SIZE[1],
        done=True,
        blocks=blocks,
        lines=(title, *body, *cell_lines),
        dpi=DPI,
    )


def sample_document(folder: Path, pages: int, image_suffix: str = ".png") -> ExportDocument:
    folder.mkdir(parents=True, exist_ok=True)
    return ExportDocument(
        id=1,
        name="季度报告 sample.pdf",
        complete=True,
        pages=tuple(
            render_page(folder / f"page-{n}{image_suffix}", n) for n in range(1, pages + 1)
        ),
    )

"""The PDF's text layer: which text goes on which line's box.

Lines carry their own effective text. Staff can also correct a whole block or table cell; the
lines inside it still hold the engine's text, so there the region's corrected text is laid over
those lines instead (one text line per box when the counts agree, else spread by length), or
over strips of the region when it has no lines. A line's block is the one it was saved with
(Line.block); a cell's lines are those whose centre it holds.
"""

from __future__ import annotations

from dataclasses import replace

from documents.exports.document import Box, ExportLine, ExportPage
from documents.geometry import centre, holds


def _spread(text: str, weights: list[int]) -> list[str]:
    """`text` cut into len(weights) consecutive pieces sized in proportion to `weights`."""
    total = sum(weights) or len(weights)
    pieces, start, seen = [], 0, 0
    for i, weight in enumerate(weights):
        seen += weight or 1
        end = len(text) if i == len(weights) - 1 else round(len(text) * seen / total)
        pieces.append(text[start:end].strip())
        start = end
    return pieces


def _strips(box: Box, texts: list[str]) -> list[ExportLine]:
    x0, y0, x1, y1 = box
    step = (y1 - y0) / len(texts)
    return [
        ExportLine(text=t, box=(x0, y0 + i * step, x1, y0 + (i + 1) * step), polygon=())
        for i, t in enumerate(texts)
    ]


def _regions(page: ExportPage) -> list[tuple[Box, str, list[int]]]:
    """(box, corrected text, indexes of its lines) for each block or cell corrected whole."""
    regions = [
        (
            block.box,
            block.text,
            [i for i, line in enumerate(page.lines) if line.block == block.order],
        )
        for block in page.ordered_blocks
        if block.engine_text is not None and block.table is None
    ]
    for table in page.tables:
        for cell in table.cells:
            if cell.engine_text is not None and cell.box is not None:
                inside = [
                    i for i, line in enumerate(page.lines) if holds(cell.box, centre(line.box))
                ]
                regions.append((cell.box, cell.text, inside))
    return regions


def text_layer(page: ExportPage) -> list[ExportLine]:
    lines: list[ExportLine | None] = list(page.lines)
    extra: list[ExportLine] = []
    for box, text, inside in _regions(page):
        texts = [t for t in text.splitlines() if t.strip()]
        if not inside:
            extra += _strips(box, texts) if texts else []
            continue
        if len(texts) != len(inside):
            weights = [len(page.lines[i].text) for i in inside]
            texts = _spread(" ".join(texts), weights)
        for i, piece in zip(inside, texts, strict=True):
            lines[i] = replace(page.lines[i], text=piece) if piece else None
    return [line for line in lines if line is not None] + extra

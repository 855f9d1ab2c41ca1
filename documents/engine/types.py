"""What the engine returns: frozen dataclasses, free of PaddleOCR's own classes.

Coordinates are pixels of the image the pipeline saw after document orientation was applied
(`PageResult.width` x `PageResult.height`), so boxes line up with that image in a viewer.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Point = tuple[float, float]
Box = tuple[float, float, float, float]  # x0, y0, x1, y1
Pipeline = Literal["ocr", "structure", "table"]
# ocr: text lines; structure: PP-StructureV3 (layout, tables, seals); table: the whole image is
# one table (PaddleX's table recognition without layout detection), for a scanned table to Excel.
PIPELINES: tuple[str, ...] = ("ocr", "structure", "table")


@dataclass(frozen=True)
class Line:
    """One recognised text line."""

    text: str
    score: float
    polygon: tuple[Point, ...]
    box: Box


@dataclass(frozen=True)
class TableCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    text: str
    box: Box | None = None


@dataclass(frozen=True)
class Table:
    html: str
    box: Box
    cells: tuple[TableCell, ...]


@dataclass(frozen=True)
class Block:
    """A layout region in reading order; `table` is set for table blocks."""

    order: int
    label: str
    box: Box
    polygon: tuple[Point, ...]
    content: str
    table: Table | None = None


@dataclass(frozen=True)
class PageResult:
    width: int
    height: int
    angle: int  # document rotation the pipeline corrected (0, 90, 180, 270)
    pipeline: str
    blocks: tuple[Block, ...]
    lines: tuple[Line, ...]
    markdown: str
    raw: dict[str, Any]  # PaddleOCR's own page result, JSON-serialisable
    timings: dict[str, float] = field(default_factory=dict)  # seconds: total, inference
    # The page as the engine flattened it (use_doc_unwarping), an RGB array the size of the input
    # and turned as it was: the boxes refer to it, not to the input. None when not flattened.
    flattened: Any = field(default=None, repr=False, compare=False)

    @property
    def text(self) -> str:
        """The page's text in reading order: blocks where there are any, else lines."""
        if self.blocks:
            return "\n".join(b.content for b in self.blocks if b.content)
        return "\n".join(line.text for line in self.lines)

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data (without the flattened image)."""
        return {k: v for k, v in asdict(self).items() if k != "flattened"}

"""What an export is made of: plain frozen values, free of Django, built once per export.

Every `text` here is already the effective text: the staff's correction where there is one,
the engine's text elsewhere. `engine_text` keeps the engine's original only where it was
corrected (None otherwise), so the JSON export can list the corrections.
Coordinates are pixels of the page image (`ExportPage.width` x `ExportPage.height`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from documents.geometry import Box

Point = tuple[float, float]


@dataclass(frozen=True)
class ExportCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    text: str
    engine_text: str | None = None
    box: Box | None = None


@dataclass(frozen=True)
class ExportTable:
    html: str  # the engine's table HTML; exporters rebuild HTML from `cells` when there are any
    cells: tuple[ExportCell, ...]

    @property
    def n_rows(self) -> int:
        return max((c.row + c.rowspan for c in self.cells), default=0)

    @property
    def n_cols(self) -> int:
        return max((c.col + c.colspan for c in self.cells), default=0)

    @property
    def has_merged_cells(self) -> bool:
        return any(c.rowspan > 1 or c.colspan > 1 for c in self.cells)


@dataclass(frozen=True)
class ExportBlock:
    """A layout region in reading order. `engine_text` is set when staff corrected the block as
    a whole; its `text` is then that correction, else the text of its lines."""

    order: int
    label: str
    box: Box
    text: str
    table: ExportTable | None = None
    engine_text: str | None = None


@dataclass(frozen=True)
class ExportLine:
    text: str
    box: Box
    polygon: tuple[Point, ...]
    score: float | None = None
    engine_text: str | None = None
    block: int | None = None  # the `order` of the block it lies in, None outside every block


@dataclass(frozen=True)
class ExportUnplaced:
    """A staff correction that no result of the page's latest run matched (not in the text)."""

    target: str  # line, block or cell
    engine_text: str  # what the engine read where it was made
    text: str  # the staff's text


@dataclass(frozen=True)
class ExportPage:
    number: int  # 1-based
    image_path: Path | None
    width: int  # the frame the boxes are in: the image as the engine saw it, after `angle`
    height: int
    done: bool  # OCR finished for this page; pages not done export their image only
    blocks: tuple[ExportBlock, ...]
    lines: tuple[ExportLine, ...]
    dpi: float | None = None  # of the page image, for the PDF's page size
    angle: int = 0  # the engine turned the stored image this far counter-clockwise to read it
    reviewed: bool = False
    unplaced: tuple[ExportUnplaced, ...] = ()

    def __post_init__(self) -> None:
        if not self.done and (self.blocks or self.lines):
            raise ValueError(f"page {self.number} is not processed yet: it has no results")

    @property
    def ordered_blocks(self) -> tuple[ExportBlock, ...]:
        return tuple(sorted(self.blocks, key=lambda b: b.order))

    @property
    def tables(self) -> tuple[ExportTable, ...]:
        return tuple(b.table for b in self.ordered_blocks if b.table is not None)


@dataclass(frozen=True)
class ExportDocument:
    id: int
    name: str
    complete: bool  # False while OCR has pages still to do (or failed/cancelled part-way)
    pages: tuple[ExportPage, ...]
    meta: dict[str, Any] = field(default_factory=dict)  # e.g. status, pipeline: for the JSON

    @property
    def pages_done(self) -> int:
        return sum(1 for p in self.pages if p.done)

    @property
    def tables(self) -> tuple[tuple[ExportPage, int, ExportTable], ...]:
        """Every table with its page and its 1-based number on that page."""
        return tuple(
            (page, i, table) for page in self.pages for i, table in enumerate(page.tables, start=1)
        )

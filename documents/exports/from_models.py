"""The export of a stored document: its pages, blocks, lines and tables read in a few queries
and turned into the plain values the writers take, with the text staff see on the review
screen (their corrections where they made them, the engine's text elsewhere).

The engine's block content joins lines by its own rules (and sometimes drops the space
between two English sentences), so a block's text is its lines, one per row, as on screen."""

from __future__ import annotations

from pathlib import Path

from django.db.models import Prefetch

from documents.exports.document import (
    ExportBlock,
    ExportCell,
    ExportDocument,
    ExportLine,
    ExportPage,
    ExportTable,
    ExportUnplaced,
)
from documents.geometry import union
from documents.models import Block, Correction, Document, Line, Page, Status, Table, TableCell
from documents.selectors import current_run


def _box(value: list[float] | None) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = value or (0, 0, 0, 0)
    return (x0, y0, x1, y1)


def _corrected(engine: str, corrected: str | None) -> str | None:
    """The engine's text where staff corrected it, for the JSON's list of corrections."""
    return None if corrected is None else engine


def _line(line: Line, block_order: dict[int, int]) -> ExportLine:
    return ExportLine(
        text=line.effective_text,
        box=_box(line.box),
        polygon=tuple((x, y) for x, y in line.polygon or ()),
        score=line.score,
        engine_text=_corrected(line.text, line.corrected_text),
        block=block_order.get(line.block_id) if line.block_id else None,
    )


def _table(table: Table) -> ExportTable:
    return ExportTable(
        html=table.html,
        cells=tuple(
            ExportCell(
                row=c.row,
                col=c.col,
                rowspan=c.rowspan,
                colspan=c.colspan,
                text=c.effective_text,
                engine_text=_corrected(c.text, c.corrected_text),
                box=_box(c.box) if c.box else None,
            )
            for c in table.cells.all()
        ),
    )


def block_text(block: Block, lines: list[Line]) -> str:
    """As the review screen shows the block: its correction if staff corrected it whole, else
    its lines (with their corrections) one per row, else the engine's content."""
    if block.corrected_content is not None:
        return block.corrected_content
    if lines:
        return "\n".join(line.effective_text for line in lines)
    return block.content


def _blocks(page: Page, lines: list[Line]) -> tuple[ExportBlock, ...]:
    blocks = list(page.blocks.all())
    tables = list(page.tables.all())
    table_of = {t.block_id: t for t in tables if t.block_id is not None}
    lines_of: dict[int | None, list[Line]] = {}  # by the block they were saved with
    for line in lines:
        lines_of.setdefault(line.block_id, []).append(line)
    result = [
        ExportBlock(
            order=block.order,
            label=block.label,
            box=_box(block.box),
            text=block_text(block, lines_of.get(block.pk, [])),
            table=_table(table_of[block.pk]) if block.pk in table_of else None,
            engine_text=_corrected(block.content, block.corrected_content),
        )
        for block in blocks
    ]
    # What the review screen shows after the blocks: tables without a block, then the lines
    # outside every block.
    order = max((b.order for b in blocks), default=-1) + 1
    for table in tables:
        if table.block_id is None:
            result.append(ExportBlock(order, "table", _box(table.box), "", _table(table)))
            order += 1
    loose = lines_of.get(None, [])
    if loose:
        text = "\n".join(ln.effective_text for ln in loose)
        result.append(ExportBlock(order, "text", union([ln.box for ln in loose]), text))
    return tuple(result)


def _page(page: Page) -> ExportPage:
    done = page.status == Status.DONE
    lines = list(page.lines.all()) if done else []
    block_order = {block.pk: block.order for block in page.blocks.all()}
    return ExportPage(
        number=page.number,
        image_path=Path(page.image.path) if page.image else None,
        width=page.ocr_width or page.width or 0,
        height=page.ocr_height or page.height or 0,
        done=done,
        blocks=_blocks(page, lines) if done and page.blocks.all() else (),
        lines=tuple(_line(line, block_order) for line in lines),
        dpi=page.dpi,
        angle=page.angle,
        reviewed=page.reviewed,
        unplaced=tuple(
            ExportUnplaced(c.kind, c.engine_text, c.after) for c in page.corrections.all()
        ),
    )


def pages_with_results(document: Document) -> list[Page]:
    return list(
        Page.objects.filter(document=document)
        .order_by("number")
        .prefetch_related(
            Prefetch("blocks", Block.objects.order_by("order")),
            Prefetch("lines", Line.objects.order_by("order")),
            Prefetch(
                "tables",
                Table.objects.order_by("order").prefetch_related(
                    Prefetch("cells", TableCell.objects.order_by("row", "col"))
                ),
            ),
            Prefetch(
                "corrections",
                Correction.objects.filter(state=Correction.State.UNPLACED).order_by("created_at"),
            ),
        )
    )


def export_from_model(document: Document) -> ExportDocument:
    pages = tuple(_page(page) for page in pages_with_results(document))
    run = current_run(document)
    return ExportDocument(
        id=document.pk,
        name=document.name,
        complete=document.status == Status.DONE and all(p.done for p in pages),
        pages=pages,
        meta={
            "status": document.status,
            "reviewed": document.reviewed,
            "pipeline": run.pipeline if run else None,
            "created_at": document.created_at.isoformat(),
        },
    )

"""PaddleX results to the engine's dataclasses.

Conversion reads PaddleOCR's JSON form of a page result (`result.json["res"]`), the same dict
that is kept as the raw result, so what is stored and what is shown can never disagree.
"""

from __future__ import annotations

from typing import Any

import lxml.html
import numpy as np

from .types import Block, Box, Line, PageResult, Point, Table, TableCell


def _polygon(points: Any) -> tuple[Point, ...]:
    return tuple((float(x), float(y)) for x, y in points)


def _box_of(polygon: tuple[Point, ...]) -> Box:
    xs, ys = [p[0] for p in polygon], [p[1] for p in polygon]
    return (min(xs), min(ys), max(xs), max(ys))


def _as_box(values: Any) -> Box:
    """PaddleX's four numbers of a box (numpy's or JSON's) as floats."""
    x0, y0, x1, y1 = (float(v) for v in values)
    return (x0, y0, x1, y1)


def _rectangle(box: Any) -> tuple[Point, ...]:
    x0, y0, x1, y1 = (float(v) for v in box)
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


def lines_of(ocr: dict[str, Any], offset: Point = (0.0, 0.0)) -> tuple[Line, ...]:
    """The lines of an OCR result; `offset`: where its image lies on the page (a crop's corner)."""
    lines = []
    dx, dy = offset
    for text, score, poly in zip(
        ocr["rec_texts"], ocr["rec_scores"], ocr["rec_polys"], strict=True
    ):
        polygon = tuple((x + dx, y + dy) for x, y in _polygon(poly))
        lines.append(Line(text=text, score=float(score), polygon=polygon, box=_box_of(polygon)))
    return tuple(lines)


def _inside(box: Box, region: Box) -> bool:
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return region[0] <= x <= region[2] and region[1] <= y <= region[3]


def _with_seal_lines(lines: tuple[Line, ...], res: dict[str, Any]) -> tuple[Line, ...]:
    """The page's lines with each seal's own: the seal sub-pipeline reads its curved text, where
    the page's OCR read it as straight lines (fragments). PP-StructureV3 leaves whatever lies
    under a seal out of the text blocks too."""
    seals = [b["coordinate"] for b in res["layout_det_res"]["boxes"] if b["label"] == "seal"]
    found = res.get("seal_res_list") or []
    if not found:
        return lines
    regions = [_as_box(box) for box in seals]
    kept = tuple(line for line in lines if not any(_inside(line.box, r) for r in regions))
    # PaddleX read each seal from its box's crop, cut at whole pixels.
    own = (
        line
        for box, ocr in zip(seals, found, strict=True)
        for line in lines_of(ocr, (float(int(box[0])), float(int(box[1]))))
    )
    return kept + tuple(own)


def parse_html(text: str) -> lxml.html.HtmlElement:
    """Table HTML (PaddleX's `pred_html`, a ground truth's table) as one element. Wrapped in a
    <div> so that any text parses, an empty one too; libxml2 drops the <html><body> PaddleX puts
    around a table."""
    return lxml.html.fromstring(f"<div>{text}</div>")


def _span(cell: lxml.html.HtmlElement, name: str) -> int:
    value = cell.get(name) or ""
    return int(value) if value.isdigit() else 1


def table_cells(html: str, cell_boxes: list[Any] | None = None) -> tuple[TableCell, ...]:
    """The cells of table HTML in document order, each placed on the grid despite row and column
    spans: a cell takes the first column of its row that no cell above spans into. Given one box
    per cell (PaddleX's `cell_box_list`), each cell takes its own."""
    cells: list[TableCell] = []
    taken: set[tuple[int, int]] = set()
    row = -1
    for element in parse_html(html).iter("tr", "td", "th"):
        if element.tag == "tr":
            row += 1
            continue
        rowspan, colspan = _span(element, "rowspan"), _span(element, "colspan")
        col = 0
        while (row, col) in taken:
            col += 1
        taken.update((r, c) for r in range(row, row + rowspan) for c in range(col, col + colspan))
        cells.append(TableCell(row, col, rowspan, colspan, element.text_content().strip()))
    if cell_boxes and len(cell_boxes) == len(cells):
        cells = [
            TableCell(c.row, c.col, c.rowspan, c.colspan, c.text, _as_box(box[:4]))
            for c, box in zip(cells, cell_boxes, strict=True)
        ]
    return tuple(cells)


def _table(found: dict[str, Any], box: Box) -> Table:
    """A table of PaddleX's table_res_list, its cells placed by the boxes it found for them."""
    html = found["pred_html"]
    return Table(html=html, box=box, cells=table_cells(html, found.get("cell_box_list")))


def _blocks(res: dict[str, Any]) -> tuple[Block, ...]:
    tables = {t["pred_html"]: t for t in res.get("table_res_list", [])}
    blocks = []
    for order, item in enumerate(res.get("parsing_res_list", [])):
        box = _as_box(item["block_bbox"])
        content = item.get("block_content") or ""
        table = None
        if item["block_label"] == "table" and content in tables:
            table = _table(tables[content], box)
        blocks.append(
            Block(
                order=order,
                label=item["block_label"],
                box=box,
                polygon=_rectangle(box),
                content=content,
                table=table,
            )
        )
    return tuple(blocks)


def _whole_page_table(res: dict[str, Any], width: int, height: int) -> tuple[Block, ...]:
    """The table pipeline's one table, covering the image."""
    box = (0.0, 0.0, float(width), float(height))
    table = _table(res["table_res_list"][0], box)
    return (Block(0, "table", box, _rectangle(box), table.html, table),)


def _flattened(result: Any, angle: int) -> np.ndarray | None:
    """The page UVDoc flattened, turned back as the input was (viewers turn it by `angle`)."""
    pre = result.get("doc_preprocessor_res") or {}
    if not (pre.get("model_settings") or {}).get("use_doc_unwarping"):
        return None
    # PaddleX turned the page `angle` degrees counter-clockwise before flattening it.
    upright = np.rot90(pre["output_img"], k=-(angle // 90))
    return np.ascontiguousarray(upright[:, :, ::-1])  # BGR to RGB


def to_page_result(
    result: Any, pipeline: str, shape: tuple[int, ...], timings: dict[str, float]
) -> PageResult:
    """`result`: the PaddleX result object for one page; `shape`: the array it was given."""
    res = result.json["res"]
    angle = int((res.get("doc_preprocessor_res") or {}).get("angle", 0) or 0)
    height, width = shape[:2]
    if angle in (90, 270):
        width, height = height, width
    if pipeline == "structure":
        blocks = _blocks(res)
        lines = _with_seal_lines(lines_of(res["overall_ocr_res"]), res)
        markdown = result.markdown["markdown_texts"]
    elif pipeline == "table":
        blocks = _whole_page_table(res, width, height)
        lines = lines_of(res["overall_ocr_res"])
        markdown = blocks[0].content
    else:
        blocks = ()
        lines = lines_of(res)
        markdown = "\n\n".join(line.text for line in lines)
    res.pop("input_path", None)  # a temporary array, meaningless once stored
    return PageResult(
        width=int(width),
        height=int(height),
        angle=angle if angle >= 0 else 0,
        pipeline=pipeline,
        blocks=blocks,
        lines=lines,
        markdown=markdown,
        raw=res,
        timings=timings,
        flattened=_flattened(result, angle),
    )

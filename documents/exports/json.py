"""JSON: per page the PaddleOCR page-result shape, with the effective (corrected) text in it
and the corrections listed beside. The shape is documented in docs/exports.md."""

from __future__ import annotations

import json
from typing import Any

from documents.exports.document import ExportDocument, ExportPage
from documents.exports.tables import table_html

SCHEMA = "ocrsite.export/1"


def _corrections(page: ExportPage) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for i, line in enumerate(page.lines):
        if line.engine_text is not None:
            found.append(
                {"target": "line", "index": i, "engine_text": line.engine_text, "text": line.text}
            )
    for block in page.ordered_blocks:
        if block.engine_text is not None:
            found.append(
                {
                    "target": "block",
                    "block_order": block.order,
                    "engine_text": block.engine_text,
                    "text": block.text,
                }
            )
    for t, table in enumerate(page.tables):
        for cell in table.cells:
            if cell.engine_text is not None:
                found.append(
                    {
                        "target": "table_cell",
                        "table_index": t,
                        "row": cell.row,
                        "col": cell.col,
                        "engine_text": cell.engine_text,
                        "text": cell.text,
                    }
                )
    return found


def page_result(page: ExportPage) -> dict[str, Any]:
    """One page in PaddleOCR's PP-StructureV3 result keys (PP-OCRv5's `rec_*` lists sit in
    `overall_ocr_res`, as PP-StructureV3 nests them)."""
    return {
        "page_index": page.number - 1,
        "page_number": page.number,
        "done": page.done,
        "reviewed": page.reviewed,
        "width": page.width,
        "height": page.height,
        "angle": page.angle,
        "parsing_res_list": [
            {
                "block_label": b.label,
                "block_content": table_html(b.table) if b.table else b.text,
                "block_bbox": list(b.box),
                "block_order": b.order,
            }
            for b in page.ordered_blocks
        ],
        "overall_ocr_res": {
            "rec_texts": [line.text for line in page.lines],
            "rec_scores": [line.score for line in page.lines],
            "rec_polys": [[list(p) for p in line.polygon] for line in page.lines],
            "rec_boxes": [list(line.box) for line in page.lines],
        },
        "table_res_list": [
            {
                "pred_html": table_html(table),
                "cells": [
                    {
                        "row": c.row,
                        "col": c.col,
                        "rowspan": c.rowspan,
                        "colspan": c.colspan,
                        "text": c.text,
                    }
                    for c in table.cells
                ],
            }
            for table in page.tables
        ],
        "corrections": _corrections(page),
        "unplaced_corrections": [
            {"target": u.target, "engine_text": u.engine_text, "text": u.text}
            for u in page.unplaced
        ],
    }


def write_json(doc: ExportDocument) -> bytes:
    payload = {
        "schema": SCHEMA,
        "document": {
            "id": doc.id,
            "name": doc.name,
            "complete": doc.complete,
            "pages_total": len(doc.pages),
            "pages_done": doc.pages_done,
            **doc.meta,
        },
        "pages": [page_result(page) for page in doc.pages],
    }
    return json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")

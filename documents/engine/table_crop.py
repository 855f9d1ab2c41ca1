"""The table pipeline's table cut to its ink before SLANet_plus reads its structure.

SLANet_plus was trained on tight table crops (PubTabNet). Given a whole scan or photo of a table,
the paper around it becomes rows and columns of its own: a ruled table with 40 px of margin
gained an empty first row, with 80 px an empty last column too. So the structure model sees the
table's ink and a few pixels around it, and its cell boxes are moved back onto the whole image,
where the pipeline matches them with the page's text lines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import cv2
import numpy as np

from .pipeline_parts import pipelines_within
from .types import Box

# Ink is what is clearly darker than the paper (the page's median grey) once a 3x3 median has
# taken out the scanner's specks; a row or column holds the table where at least this share of
# it is ink, so a stray mark does not widen the crop.
_INK_BELOW_PAPER = 60
_MIN_INK_SHARE = 0.01
MARGIN = 8  # pixels kept around the ink, as PubTabNet's crops have


def content_box(image: np.ndarray) -> Box:
    """The box around the ink of a page image (x0, y0, x1, y1), with a small margin; the whole
    image when it holds no ink."""
    grey = cv2.medianBlur(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image, 3)
    ink = grey < int(np.median(grey)) - _INK_BELOW_PAPER
    height, width = ink.shape
    rows = np.flatnonzero(ink.sum(axis=1) >= max(2, _MIN_INK_SHARE * width))
    cols = np.flatnonzero(ink.sum(axis=0) >= max(2, _MIN_INK_SHARE * height))
    if not len(rows) or not len(cols):
        return (0.0, 0.0, float(width), float(height))
    return (
        float(max(0, cols[0] - MARGIN)),
        float(max(0, rows[0] - MARGIN)),
        float(min(width, cols[-1] + 1 + MARGIN)),
        float(min(height, rows[-1] + 1 + MARGIN)),
    )


class ContentCrop:
    """Stands in for the table pipeline's structure model: reads the table from its ink's box and
    gives the cell boxes (eight numbers per cell, x and y in turn) in the whole image's pixels."""

    def __init__(self, model: Callable[..., Iterable[Any]]) -> None:
        self._model = model

    def __getattr__(self, name: str) -> Any:
        return getattr(self._model, name)

    def __call__(self, image: np.ndarray, *args: Any, **kwargs: Any) -> Iterator[Any]:
        x0, y0, x1, y1 = (int(v) for v in content_box(image))
        for result in self._model(image[y0:y1, x0:x1], *args, **kwargs):
            cells = np.asarray(result["bbox"], dtype=float).reshape(-1, 8)
            result["bbox"] = list(cells + np.tile([x0, y0], 4))
            yield result


def crop_tables_to_content(predictor: Any) -> None:
    """Put a ContentCrop in front of a table recognition predictor's structure model."""
    # The pipeline's own object, not the wrapper that lends it its attributes.
    table = next(p for p in pipelines_within(predictor) if "table_structure_model" in vars(p))
    table.table_structure_model = ContentCrop(table.table_structure_model)

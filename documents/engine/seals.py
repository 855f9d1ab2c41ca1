"""Seals (stamps) found by their ink, for PP-StructureV3's seal recognition.

PP-StructureV3 reads the text of the layout regions labelled "seal" with its seal sub-pipeline
(curved-text detection, then recognition). The layout model we ship (CDLA classes) has no seal
class, so the regions come from here: seals are stamped in red or blue ink, round, oval or square,
and hollow (a ring of text around a star or an emblem). A colour mask finds the ink, and a shape
test keeps the blobs that look like a stamp: body text, coloured headings, logos and photos fail
it (docs/engine-speed-and-accuracy.md has the figures).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import cv2
import numpy as np

from .pipeline_parts import pipelines_within
from .types import Box

LABEL = "seal"
# HSV (OpenCV's ranges: hue 0-180): saturated reds wrap around 0; blues sit near 110.
_INK = (((0, 70, 60), (12, 255, 255)), ((160, 70, 60), (180, 255, 255)),
        ((95, 70, 40), (135, 255, 255)))  # fmt: skip
_MIN_SIDE = 0.04  # of the page's shorter side: smaller blobs are letters or marks
_MAX_SIDE = 0.5  # larger ones are pictures or coloured backgrounds
_ASPECT = (0.55, 1.8)  # round, oval or square; a coloured text line is far wider than tall
_INK_SHARE = (0.04, 0.55)  # hollow: ink covers part of the box, never most of it
_HULL_SHARE = 0.6  # the blob's outline fills its box as a circle (0.79) or square (1.0) does


def _ink(image: np.ndarray) -> np.ndarray:
    """A mask of the red and blue ink on a BGR image."""
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
    mask = np.zeros(hsv.shape[:2], np.uint8)
    for low, high in _INK:
        mask |= cv2.inRange(hsv, np.array(low), np.array(high))
    return mask


def find_seals(image: np.ndarray) -> list[Box]:
    """Boxes of the seals on a BGR page image, a little wider than the ink."""
    mask = _ink(image)
    short = min(image.shape[:2])
    # Close the gaps between a seal's ring, letters and star so that it is one blob.
    reach = max(3, int(short * 0.012))
    blobs = cv2.morphologyEx(
        mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (reach, reach))
    )
    contours, _ = cv2.findContours(blobs, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    found = []
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        if not (_MIN_SIDE * short <= min(w, h) and max(w, h) <= _MAX_SIDE * short):
            continue
        if not _ASPECT[0] <= w / h <= _ASPECT[1]:
            continue
        ink = cv2.countNonZero(mask[y : y + h, x : x + w]) / (w * h)
        hull = cv2.contourArea(cv2.convexHull(contour)) / (w * h)
        if _INK_SHARE[0] <= ink <= _INK_SHARE[1] and hull >= _HULL_SHARE:
            pad = int(0.05 * max(w, h))
            height, width = image.shape[:2]
            found.append(
                (float(max(0, x - pad)), float(max(0, y - pad)),
                 float(min(width, x + w + pad)), float(min(height, y + h + pad)))
            )  # fmt: skip
    return found


def without_seals(image: np.ndarray, seals: list[Box]) -> np.ndarray:
    """The page with the seals' ink turned to paper."""
    clean = image.copy()
    for box in seals:
        x0, y0, x1, y1 = (int(v) for v in box)
        region = clean[y0:y1, x0:x1]
        region[_ink(region) > 0] = 255
    return clean


class SealLayout:
    """Stands in for the pipeline's layout model while `enabled` (set per page by the engine,
    which runs one page at a time): the seals found by ink, and the layout model's regions of the
    page without them, so that no text region reaches over a seal and swallows it (PP-StructureV3
    drops the smaller of two regions that overlap by half)."""

    def __init__(self, layout_model: Callable[..., Iterable[Any]], seal_class_id: int) -> None:
        self._layout_model = layout_model
        self._class_id = seal_class_id
        self.enabled = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._layout_model, name)

    def __call__(self, images: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
        if not self.enabled:
            yield from self._layout_model(images, *args, **kwargs)
            return
        pages = images if isinstance(images, list) else [images]
        seals = [find_seals(page) for page in pages]
        clean = [without_seals(page, found) for page, found in zip(pages, seals, strict=True)]
        for found, result in zip(seals, self._layout_model(clean, *args, **kwargs), strict=True):
            result["boxes"].extend(
                {"cls_id": self._class_id, "label": LABEL, "score": 1.0, "coordinate": [*box]}
                for box in found
            )
            yield result


def find_seals_in_layout(predictor: Any, seal_class_id: int) -> SealLayout:
    """Put a SealLayout in front of a PP-StructureV3 predictor's layout model."""
    # The pipeline's own object, not the wrapper that lends it its attributes.
    structure = next(p for p in pipelines_within(predictor) if "layout_det_model" in vars(p))
    layout = SealLayout(structure.layout_det_model, seal_class_id)
    structure.layout_det_model = layout
    return layout

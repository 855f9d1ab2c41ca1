"""Which line lies in which region: a line belongs to the first region (in reading order) that
holds the centre of its box. Decided for blocks once, when a page's results are saved
(worker.py stores it as Line.block); the PDF's text layer asks it of corrected table cells."""

from __future__ import annotations

from collections.abc import Sequence

Box = tuple[float, float, float, float]  # x0, y0, x1, y1


def centre(box: Sequence[float]) -> tuple[float, float]:
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


def holds(box: Sequence[float], point: tuple[float, float]) -> bool:
    return box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]


def owners(
    regions: Sequence[Sequence[float]], lines: Sequence[Sequence[float]]
) -> list[int | None]:
    """For each line box, the index of the first region box holding its centre, or None."""
    return [
        next((r for r, region in enumerate(regions) if holds(region, centre(line))), None)
        for line in lines
    ]


def union(boxes: Sequence[Sequence[float]]) -> Box:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )

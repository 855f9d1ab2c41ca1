"""Which line lies in which region, decided the way the review screen decides it: a line
belongs to the first region (in reading order) that holds the centre of its box."""

from __future__ import annotations

from collections.abc import Sequence

from documents.exports.document import Box


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

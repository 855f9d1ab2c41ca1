"""Which result of a new OCR run a correction made on an earlier run belongs to.

A correction is placed on the new result that sits in the same place on the page (its box
overlaps the old one by at least MIN_OVERLAP, intersection over union, boxes as fractions of
the page) and reads alike (MIN_SIMILARITY, against either the engine's old text or the staff's
text, so a new run that now reads the word right still matches). Each new result takes at most
one correction, the closest first. The thresholds were chosen with `manage.py correction_bench`
(figures in docs/corrections.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

Box = tuple[float, float, float, float]

MIN_OVERLAP = 0.5
MIN_SIMILARITY = 0.6


@dataclass(frozen=True)
class Spot:
    """A result's place and text: `box` as fractions of the page's width and height; `slot`
    (a table cell's row and column) stands in where a cell has no box of its own."""

    box: Box
    texts: tuple[str, ...]
    slot: tuple[int, int] | None = None
    has_own_box: bool = True


def fractions(box: Sequence[float], width: float, height: float) -> Box:
    x0, y0, x1, y1 = box
    return (x0 / width, y0 / height, x1 / width, y1 / height)


def overlap(a: Box, b: Box) -> float:
    """Intersection over union of two boxes."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def similarity(a: str, b: str) -> float:
    """1 for the same text, 0 for nothing in common (edit distance over the longer length)."""
    a, b = "".join(a.split()), "".join(b.split())
    return Levenshtein.normalized_similarity(a, b)


def _score(old: Spot, new: Spot, min_overlap: float, min_similarity: float) -> float | None:
    if old.has_own_box and new.has_own_box:
        place = overlap(old.box, new.box)
    elif old.slot == new.slot and overlap(old.box, new.box) >= min_overlap:
        place = 1.0  # the same row and column of the same table
    else:
        return None
    if place < min_overlap:
        return None
    text = max(similarity(t, u) for t in old.texts for u in new.texts)
    if text < min_similarity:
        return None
    return place + text


def match(
    old: Sequence[Spot],
    new: Sequence[Spot],
    *,
    min_overlap: float = MIN_OVERLAP,
    min_similarity: float = MIN_SIMILARITY,
) -> dict[int, int]:
    """{index in `old`: index in `new`} for every old spot that found its new one."""
    pairs = sorted(
        (
            (score, i, j)
            for i, o in enumerate(old)
            for j, n in enumerate(new)
            if (score := _score(o, n, min_overlap, min_similarity)) is not None
        ),
        reverse=True,
    )
    placed: dict[int, int] = {}
    taken: set[int] = set()
    for _, i, j in pairs:
        if i not in placed and j not in taken:
            placed[i] = j
            taken.add(j)
    return placed

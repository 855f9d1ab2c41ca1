"""`correction_bench`: how the rule that carries corrections to a new run (carry_forward.py)
does on real pages.

Every page of ../shared/eval is read with the upload defaults and read again with other options
(`ocr` pipeline, detector at 960 px, text-line orientation on: a different line finder; and the
structure pipeline at 960 px for blocks and table cells). Every line, block and cell of the first
read stands for a correction (its text with one character in ten changed, as staff fix a word),
and is placed on the second read: how many find a result, how many of those read the same, and
how many would be placed on another page of the same set instead (forms share a template), which
is the rule's rate of wrong placements.
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from documents.bench.samples import eval_samples
from documents.carry_forward import Spot, fractions, match
from documents.engine.types import PageResult
from documents.engine_settings import configured_engine
from documents.management.commands.ocr_bench import EVAL_DIR

REREADS = {
    "lines": ("ocr", {"text_det_limit_side_len": 960, "use_textline_orientation": True}),
    "blocks": ("structure", {"text_det_limit_side_len": 960}),
    "cells": ("structure", {"text_det_limit_side_len": 960}),
}
THRESHOLDS = [(0.5, 0.5), (0.5, 0.6), (0.5, 0.7), (0.3, 0.6), (0.7, 0.6)]


def spots(result: PageResult, kind: str) -> list[Spot]:
    size = (result.width, result.height)
    if kind == "lines":
        return [Spot(fractions(li.box, *size), (li.text,)) for li in result.lines]
    if kind == "blocks":
        return [Spot(fractions(b.box, *size), (b.content,)) for b in result.blocks]
    return [
        Spot(
            fractions(c.box or b.table.box, *size),
            (c.text,),
            slot=(c.row, c.col),
            has_own_box=c.box is not None,
        )
        for b in result.blocks
        if b.table
        for c in b.table.cells
    ]


def corrected(spot: Spot, rng: random.Random) -> Spot:
    """The spot as a correction: the engine's text, and the staff's with a few letters changed."""
    text = spot.texts[0]
    staff = "".join("x" if rng.random() < 0.1 else ch for ch in text)
    return Spot(spot.box, (text, staff), spot.slot, spot.has_own_box)


class Command(BaseCommand):
    help = "Measure the carry-forward rule for corrections on the evaluation pages."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--eval-dir", type=Path, default=EVAL_DIR)
        parser.add_argument("--per-set", type=int, default=3, help="pages per evaluation set")

    def handle(self, *args: Any, **options: Any) -> None:
        engine = configured_engine()
        reads: list[dict[str, Any]] = []
        with tempfile.TemporaryDirectory(prefix="correction-bench-") as tmp:
            samples = eval_samples(
                options["eval_dir"],
                options["per_set"],
                Path(tmp),
                dpi=settings.PDF_DPI,
                max_pixels=settings.MAX_PAGE_PIXELS,
            )
            for sample in samples:
                first = engine.run(str(sample.path), pipeline="structure")
                again = {
                    kind: engine.run(str(sample.path), pipeline=pipeline, options=opts)
                    for kind, (pipeline, opts) in REREADS.items()
                }
                reads.append({"set": sample.set, "first": first, "again": again})
                self.stderr.write(f"read {sample.set} {sample.path.name}")
        self.stdout.write(f"{len(reads)} pages; placed / same text of placed / wrong page placed")
        for kind in REREADS:
            self.stdout.write(kind)
            for overlap, similarity in THRESHOLDS:
                self.stdout.write(f"  {self._figures(reads, kind, overlap, similarity)}")

    def _figures(self, reads: list[dict], kind: str, overlap: float, similarity: float) -> str:
        rng = random.Random(0)
        limits = {"min_overlap": overlap, "min_similarity": similarity}
        total = placed = same = wrong = 0
        for i, read in enumerate(reads):
            old = [corrected(s, rng) for s in spots(read["first"], kind)]
            new = spots(read["again"][kind], kind)
            found = match(old, new, **limits)
            total += len(old)
            placed += len(found)
            same += sum(old[k].texts[0] == new[v].texts[0] for k, v in found.items())
            other = next(
                (r for j, r in enumerate(reads) if r["set"] == read["set"] and j != i), None
            )
            if other:
                wrong += len(match(old, spots(other["again"][kind], kind), **limits))
        share = 100 * placed / max(total, 1)
        return (
            f"overlap >= {overlap}, similarity >= {similarity}: placed {placed}/{total} "
            f"({share:.1f} %), same text {100 * same / max(placed, 1):.1f} %, "
            f"wrong page {wrong} ({100 * wrong / max(total, 1):.2f} %)"
        )

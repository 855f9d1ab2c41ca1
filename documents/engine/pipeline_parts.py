"""Reaching into a built PaddleX pipeline: the engine adjusts some of its parts in place (quick
read, orientation minimums, the seal finder), wherever PaddleX nests them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from paddlex.inference.pipelines.base import BasePipeline


def pipelines_within(pipeline: Any) -> Iterator[BasePipeline]:
    """`pipeline` and every sub-pipeline in it (and the one a parallel wrapper holds), once each."""
    seen: set[int] = set()
    stack = [pipeline]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, BasePipeline):
            yield current
        stack.extend(v for v in vars(current).values() if isinstance(v, BasePipeline))

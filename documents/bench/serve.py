"""The worker side of `ocr_bench`: read image paths on stdin, answer one JSON line for each.

Standard library only, so that every worker can use it, whatever venv it runs in.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections.abc import Callable
from typing import Any

# image path -> {"lines": [[text, [x0, y0, x1, y1]], ...], and any extra figures}
OCR = Callable[[str], dict[str, Any]]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def serve(build: Callable[[], tuple[OCR, str]]) -> None:
    """Build the OCR (it returns the function and a one-line description of itself), say
    `{"ready": description}`, then answer every image path read until stdin closes."""
    # The answers get a descriptor of their own; whatever the OCR libraries print goes to
    # stderr, where it cannot break a JSON line.
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    ocr, description = build()
    answers.write(json.dumps({"ready": description}) + "\n")
    answers.flush()
    for line in sys.stdin:
        started = time.perf_counter()
        try:
            answer = ocr(line.strip())
        except Exception as e:  # a page one tool cannot read is a failure; the run goes on
            answer = {"error": f"{type(e).__name__}: {e}"}
        else:
            answer["seconds"] = time.perf_counter() - started
        answer.update(peak_rss_mb=peak_rss_mb(), rss_mb=rss_mb())
        answers.write(json.dumps(answer, ensure_ascii=False) + "\n")
        answers.flush()


def box_of(points: Any) -> list[float]:
    """[x0, y0, x1, y1] of a box given as four numbers or as a polygon's points."""
    values = points.tolist() if hasattr(points, "tolist") else list(points)
    if values and isinstance(values[0], list | tuple):
        xs, ys = [p[0] for p in values], [p[1] for p in values]
        return [float(min(xs)), float(min(ys)), float(max(xs)), float(max(ys))]
    return [float(v) for v in values]

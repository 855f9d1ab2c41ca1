"""A page's results as the worker saves them: each line stored with the block it lies in, the
first in reading order holding the centre of its box (not the engine's list order), or none."""

from __future__ import annotations

import pytest

from documents import worker
from documents.engine.types import Block, Line, PageResult
from documents.models import Page

pytestmark = pytest.mark.django_db


def square(x0: float, y0: float, x1: float, y1: float) -> tuple[tuple[float, float], ...]:
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


def block(order: int, label: str, box: tuple[float, float, float, float]) -> Block:
    return Block(order=order, label=label, box=box, polygon=square(*box), content="")


def line(text: str, box: tuple[float, float, float, float]) -> Line:
    return Line(text=text, score=0.99, polygon=square(*box), box=box)


def test_each_line_is_saved_with_the_first_block_in_reading_order_holding_its_centre(upload):
    # Built by hand: what is tested is where the save puts each line, not OCR.
    result = PageResult(
        width=1000,
        height=1000,
        angle=0,
        pipeline="structure",
        # The engine's list order is not the reading order: the wide block reads first.
        blocks=(block(1, "text", (0, 0, 500, 500)), block(0, "table", (0, 0, 1000, 600))),
        lines=(
            line("in both", (10, 10, 200, 40)),
            line("in the wide one", (600, 10, 900, 40)),
            line("under both", (10, 700, 200, 740)),
            line("its centre outside, its corner inside", (400, 560, 700, 700)),
        ),
        markdown="",
        raw={},
    )
    document = upload()
    page = Page.objects.get(document=document)
    claimed = worker.page_claim(page_id=page.pk, token=str(page.token))
    assert claimed is not None
    assert worker.page_result_save(page=claimed, result=result, engine_info={}, timings={})

    saved = {line.text: line.block for line in page.lines.select_related("block")}
    assert {text: b and (b.order, b.label) for text, b in saved.items()} == {
        "in both": (0, "table"),
        "in the wide one": (0, "table"),
        "under both": None,
        "its centre outside, its corner inside": None,
    }

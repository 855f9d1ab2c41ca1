"""Seal recognition (use_seal_recognition): seals found by their ink, their curved text read by
PaddleX's seal sub-pipeline, on pages with real seals drawn as stamps are."""

import numpy as np
import pytest

from documents.bench.metrics import bag_of_characters
from documents.engine.seals import find_seals
from tests.pages import (
    CHINESE_LINES,
    ENGLISH_LINES,
    draw_seal,
    render_lines,
    render_report,
)

SEAL_TEXT = "北京市海淀区人民政府"


def _bgr(page) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(page)[:, :, ::-1])


def _overlap(a, b) -> float:
    """Intersection over union of two boxes."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    inter = max(0, w) * max(0, h)
    area = lambda r: (r[2] - r[0]) * (r[3] - r[1])  # noqa: E731
    return inter / (area(a) + area(b) - inter)


@pytest.mark.parametrize("colour", [(220, 30, 30), (30, 60, 200)], ids=["red", "blue"])
def test_a_stamped_seal_is_found_where_it_is(colour):
    page = render_lines(CHINESE_LINES, cjk=True)
    drawn = draw_seal(page, SEAL_TEXT, centre=(700, 330), radius=160, colour=colour)
    found = find_seals(_bgr(page))
    assert len(found) == 1 and _overlap(found[0], drawn) > 0.8, (found, drawn)


def test_pages_without_seals_have_none():
    """Black text, a ruled table, a coloured heading line and a solid coloured block."""
    page = render_report()
    from PIL import ImageDraw

    draw = ImageDraw.Draw(page)
    draw.text((100, 1400), "URGENT: reply before Friday", fill=(200, 20, 20), font=None)
    draw.rectangle((900, 1300, 1100, 1500), fill=(200, 30, 30))  # a logo-like solid square
    for page_ in (render_lines(ENGLISH_LINES), render_lines(CHINESE_LINES, cjk=True), page):
        assert find_seals(_bgr(page_)) == []


def test_the_seal_becomes_a_block_with_its_text_and_body_text_stays(engine):
    page = render_lines(CHINESE_LINES, cjk=True)
    drawn = draw_seal(page, SEAL_TEXT, centre=(800, 330), radius=160)
    result = engine.run(page, pipeline="structure", options={"use_seal_recognition": True})
    seals = [b for b in result.blocks if b.label == "seal"]
    assert len(seals) == 1 and _overlap(seals[0].box, drawn) > 0.8
    assert bag_of_characters(SEAL_TEXT, seals[0].content)[0] <= 2, seals[0].content
    # Its text is a line of the page inside the seal, in place of the page OCR's fragments.
    inside = [ln.text for ln in result.lines if _overlap(ln.box, drawn) > 0]
    assert any(bag_of_characters(SEAL_TEXT, t)[0] <= 2 for t in inside), inside
    assert "北京市海淀区人民政府" in result.text.splitlines()[0].replace(" ", "")


def test_seal_recognition_off_or_no_seal_gives_no_seal_block(engine):
    stamped = render_lines(CHINESE_LINES, cjk=True)
    draw_seal(stamped, SEAL_TEXT, centre=(800, 330), radius=160)
    off = engine.run(stamped, pipeline="structure", options={"use_seal_recognition": False})
    plain = engine.run(
        render_lines(ENGLISH_LINES), pipeline="structure", options={"use_seal_recognition": True}
    )
    for result in (off, plain):
        assert [b for b in result.blocks if b.label == "seal"] == []
    assert "Quarterly report for the board" in plain.text

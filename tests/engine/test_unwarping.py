"""Unwarping (use_doc_unwarping) with UVDoc, run by PaddleX's document preprocessor: a curved,
photographed page reads better flattened, and the result says which image its boxes refer to."""

import pytest

from documents.bench.metrics import bag_of_characters
from tests.pages import CHINESE_LINES, ENGLISH_LINES, photographed, render_lines


@pytest.mark.parametrize(
    ("lines", "cjk", "curl"),
    [(ENGLISH_LINES, False, 0.06), (CHINESE_LINES, True, 0.1)],
    ids=["english", "chinese"],
)
def test_a_curved_photo_reads_better_flattened(engine, lines, cjk, curl):
    photo = photographed(render_lines(lines, cjk=cjk), curl=curl)
    truth = "\n".join(lines)
    errors = {}
    for on in (False, True):
        result = engine.run(photo, pipeline="ocr", options={"use_doc_unwarping": on})
        errors[on] = bag_of_characters(truth, "\n".join(ln.text for ln in result.lines))[0]
    assert errors[True] < errors[False] / 2, errors


def test_the_result_carries_the_flattened_page_its_boxes_refer_to(engine):
    photo = photographed(render_lines(ENGLISH_LINES))
    flat = engine.run(photo, pipeline="structure", options={"use_doc_unwarping": True})
    assert flat.flattened is not None
    assert flat.flattened.shape == (photo.height, photo.width, 3)
    assert (flat.width, flat.height) == photo.size
    # The flattened page is the one to read: the engine finds the same lines on it again.
    from PIL import Image

    again = engine.run(Image.fromarray(flat.flattened), pipeline="structure")
    assert [ln.text for ln in again.lines] == [ln.text for ln in flat.lines]
    assert "flattened" not in flat.to_dict()
    plain = engine.run(photo, pipeline="structure")
    assert plain.flattened is None


def test_a_flat_page_stays_readable_flattened_at_the_machines_precision(models_dir, tmp_path):
    """`auto` is bf16 on CPUs that have it; UVDoc's sampling must still be exact enough to keep
    small text whole (it runs in f32 whatever the precision: backends.F32_ONLY)."""
    from documents.engine import EngineConfig, get_engine

    engine = get_engine(
        EngineConfig(models_dir=str(models_dir), precision="auto", cache_dir=str(tmp_path))
    )
    page = render_lines(ENGLISH_LINES, size=(1700, 2200), font_size=22)
    result = engine.run(page, pipeline="ocr", options={"use_doc_unwarping": True})
    truth = "\n".join(ENGLISH_LINES)
    errors, total = bag_of_characters(truth, "\n".join(ln.text for ln in result.lines))
    assert errors <= total * 0.02, [ln.text for ln in result.lines]

"""The text model sets (registry.TEXT_MODELS): every pipeline reads its lines with the set the
engine is configured with, PP-OCRv5 mobile or PP-OCRv6 small, both from PyPI wheels."""

import dataclasses

import pytest

from documents.bench.metrics import cer
from documents.engine import Engine, EngineError, get_engine
from documents.engine.registry import TEXT_MODELS
from tests.pages import CHINESE_LINES, ENGLISH_LINES, render_lines, render_report


@pytest.fixture(scope="module")
def v6_small(engine: Engine) -> Engine:
    return get_engine(dataclasses.replace(engine.config, text_models="ppocrv6_small"))


@pytest.fixture(scope="module")
def v5_mobile(engine: Engine) -> Engine:
    return get_engine(dataclasses.replace(engine.config, text_models="ppocrv5_mobile"))


def created_models(engine: Engine, pipeline: str) -> set[str]:
    """The model names of every predictor the pipeline built (PaddleX's own objects)."""
    from documents.engine.pipeline_parts import pipelines_within

    names = set()
    for part in pipelines_within(engine._pipelines[pipeline]):
        for value in vars(part).values():
            name = getattr(value, "model_name", None)
            if isinstance(name, str):
                names.add(name)
    return names


def test_ppocrv6_small_reads_english_exactly_and_chinese_closely(v6_small):
    result = v6_small.run(render_lines(ENGLISH_LINES), pipeline="ocr")
    assert [line.text for line in result.lines] == list(ENGLISH_LINES)
    result = v6_small.run(render_lines(CHINESE_LINES, cjk=True), pipeline="ocr")
    # Like PP-OCRv5 mobile (門), it misreads the 门 of this render (as 内).
    assert cer("\n".join(CHINESE_LINES), "\n".join(line.text for line in result.lines)) <= 0.05
    assert v6_small.info()["text_models"] == "ppocrv6_small"
    models = TEXT_MODELS["ppocrv6_small"]
    assert {models.det, models.rec} <= created_models(v6_small, "ocr")
    assert not {"PP-OCRv5_mobile_det", "PP-OCRv5_mobile_rec"} & created_models(v6_small, "ocr")


def test_ppocrv5_mobile_reads_with_its_own_models(v5_mobile):
    result = v5_mobile.run(render_lines(ENGLISH_LINES), pipeline="ocr")
    assert [line.text for line in result.lines] == list(ENGLISH_LINES)
    assert {"PP-OCRv5_mobile_det", "PP-OCRv5_mobile_rec"} <= created_models(v5_mobile, "ocr")
    assert not {"PP-OCRv6_small_det", "PP-OCRv6_small_rec"} & created_models(v5_mobile, "ocr")


def test_the_structure_pipeline_reads_its_table_with_the_chosen_set(v6_small):
    result = v6_small.run(render_report(), pipeline="structure")
    assert any(block.table for block in result.blocks)
    models = TEXT_MODELS["ppocrv6_small"]
    assert {models.det, models.rec} <= created_models(v6_small, "structure")


def test_an_unknown_set_is_refused_before_any_page(engine):
    with pytest.raises(EngineError, match=r"unknown text models 'ppocrv9'.*ppocrv5_mobile"):
        get_engine(dataclasses.replace(engine.config, text_models="ppocrv9"))

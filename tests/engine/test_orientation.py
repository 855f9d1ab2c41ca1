"""Orientation classifiers turn a line or a page only when they are sure, each line on its own."""

import dataclasses

import numpy as np
import pytest
from paddlex.inference.models.image_classification.processors import Topk

from documents.engine import Engine
from documents.engine.backends import Backend
from documents.engine.builders.orientation import DOC_ORI_MODEL_NAME, TEXTLINE_ORI_MODEL_NAME
from documents.engine.orientation import SureTopk
from documents.engine.pipeline import resolve_options
from tests.pages import ENGLISH_LINES, render_lines

FLIPPED = "Shipment 7731 leaves Dover on Friday"


def page_with_a_flipped_line():
    """Four upright lines, then one printed upside down: a mixed-direction page."""
    page = render_lines(ENGLISH_LINES)
    line = render_lines([FLIPPED], size=(1000, 80), top=10)
    page.paste(line.rotate(180), (100, 600))
    return page


def texts(result):
    return [line.text for line in result.lines]


def test_a_line_is_turned_only_from_the_minimum_score():
    topk = SureTopk(Topk(["0_degree", "180_degree"]), min_score=0.9)
    probabilities = np.array([[0.05, 0.95], [0.3, 0.7], [0.9, 0.1]], dtype=np.float32)
    class_ids, scores, labels = topk([probabilities], topk=1)
    assert [int(c[0]) for c in class_ids] == [1, 0, 0]
    assert labels == [["180_degree"], ["0_degree"], ["0_degree"]]
    assert [float(s[0]) for s in scores] == pytest.approx([0.95, 0.3, 0.9])
    # One item per instance: PaddleX hands a list out item by item, an array whole.
    assert isinstance(class_ids, list) and len(class_ids) == 3


def test_the_upside_down_line_on_an_upright_page_is_turned(engine):
    result = engine.run(page_with_a_flipped_line(), pipeline="ocr",
                        options={"use_textline_orientation": True})  # fmt: skip
    assert texts(result) == [*ENGLISH_LINES, FLIPPED]


def test_an_unsure_classifier_turns_nothing(engine):
    never_sure = Engine(dataclasses.replace(engine.config, textline_orientation_min_score=1.01))
    result = never_sure.run(page_with_a_flipped_line(), pipeline="ocr",
                            options={"use_textline_orientation": True})  # fmt: skip
    assert texts(result)[:4] == list(ENGLISH_LINES)
    assert FLIPPED not in texts(result)


def test_text_line_orientation_is_off_by_default_and_on_when_asked(engine):
    installed = engine.installed()
    assert resolve_options("ocr", None, installed)["use_textline_orientation"] is False
    asked = resolve_options("ocr", {"use_textline_orientation": True}, installed)
    assert asked["use_textline_orientation"] is True
    result = engine.run(page_with_a_flipped_line(), pipeline="ocr")
    assert FLIPPED not in texts(result)


def test_the_classifiers_run_in_f32_whatever_the_precision(models_dir):
    """Their scores meet fixed minimums, and bf16 moves scores (0.65 became 0.78 on a page)."""
    backend = Backend("openvino", precision="bf16")
    for name in (DOC_ORI_MODEL_NAME, TEXTLINE_ORI_MODEL_NAME):
        assert backend.engine_for(name, models_dir / name)[1]["precision"] == "f32"
    rec = "PP-OCRv5_mobile_rec"
    assert backend.engine_for(rec, models_dir / rec)[1]["precision"] == "bf16"

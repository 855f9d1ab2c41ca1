"""Quick read (documents/engine/quick_read.py): PP-OCRv6 tiny reads every line first and the main
recogniser (PP-OCRv6 small by default) reads again the lines it is unsure of. Tiny's dictionary
has 6,900 characters against the main ones' 18,400 or more: it has no kana and lacks rarer name
characters such as 赟 (which it reads as 赞 with a line score of 0.95), so those lines show
whether the second reading happens."""

import dataclasses

import pytest

from documents.engine import Engine, get_engine
from documents.engine.builders.text import QUICK_REC_MODEL_NAME
from tests.pages import ENGLISH_LINES, render_lines

# Lines with characters PP-OCRv6 tiny cannot write.
BEYOND_TINY = ("こんにちは世界", "联系人：张赟")


def texts(engine: Engine, lines: tuple[str, ...], *, cjk: bool) -> list[str]:
    result = engine.run(render_lines(lines, cjk=cjk), pipeline="ocr")
    return [line.text for line in result.lines]


@pytest.fixture(scope="module")
def quick_only(engine: Engine) -> Engine:
    """Minimum scores 0: every line keeps the quick reader's text."""
    return get_engine(
        dataclasses.replace(
            engine.config, quick_read_min_score=0.0, quick_read_min_character_score=0.0
        )
    )


def test_the_default_engine_reads_quickly_first(engine):
    assert engine.info()["quick_reader"] == QUICK_REC_MODEL_NAME


def test_lines_the_quick_reader_cannot_read_are_read_again(engine, quick_only):
    alone = texts(quick_only, BEYOND_TINY, cjk=True)
    assert "こんにちは世界" not in alone and "联系人：张赟" not in alone  # tiny cannot write them
    assert texts(engine, BEYOND_TINY, cjk=True) == list(BEYOND_TINY)


def test_lines_the_quick_reader_is_sure_of_keep_its_text(engine, quick_only):
    assert texts(quick_only, ENGLISH_LINES, cjk=False) == list(ENGLISH_LINES)
    assert texts(engine, ENGLISH_LINES, cjk=False) == list(ENGLISH_LINES)


def test_quick_read_off_reads_with_the_main_recogniser_only(engine):
    main_only = get_engine(dataclasses.replace(engine.config, quick_read_min_score=None))
    assert main_only.info()["quick_reader"] is None
    assert texts(main_only, BEYOND_TINY, cjk=True) == list(BEYOND_TINY)


def test_the_paddle_backend_reads_with_paddleocrs_own_models(models_dir):
    from documents.engine import EngineConfig

    paddle = get_engine(EngineConfig(models_dir=str(models_dir), backend="paddle"))
    assert paddle.info()["quick_reader"] is None


def test_the_least_sure_character_is_among_the_steps_ctc_keeps():
    import numpy as np

    from documents.engine.backends.greedy_ctc import least_character_score

    classes = np.array([0, 5, 5, 0, 7, 7, 0])  # blank, a, a (repeat), blank, b, b, blank
    probabilities = np.array([0.1, 0.9, 0.2, 0.1, 0.8, 0.3, 0.1])
    assert least_character_score(probabilities, classes) == pytest.approx(0.8)
    assert least_character_score(probabilities[:1], classes[:1]) == 0.0  # no character


def test_a_line_beyond_ascii_needs_every_character_sure():
    from documents.engine.quick_read import Sureness

    sureness = Sureness(min_score=0.95, min_character_score=0.9)

    def line(text, score, least):
        return {"rec_text": text, "rec_score": score, "rec_least_score": least}

    assert sureness.sure(line("Invoice 42", 0.97, 0.5))  # ASCII: the line's score decides
    assert not sureness.sure(line("Invoice 42", 0.94, 0.9))
    assert not sureness.sure(line("联系人：张赞", 0.96, 0.77))
    assert sureness.sure(line("联系人：张三", 0.96, 0.91))
    assert sureness.sure(line(("Total", [[0, 1]]), 0.99, 0.9))  # text with word boxes

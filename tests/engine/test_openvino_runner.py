"""The OpenVINO runner shares a batch of text lines out over parallel requests, in order."""

import numpy as np
from PIL import Image

from documents.engine.backends.openvino import OpenVINORunner
from tests.pages import ENGLISH_LINES, render_lines


def line_batch() -> np.ndarray:
    """Five rendered text lines as the recogniser takes them: 48 px high, PaddleX's scaling."""
    crops = []
    for text in (*ENGLISH_LINES, "Total 48.00"):
        line = render_lines([text], size=(900, 60), top=5, font_size=40).convert("RGB")
        line = line.resize((640, 48), Image.Resampling.BILINEAR)
        crops.append((np.asarray(line, np.float32).transpose(2, 0, 1) / 255 - 0.5) / 0.5)
    return np.stack(crops)


def test_two_streams_read_a_batch_exactly_as_one(models_dir):
    model = models_dir / "PP-OCRv5_mobile_rec" / "inference.onnx"
    batch = line_batch()
    one = OpenVINORunner(model, {"precision": "f32", "streams": 1}, greedy_ctc=True)(batch)
    two = OpenVINORunner(model, {"precision": "f32", "streams": 2}, greedy_ctc=True)(batch)
    probabilities, classes = two
    assert classes.shape[0] == len(batch)  # every line back, none lost in the split
    np.testing.assert_array_equal(classes, one[1])  # same characters, same order of lines
    np.testing.assert_allclose(probabilities, one[0], rtol=1e-4)
    assert len({tuple(row) for row in classes}) == len(batch)  # the lines differ: order shows


def test_a_single_item_goes_to_one_request(models_dir):
    model = models_dir / "PP-OCRv5_mobile_rec" / "inference.onnx"
    runner = OpenVINORunner(model, {"precision": "f32", "streams": 2}, greedy_ctc=True)
    probabilities, classes = runner(line_batch()[:1])
    assert classes.shape[0] == 1 and probabilities.shape == classes.shape

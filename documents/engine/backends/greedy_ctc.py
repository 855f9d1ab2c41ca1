"""Greedy CTC inside the recognition graph (OpenVINO backend).

PaddleX's CTC decoder needs only the arg-max class and its probability per time step, yet the
recogniser returns the whole [batch x steps x 18385] probability tensor, which is copied out of
OpenVINO and reduced again in numpy: a large share of a page's time. A TopK(1) appended to the
graph returns just those two [batch x steps] arrays; the decoder below reads them. The text and
scores are the same numbers PaddleX computes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import openvino as ov
from openvino import opset13 as ops
from paddlex.inference.models.text_recognition.predictor import TextRecRunnerPredictor
from paddlex.inference.models.text_recognition.processors import CTCLabelDecode


def wants_greedy_ctc(model_config: dict[str, Any] | None) -> bool:
    return (model_config or {}).get("PostProcess", {}).get("name") == "CTCLabelDecode"


def add_greedy_head(model: ov.Model) -> ov.Model:
    """The model with its probabilities replaced by (best probability, best class) per step."""
    probabilities = model.get_results()[0].input_value(0)  # what feeds the Result node
    best = ops.topk(probabilities, np.int64(1), axis=-1, mode="max", sort="none",
                    index_element_type="i32")  # fmt: skip
    axis = np.int64(-1)
    return ov.Model(
        [ops.squeeze(best.output(0), axis), ops.squeeze(best.output(1), axis)],
        model.get_parameters(),
        model.friendly_name,
    )


class GreedyCTCDecode(CTCLabelDecode):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.least_scores: list[float] = []  # of the last batch: each line's least sure character

    def __call__(
        self, pred: list[np.ndarray], return_word_box: bool = False, **kwargs: Any
    ) -> tuple[list[str | tuple[str, Any]], list[float]]:  # texts, or (text, word boxes)
        probabilities, classes = pred
        self.least_scores = [least_character_score(p, c) for p, c in zip(*pred, strict=True)]
        decoded = self.decode(
            classes, probabilities, is_remove_duplicate=True, return_word_box=return_word_box
        )
        if return_word_box:  # as CTCLabelDecode: word boxes relative to the padded batch width
            for rec, wh_ratio in zip(decoded, kwargs["wh_ratio_list"], strict=True):
                rec[2][0] = rec[2][0] * (wh_ratio / kwargs["max_wh_ratio"])
        texts = [t[0] if len(t) <= 2 else (t[0], t[2]) for t in decoded]
        return texts, [t[1] for t in decoded]


def least_character_score(probabilities: np.ndarray, classes: np.ndarray) -> float:
    """The probability of a line's least sure character (the steps CTC keeps: not blank, not a
    repeat of the step before); 0 for a line without characters."""
    kept = classes != 0  # class 0 is CTC's blank
    kept[1:] &= classes[1:] != classes[:-1]
    return float(probabilities[kept].min()) if kept.any() else 0.0


class GreedyTextRecPredictor(TextRecRunnerPredictor):
    """Results also carry `rec_least_score`, each line's least sure character (quick_read.py)."""

    def build_postprocess(self, **kwargs: Any) -> GreedyCTCDecode:
        return GreedyCTCDecode(character_list=kwargs.get("character_dict"))

    def process(self, batch_data: Any, return_word_box: bool = False) -> dict[str, list]:
        results = super().process(batch_data, return_word_box=return_word_box)
        results["rec_least_score"] = self.post_op.least_scores
        return results

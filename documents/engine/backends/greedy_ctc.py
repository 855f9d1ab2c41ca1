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
    def __call__(self, pred: list[np.ndarray], return_word_box: bool = False, **kwargs: Any):
        probabilities, classes = pred
        decoded = self.decode(
            classes, probabilities, is_remove_duplicate=True, return_word_box=return_word_box
        )
        if return_word_box:  # as CTCLabelDecode: word boxes relative to the padded batch width
            for rec, wh_ratio in zip(decoded, kwargs["wh_ratio_list"], strict=True):
                rec[2][0] = rec[2][0] * (wh_ratio / kwargs["max_wh_ratio"])
        texts = [t[0] if len(t) <= 2 else (t[0], t[2]) for t in decoded]
        return texts, [t[1] for t in decoded]


class GreedyTextRecPredictor(TextRecRunnerPredictor):
    def build_postprocess(self, **kwargs: Any) -> GreedyCTCDecode:
        return GreedyCTCDecode(character_list=kwargs.get("character_dict"))

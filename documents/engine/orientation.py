"""Orientation classifiers: each line judged on its own, turned only when the classifier is sure.

The text-line classifier (PP-LCNet_x1_0_textline_ori) is the official model, fed as PaddleOCR
feeds it (RGB, stretched to 160x80, ImageNet normalisation; label order checked by turning real
lines of ../shared/eval). Two things made it turn upright lines:
- PaddleX's Topk returns the class ids of a batch as one array, and its predictor hands each
  instance its own item only of lists: every line of a batch of six got the first line's class.
- Even judged line by line, its arg-max calls 12 % of upright receipt lines "180 degrees".
SureTopk fixes the first and applies a minimum score (EngineConfig) against the second; the page
classifier gets a minimum too. docs/engine-speed-and-accuracy.md has the measurements.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
from paddlex.inference.models.image_classification.processors import Topk
from paddlex.inference.pipelines.base import BasePipeline

from .pipeline_parts import pipelines_within

UPRIGHT = 0  # class 0 is "0 degrees" in both classifiers' label lists


class SureTopk(Topk):
    """Topk that keeps the upright class first unless another class scores at least `min_score`."""

    def __init__(self, original: Topk, min_score: float) -> None:
        self.class_id_map = original.class_id_map
        self.min_score = min_score

    def __call__(self, preds: list[np.ndarray], topk: int = 5) -> tuple[list, list, list]:
        probabilities = preds[0]
        indexes = probabilities.argsort(axis=1)[:, ::-1].astype("int32")
        for row, probs in zip(indexes, probabilities, strict=True):
            if row[0] != UPRIGHT and probs[row[0]] < self.min_score:
                row[:] = [UPRIGHT, *(i for i in row if i != UPRIGHT)]
        indexes = indexes[:, :topk]
        scores = [np.around(p[i], decimals=5) for p, i in zip(probabilities, indexes, strict=True)]
        names = self.class_id_map or {}
        labels = [[names.get(int(i), str(int(i))) for i in row] for row in indexes]
        # A list, not an array: PaddleX hands each instance its own item of a list but the whole
        # of anything else, so with Topk's array every line got its batch's first class id.
        return list(indexes), scores, labels


def _predictors(pipeline: BasePipeline) -> Iterator[Any]:
    """Every model predictor inside a PaddleX pipeline and its sub-pipelines."""
    for part in pipelines_within(pipeline):
        for value in vars(part).values():
            if hasattr(value, "postprocessors") and hasattr(value, "model_name"):
                yield value


def require_sure_orientation(pipeline: BasePipeline, min_scores: Mapping[str, float]) -> None:
    """Give the pipeline's orientation classifiers (by model name) their minimum scores."""
    for predictor in _predictors(pipeline):
        if predictor.model_name in min_scores and "Topk" in predictor.postprocessors:
            original = predictor.postprocessors["Topk"]
            predictor.postprocessors["Topk"] = SureTopk(original, min_scores[predictor.model_name])

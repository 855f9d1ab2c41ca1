"""Quick read: every text line is read first by a small recogniser, and read again by the main
one only when the small one is unsure.

Recognition is 85-90 % of a page's time. PP-OCRv6 tiny reads a line in about a third of the
time PP-OCRv5 mobile takes, but alone it is less accurate on some pages (OmniDocBench: 0.146
against stock's 0.139) and knows 6,900 characters against 18,400: no kana, and not rarer
characters such as the 赟 of a name, which it reads as a look-alike (赞) with a line score of
0.95. So a line keeps its quick text only when the line scores at least `min_score` and, if it
holds any character beyond ASCII (where the missing ones are), its least sure character scores
at least `min_character_score` (赞 scored 0.77). On ../shared/eval that re-reads about a quarter
of the lines and is as accurate as PP-OCRv5 mobile alone on every set; behind PP-OCRv6 small (the
default text models) it is 1.28x faster than PP-OCRv6 small alone and within 0.0023 of its error
(docs/engine-speed-and-accuracy.md).

PaddleX pipelines call their `text_rec_model` with a list of line images and iterate over the
results; QuickFirst is such a callable, set in place of the main recogniser on every OCR
(sub-)pipeline, so the text pipeline, the structure pipeline's lines and its table cells all read
this way.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from paddlex.inference.pipelines.base import BasePipeline

from .pipeline_parts import pipelines_within


@dataclass(frozen=True)
class Sureness:
    min_score: float  # the line's score: the mean of its characters'
    min_character_score: float  # each character's, for lines beyond ASCII

    def sure(self, result: Any) -> bool:
        text = result["rec_text"]
        text = text[0] if isinstance(text, tuple) else text  # (text, word boxes) when asked
        return result["rec_score"] >= self.min_score and (
            text.isascii() or result["rec_least_score"] >= self.min_character_score
        )


class QuickFirst:
    def __init__(self, quick: Any, main: Any, sureness: Sureness) -> None:
        quick.batch_sampler.batch_size = main.batch_sampler.batch_size  # lines per call
        self.quick = quick
        self.main = main
        self.sureness = sureness

    def __call__(self, images: Sequence[Any], **kwargs: Any) -> Iterator[Any]:
        images = list(images)
        results = list(self.quick(images, **kwargs))
        unsure = [i for i, result in enumerate(results) if not self.sureness.sure(result)]
        # All of a page's unsure lines in one call: the main recogniser batches them by width.
        again = self.main([images[i] for i in unsure], **kwargs) if unsure else ()
        for i, result in zip(unsure, again, strict=True):
            results[i] = result
        yield from results

    def __getattr__(self, name: str) -> Any:  # model_name, batch_sampler, ...: the main one's
        return getattr(self.main, name)


def read_quickly_first(pipeline: BasePipeline, quick: Any, sureness: Sureness) -> None:
    """Put `quick` (a GreedyTextRecPredictor) in front of every text recogniser in the pipeline."""
    for ocr in pipelines_within(pipeline):
        if hasattr(ocr, "text_rec_model") and not isinstance(ocr.text_rec_model, QuickFirst):
            ocr.text_rec_model = QuickFirst(quick, ocr.text_rec_model, sureness)

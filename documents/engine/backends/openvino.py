"""OpenVINO as a PaddleX inference engine.

PaddleX's own HPI path needs `ultra-infer`, which is not on PyPI. Instead this registers an engine
named "openvino" whose runner compiles the model folder's inference.onnx with OpenVINO; PaddleX's
pre- and post-processing stay as they are. Only this `openvino` package's copy of OpenVINO is ever
loaded (onnxruntime-openvino, which bundles another, is not installed).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import openvino as ov
from paddlex.inference.models.bindings import get_binding, register_predictor_binding_map
from paddlex.inference.models.engines import RunnerEngine
from paddlex.inference.models.runners import InferenceRunner
from paddlex.inference.models.runners.utils import sort_inputs
from paddlex.inference.models.text_recognition.predictor import TextRecRunnerPredictor
from pydantic import BaseModel, ConfigDict

from .devices import core
from .greedy_ctc import GreedyTextRecPredictor, add_greedy_head, wants_greedy_ctc

ENGINE_NAME = "openvino"
_inference = {"seconds": 0.0}


def inference_seconds() -> float:
    """Seconds this process has spent inside OpenVINO inference, for overhead figures."""
    return _inference["seconds"]


class OpenVINORunnerConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    precision: str = "f32"  # f32 | bf16: the one in force (see devices.precision_in_force)
    device: str = "CPU"
    threads: int = 2
    cache_dir: str | None = None
    # 1: one request with every thread on it (LATENCY). More: a batch is split across that
    # many requests running at once with the threads shared out (THROUGHPUT); on 2 cores two
    # one-thread requests read a batch of text lines 1.4-1.6x faster than one two-thread one.
    streams: int = 1


class OpenVINORunner(InferenceRunner):
    def __init__(self, model_path: Path, config: dict[str, Any], *, greedy_ctc: bool) -> None:
        cfg = OpenVINORunnerConfig.model_validate(config)
        properties: dict[str, Any] = {
            "PERFORMANCE_HINT": "THROUGHPUT" if cfg.streams > 1 else "LATENCY",
            "NUM_STREAMS": cfg.streams,
            # OpenVINO picks bf16 by itself on CPUs that have it; f32 must be asked for.
            "INFERENCE_PRECISION_HINT": cfg.precision,
        }
        if cfg.device in ("CPU", "AUTO"):  # CPU settings: AUTO hands them to the CPU only
            properties |= {
                "INFERENCE_NUM_THREADS": cfg.threads,
                # The CPU plugin keeps kernels for every input shape it meets (5000 by default);
                # real pages are all different sizes, so RSS grew ~20 MB a page. No gain measured.
                "CPU_RUNTIME_CACHE_CAPACITY": 0,
            }
        if cfg.cache_dir:
            # One cache folder per version, device and precision: OpenVINO's cache key ignores
            # the precision hint, and a blob compiled for one setting read in another gave
            # empty text.
            version = ov.__version__.split("-")[0]
            cache = Path(cfg.cache_dir) / f"openvino-{version}-{cfg.device}-{cfg.precision}"
            cache.mkdir(parents=True, exist_ok=True)
            properties["CACHE_DIR"] = str(cache)
        model = core().read_model(str(model_path))
        if greedy_ctc:
            model = add_greedy_head(model)
        self.compiled = core().compile_model(model, cfg.device, properties)
        self.requests = [self.compiled.create_infer_request() for _ in range(cfg.streams)]
        self._input_names = [port.get_any_name() for port in self.compiled.inputs]

    def __call__(self, x: Any = None, **kwargs: Any) -> list[np.ndarray]:
        if x is None:
            x = kwargs["x"]
        if isinstance(x, np.ndarray):
            x = [x]
        x = sort_inputs(x, self._input_names)
        feeds = {
            name: np.ascontiguousarray(a) for name, a in zip(self._input_names, x, strict=True)
        }
        started = time.perf_counter()
        outputs = self._infer(feeds)
        _inference["seconds"] += time.perf_counter() - started
        return outputs

    def _infer(self, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
        batch = len(next(iter(feeds.values())))
        parts = min(len(self.requests), batch)
        if parts == 1:
            results = self.requests[0].infer(feeds)
            return [results[port] for port in self.compiled.outputs]
        # Each request reads its share of the batch's items, all at once.
        chunks = {name: np.array_split(a, parts) for name, a in feeds.items()}
        requests = self.requests[:parts]
        for i, request in enumerate(requests):
            request.start_async({name: chunk[i] for name, chunk in chunks.items()})
        for request in requests:
            request.wait()
        return [
            np.concatenate([request.get_tensor(port).data for request in requests])
            for port in self.compiled.outputs
        ]

    def close(self) -> None:
        self.requests = []


class OpenVINOEngine(RunnerEngine):
    """Registered with PaddleX by subclassing (its registry keys on `entities`)."""

    entities = ENGINE_NAME

    @property
    def name(self) -> str:
        return ENGINE_NAME

    @property
    def engine_config_model(self) -> type[OpenVINORunnerConfig]:
        return OpenVINORunnerConfig

    def get_supported_model_formats(self) -> tuple[str, ...]:
        return ("onnx",)

    def get_default_runner_builder(self) -> Callable[..., OpenVINORunner]:
        def build(
            *,
            model_dir: Path | None,
            model_config: dict[str, Any] | None,
            engine_config: dict[str, Any],
            **_: Any,
        ) -> OpenVINORunner:
            if model_dir is None:
                raise ValueError("engine 'openvino' needs a model folder")
            return OpenVINORunner(
                Path(model_dir) / "inference.onnx",
                engine_config,
                greedy_ctc=wants_greedy_ctc(model_config),
            )

        return build

    def validate_runner(self, runner: InferenceRunner) -> None:
        if not isinstance(runner, OpenVINORunner):
            raise TypeError(f"engine 'openvino' built a {type(runner).__name__}")


def enable_for(model_names: tuple[str, ...]) -> None:
    """Let these models run on OpenVINO with the predictor PaddleX uses for ONNX Runtime."""
    for name in model_names:
        predictor = get_binding(name, "onnxruntime").predictor
        if predictor is TextRecRunnerPredictor:  # its runner returns greedy CTC (see there)
            predictor = GreedyTextRecPredictor
        register_predictor_binding_map(predictor, {ENGINE_NAME: (name,)})

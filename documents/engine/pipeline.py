"""The engine: PaddleOCR's own pipelines (PaddleX "OCR" and "PP-StructureV3"), built once from
local model folders and reused for every page.

PaddleX pipelines are not thread-safe, so an Engine runs one page at a time (a lock guards it)
and a worker process keeps exactly one (`get_engine`).
"""

from __future__ import annotations

import copy
import dataclasses
import threading
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .backends.devices import backend_in_force, precision_in_force
from .builders.text import QUICK_REC_MODEL_NAME
from .convert import to_page_result
from .errors import EngineError, ModelMissingError
from .images import DEFAULT_MAX_PIXELS, ImageSource, load_page
from .registry import (
    DEFAULT_TEXT_MODELS,
    DOC_LAYOUT_MODEL,
    NOT_ON_OUR_BACKENDS,
    OPTION_MODELS,
    how_to_add,
    installed_models,
    option_model,
    pipeline_models,
    text_model_set,
)
from .types import PIPELINES, PageResult

if TYPE_CHECKING:  # importing PaddleX costs seconds: only the worker needs it (see _pipeline)
    from .seals import SealLayout

# Options callers pass, by PaddleOCR's own names.
FLAG_DEFAULTS: dict[str, bool] = {
    "use_doc_orientation_classify": True,
    "use_doc_unwarping": False,
    "use_textline_orientation": False,
    "use_table_recognition": True,
    "use_seal_recognition": False,
    "use_formula_recognition": False,
    "use_chart_recognition": False,
}
_PAGE_FLAGS = ("use_doc_orientation_classify", "use_doc_unwarping")
# The flags each pipeline takes. PaddleX's table recognition reads every line with its own OCR
# settings: it has no per-call switch for text line orientation.
PIPELINE_FLAGS: dict[str, tuple[str, ...]] = {
    "ocr": (*_PAGE_FLAGS, "use_textline_orientation"),
    "structure": tuple(FLAG_DEFAULTS),
    "table": _PAGE_FLAGS,
}
TEXT_OPTIONS: dict[str, type] = {
    "text_det_limit_side_len": int,
    "text_det_limit_type": str,
    "text_det_thresh": float,
    "text_det_box_thresh": float,
    "text_det_unclip_ratio": float,
    "text_rec_score_thresh": float,
}
_KINDS = {int: "a whole number", float: "a number", str: "text"}  # for the refusals
LIBRARIES = ("paddleocr", "paddlex", "paddlepaddle", "openvino", "onnxruntime")


@dataclass(frozen=True)
class EngineConfig:
    models_dir: str
    backend: str = "openvino"
    precision: str = "auto"  # bf16 where the device reports BF16, else f32; or f32, bf16
    device: str = "CPU"  # OpenVINO's device (CPU, GPU, GPU.1, NPU, AUTO): openvino backend only
    threads: int = 2
    cache_dir: str | None = None
    max_pixels: int = DEFAULT_MAX_PIXELS
    text_models: str = DEFAULT_TEXT_MODELS  # a key of registry.TEXT_MODELS
    # PaddleOCR's PP-OCRv5 default reads pages at full size (up to 4000 px). A cap is faster;
    # 960 px lost the small text of a tall page (1772x3348: 87 % of its characters), 1536 px is
    # within stock's error on every eval set (docs/engine-speed-and-accuracy.md).
    det_limit_side_len: int = 1536
    det_limit_type: str = "max"
    # An orientation classifier turns a page or a line only from this score up (orientation.py):
    # chosen on ../shared/eval, where lower minimums turned upright pages and receipt lines.
    doc_orientation_min_score: float = 0.8
    textline_orientation_min_score: float = 0.999
    # Lines are read first by PP-OCRv6 tiny and again by the main recogniser unless it scores
    # the line at least this, and each character at least the second where the line goes beyond
    # ASCII (quick_read.py); None reads every line with the main recogniser only. Chosen on
    # ../shared/eval (docs/engine-speed-and-accuracy.md).
    quick_read_min_score: float | None = 0.95
    quick_read_min_character_score: float = 0.9


def resolve_options(
    pipeline: str, options: Mapping[str, Any] | None, installed: set[str]
) -> dict[str, Any]:
    """Defaults plus the caller's options, checked: unknown names and missing models are errors."""
    if pipeline not in PIPELINES:
        raise EngineError(f"unknown pipeline {pipeline!r}: choose one of {', '.join(PIPELINES)}")
    takes = PIPELINE_FLAGS[pipeline]
    resolved: dict[str, Any] = {name: FLAG_DEFAULTS[name] for name in takes}
    # Defaults only ask for what is installed; an explicit request for a missing model fails.
    for name in list(resolved):
        if resolved[name] and option_model(name, installed) is None:
            resolved[name] = False
    for name, value in (options or {}).items():
        if name in FLAG_DEFAULTS:
            if name not in takes:
                others = [p for p, flags in PIPELINE_FLAGS.items() if name in flags]
                raise EngineError(
                    f"option {name} is for the {' or '.join(others)} pipeline, not {pipeline}"
                )
            if not isinstance(value, bool):
                raise EngineError(f"option {name} must be true or false")
            if value and option_model(name, installed) is None:
                raise ModelMissingError(_missing_model(name))
            resolved[name] = value
        elif name in TEXT_OPTIONS:
            if value is None:
                continue
            try:
                resolved[name] = TEXT_OPTIONS[name](value)
            except (TypeError, ValueError):
                raise EngineError(f"option {name} must be {_KINDS[TEXT_OPTIONS[name]]}") from None
        else:
            raise EngineError(f"unknown option {name!r}")
    return resolved


def _missing_model(option: str) -> str:
    model = OPTION_MODELS[option][0]
    if model in NOT_ON_OUR_BACKENDS:
        return f"option {option} is not available: {NOT_ON_OUR_BACKENDS[model]}"
    return f"option {option} needs the model {model}, which is not installed: {how_to_add(model)}"


@dataclass(frozen=True)
class OptionState:
    name: str
    default: bool  # the engine's own default (callers layer their settings over it)
    model: str  # the installed model that serves it, else the preferred one it needs
    installed: bool


def pipeline_options(pipeline: str, installed: Collection[str]) -> list[OptionState]:
    """The flags `pipeline` takes, each with whether a model that serves it is here."""
    states = []
    for name in PIPELINE_FLAGS[pipeline]:
        model = option_model(name, installed)
        states.append(
            OptionState(name, FLAG_DEFAULTS[name], model or OPTION_MODELS[name][0], bool(model))
        )
    return states


def quick_reader_for(backend: str, quick_read: bool, installed: Collection[str]) -> str | None:
    """The quick recogniser (quick_read.py) a setting uses, if any: on the openvino backend only,
    whose recogniser reports each character's score (backends/greedy_ctc.py). The paddle backend
    is the stock reference and reads with PaddleOCR's own models only."""
    if quick_read and backend == "openvino" and QUICK_REC_MODEL_NAME in installed:
        return QUICK_REC_MODEL_NAME
    return None


class Engine:
    def __init__(self, config: EngineConfig) -> None:
        self.text = text_model_set(config.text_models)  # an unknown set fails here, not on a page
        self.backend = backend_in_force(
            config.backend, config.precision, config.device, config.threads, config.cache_dir
        )
        self.config = dataclasses.replace(config, precision=self.backend.precision)
        self.models_dir = Path(config.models_dir)
        self._pipelines: dict[str, Any] = {}
        self._quick: Any = None  # the quick reader's predictor (quick_read.py), built on first use
        self._seals: SealLayout | None = None  # the structure pipeline's seal finder (seals.py)
        self._lock = threading.Lock()

    def installed(self) -> set[str]:
        return installed_models(self.models_dir)

    def _pipeline(self, name: str) -> Any:
        if name not in self._pipelines:
            installed = self.installed()
            missing = [
                m for m in pipeline_models(name, self.config.text_models) if m not in installed
            ]
            if missing:
                raise ModelMissingError(
                    f"the {name} pipeline needs {', '.join(missing)}, not installed in "
                    f"{self.models_dir}: run `python manage.py ocr_models install`"
                )
            from paddlex import create_pipeline

            from .builders.layout import LABELS as LAYOUT_LABELS
            from .builders.orientation import DOC_ORI_MODEL_NAME, TEXTLINE_ORI_MODEL_NAME
            from .builders.seal import MODEL_NAME as SEAL_MODEL_NAME
            from .cell_match import use_sturdier_cell_match
            from .configs import pipeline_config
            from .orientation import require_sure_orientation
            from .quick_read import Sureness, read_quickly_first
            from .seals import find_seals_in_layout
            from .table_crop import crop_tables_to_content

            config = pipeline_config(name, self.models_dir, installed, self.backend, self.text)
            predictor = create_pipeline(config=copy.deepcopy(config))
            min_score = self.config.quick_read_min_score
            if min_score is not None and self.quick_reader(installed):
                sureness = Sureness(min_score, self.config.quick_read_min_character_score)
                read_quickly_first(predictor, self._quick_predictor(), sureness)
            # PP-DocLayout_plus-L finds seals itself; the CDLA model has no seal class.
            seal_finder = SEAL_MODEL_NAME in installed and DOC_LAYOUT_MODEL not in installed
            if name == "structure" and seal_finder:
                self._seals = find_seals_in_layout(predictor, len(LAYOUT_LABELS))
            if name == "table":
                crop_tables_to_content(predictor)
            if name != "ocr":
                use_sturdier_cell_match()
            require_sure_orientation(
                predictor,
                {
                    DOC_ORI_MODEL_NAME: self.config.doc_orientation_min_score,
                    TEXTLINE_ORI_MODEL_NAME: self.config.textline_orientation_min_score,
                },
            )
            self._pipelines[name] = predictor
        return self._pipelines[name]

    def quick_reader(self, installed: Collection[str] | None = None) -> str | None:
        return quick_reader_for(
            self.backend.name,
            self.config.quick_read_min_score is not None,
            self.installed() if installed is None else installed,
        )

    def _quick_predictor(self) -> Any:
        """One for both pipelines (they run one page at a time under the engine's lock)."""
        if self._quick is None:
            self._quick = self._create_quick_predictor()
        return self._quick

    def _create_quick_predictor(self) -> Any:
        from paddlex import create_predictor

        from .backends.openvino import enable_for

        model_dir = self.models_dir / QUICK_REC_MODEL_NAME
        engine, engine_config = self.backend.engine_for(QUICK_REC_MODEL_NAME, model_dir)
        enable_for((QUICK_REC_MODEL_NAME,))
        return create_predictor(
            QUICK_REC_MODEL_NAME,
            model_dir=str(model_dir),
            engine=engine,
            engine_config=engine_config,
        )

    def warm(self, pipelines: tuple[str, ...] = PIPELINES) -> None:
        """Load the pipelines now rather than on the first page."""
        with self._lock:
            for name in pipelines:
                self._pipeline(name)

    def run(
        self,
        image: ImageSource,
        *,
        pipeline: str = "structure",
        options: Mapping[str, Any] | None = None,
        max_pixels: int | None = None,
    ) -> PageResult:
        """OCR one page image. `max_pixels`: the limit in force where the caller has one of its
        own (the admin's, which the page was rendered under), else the config's."""
        started = time.perf_counter()
        page = load_page(image, max_pixels=max_pixels or self.config.max_pixels)
        kwargs = resolve_options(pipeline, options, self.installed())
        kwargs.setdefault("text_det_limit_side_len", self.config.det_limit_side_len)
        kwargs.setdefault("text_det_limit_type", self.config.det_limit_type)
        if pipeline != "ocr":
            kwargs["use_ocr_results_with_table_cells"] = False  # re-OCR of cells: slow, worse
        from .backends.openvino import inference_seconds

        with self._lock:
            predictor = self._pipeline(pipeline)
            if pipeline == "structure" and self._seals:
                self._seals.enabled = kwargs["use_seal_recognition"]
            inferred = inference_seconds()
            results = list(predictor.predict(page, **kwargs))
            inference = inference_seconds() - inferred
        if len(results) != 1:
            raise EngineError(f"the pipeline returned {len(results)} results for one page")
        timings = {"total": time.perf_counter() - started}
        if self.backend.name == "openvino":
            timings["inference"] = inference
        return to_page_result(results[0], pipeline, page.shape, timings)

    def info(self) -> dict[str, Any]:
        versions: dict[str, str | None] = {}
        for lib in LIBRARIES:
            try:
                versions[lib] = metadata.version(lib)
            except metadata.PackageNotFoundError:
                versions[lib] = None
        return {
            "backend": self.backend.name,
            "precision": self.backend.precision,
            "device": self.backend.device,
            "threads": self.backend.threads,
            "text_models": self.config.text_models,
            "models": sorted(self.installed()),
            "quick_reader": self.quick_reader(),
            "versions": versions,
        }


_engines: dict[EngineConfig, Engine] = {}
_engines_lock = threading.Lock()


def get_engine(config: EngineConfig) -> Engine:
    """The process's engine for this configuration, created on first use.

    Raises EngineError when the configuration cannot run here (device absent, no bf16)."""
    # Keyed on the precision in force: "auto" and what it resolves to share one engine.
    config = dataclasses.replace(
        config, precision=precision_in_force(config.backend, config.precision, config.device)
    )
    with _engines_lock:
        if config not in _engines:
            _engines[config] = Engine(config)
        return _engines[config]

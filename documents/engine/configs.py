"""PaddleX pipeline configurations pointed at the local model folders.

Every model entry gets its folder and the engine that runs it (see backends), so nothing is
ever looked up on a model hub.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from paddlex.inference.pipelines import load_pipeline_config

from .backends import Backend
from .builders import orientation, table
from .builders.structure_config import document_preprocessor, structure_pipeline_config
from .registry import TextModels


def _preprocess_pages(config: dict[str, Any], model_dirs: dict[str, str]) -> None:
    """Turn the pipeline's page preprocessor (orientation, unwarping) on with the installed
    models, or drop it when neither is installed."""
    pre = config["SubPipelines"]["DocPreprocessor"]
    config["use_doc_preprocessor"] = document_preprocessor(pre, model_dirs)
    if not config["use_doc_preprocessor"]:
        del config["SubPipelines"]["DocPreprocessor"]


def ocr_pipeline_config(model_dirs: dict[str, str], text: TextModels) -> dict[str, Any]:
    """PaddleX's "OCR" pipeline (what PaddleOCR() runs) with the `text` models."""
    config = load_pipeline_config("OCR")
    modules = config["SubModules"]
    modules["TextDetection"].update(model_name=text.det, model_dir=model_dirs[text.det])
    modules["TextRecognition"].update(model_name=text.rec, model_dir=model_dirs[text.rec])
    textline = model_dirs.get(orientation.TEXTLINE_ORI_MODEL_NAME)
    config["use_textline_orientation"] = textline is not None
    if textline:
        modules["TextLineOrientation"].update(
            model_name=orientation.TEXTLINE_ORI_MODEL_NAME, model_dir=textline
        )
    else:
        del modules["TextLineOrientation"]
    _preprocess_pages(config, model_dirs)
    return config


def table_pipeline_config(model_dirs: dict[str, str], text: TextModels) -> dict[str, Any]:
    """PaddleX's table recognition with layout detection off, so the whole image is one table
    (SLANet_plus), and the `text` models reading its text as the ocr pipeline does."""
    config = load_pipeline_config("table_recognition")
    config["use_layout_detection"] = False
    del config["SubModules"]["LayoutDetection"]
    config["SubModules"]["TableStructureRecognition"].update(
        model_name=table.MODEL_NAME, model_dir=model_dirs[table.MODEL_NAME]
    )
    # The page is turned and flattened once, by the table pipeline's own preprocessor; the text
    # lines are read as they lie (the pipeline takes no per-call line orientation switch).
    ocr = ocr_pipeline_config(model_dirs, text)
    ocr.update(use_doc_preprocessor=False, use_textline_orientation=False)
    ocr["SubPipelines"].pop("DocPreprocessor", None)
    ocr["SubModules"].pop("TextLineOrientation", None)
    config["SubPipelines"]["GeneralOCR"] = ocr
    _preprocess_pages(config, model_dirs)
    return config


_CONFIGS = {
    "ocr": ocr_pipeline_config,
    "structure": structure_pipeline_config,
    "table": table_pipeline_config,
}


def _model_entries(node: Any) -> Iterator[dict[str, Any]]:
    """Every model entry (a dict with a model folder) in a nested pipeline config."""
    if isinstance(node, dict):
        if node.get("model_name") and node.get("model_dir"):
            yield node
        for value in node.values():
            yield from _model_entries(value)
    elif isinstance(node, list):
        for value in node:
            yield from _model_entries(value)


def pipeline_config(
    pipeline: str, models_dir: Path, installed: set[str], backend: Backend, text: TextModels
) -> dict[str, Any]:
    model_dirs = {name: str(models_dir / name) for name in installed}
    config = _CONFIGS[pipeline](model_dirs, text)
    entries = list(_model_entries(config))
    for entry in entries:  # every model gets its engine and engine_config
        entry["engine"], entry["engine_config"] = backend.engine_for(
            entry["model_name"], Path(entry["model_dir"])
        )
    if backend.name == "openvino":
        from .backends.openvino import enable_for

        enable_for(tuple(sorted({entry["model_name"] for entry in entries})))
    return config

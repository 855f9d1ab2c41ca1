"""PaddleX pipeline configurations pointed at the local model folders.

Every model entry gets its folder and the engine that runs it (see backends), so nothing is
ever looked up on a model hub.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from paddlex.inference.pipelines import load_pipeline_config

from .backends import Backend
from .builders import orientation, text


def ocr_pipeline_config(model_dirs: dict[str, str]) -> dict[str, Any]:
    """PaddleX's "OCR" pipeline (what PaddleOCR() runs) with PP-OCRv5 mobile models."""
    config = load_pipeline_config("OCR")
    modules = config["SubModules"]
    modules["TextDetection"].update(
        model_name=text.DET_MODEL_NAME, model_dir=model_dirs[text.DET_MODEL_NAME]
    )
    modules["TextRecognition"].update(
        model_name=text.REC_MODEL_NAME, model_dir=model_dirs[text.REC_MODEL_NAME]
    )
    textline = model_dirs.get(orientation.TEXTLINE_ORI_MODEL_NAME)
    config["use_textline_orientation"] = textline is not None
    if textline:
        modules["TextLineOrientation"].update(
            model_name=orientation.TEXTLINE_ORI_MODEL_NAME, model_dir=textline
        )
    else:
        del modules["TextLineOrientation"]
    doc_ori = model_dirs.get(orientation.DOC_ORI_MODEL_NAME)
    config["use_doc_preprocessor"] = doc_ori is not None
    if doc_ori:
        pre = config["SubPipelines"]["DocPreprocessor"]
        pre["use_doc_unwarping"] = False  # no offline UVDoc model
        pre["SubModules"].pop("DocUnwarping", None)
        pre["SubModules"]["DocOrientationClassify"].update(
            model_name=orientation.DOC_ORI_MODEL_NAME, model_dir=doc_ori
        )
    else:
        del config["SubPipelines"]["DocPreprocessor"]
    return config


def _assign_engines(node: Any, backend: Backend) -> None:
    """Give every model entry in a (nested) pipeline config its engine and engine_config."""
    if isinstance(node, dict):
        if node.get("model_name") and node.get("model_dir"):
            engine, engine_config = backend.engine_for(node["model_name"], Path(node["model_dir"]))
            node["engine"] = engine
            node["engine_config"] = engine_config
        for value in node.values():
            _assign_engines(value, backend)
    elif isinstance(node, list):
        for value in node:
            _assign_engines(value, backend)


def _model_names(node: Any) -> set[str]:
    if isinstance(node, dict):
        names = {node["model_name"]} if node.get("model_dir") else set()
        return names.union(*(_model_names(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_model_names(v) for v in node))
    return set()


def pipeline_config(
    pipeline: str, models_dir: Path, installed: set[str], backend: Backend
) -> dict[str, Any]:
    model_dirs = {name: str(models_dir / name) for name in installed}
    if pipeline == "ocr":
        config = ocr_pipeline_config(model_dirs)
    else:
        from .builders.structure_config import structure_pipeline_config

        config = structure_pipeline_config(model_dirs)
    _assign_engines(config, backend)
    if backend.name == "openvino":
        from .backends.openvino import enable_for

        enable_for(tuple(sorted(_model_names(config))))
    return config

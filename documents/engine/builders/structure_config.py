"""PP-StructureV3's pipeline config, pointed at the model folders built from PyPI wheels.

PaddleX's stock PP-StructureV3 config names models that are not on PyPI (PP-DocLayout_plus-L,
PP-DocBlockLayout, the five-model table sub-pipeline, seal/formula/chart models, UVDoc); with
those in it the pipeline tries a model hub and cannot start offline. This keeps PaddleX's own
config and pipeline classes and changes only what the offline models require.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from paddlex.inference.pipelines import load_pipeline_config

from ..registry import DOC_LAYOUT_MODEL, REGION_MODEL, TABLE_V2_MODELS, TextModels, option_model
from . import layout, orientation, seal, table, unwarping

# Per label, as PP-StructureV3 sets them for its own layout model: titles and formulas are kept
# from a lower score, pictures and formulas swallow the boxes found inside them.
_LAYOUT_THRESHOLDS = {"paragraph_title": 0.3, "formula": 0.3, "text": 0.4}
_LAYOUT_MERGE_LARGE = {"paragraph_title", "image", "formula"}


def structure_pipeline_config(model_dirs: Mapping[str, str], text: TextModels) -> dict[str, Any]:
    """The config for `paddlex.create_pipeline(config=...)`.

    `model_dirs` maps PaddleX model names to folders. The `text` models and the layout model are
    required; every other model is optional: an absent one switches its feature off in the
    config, so the pipeline never looks for it, and an official model an administrator added
    (registry.OFFICIAL_MODELS) is used where PP-StructureV3 itself would use it.
    """
    config = load_pipeline_config("PP-StructureV3")
    # PaddleX runs PP-Chart2Table on none of our backends (registry.NOT_ON_OUR_BACKENDS).
    config["use_chart_recognition"] = False
    del config["SubModules"]["ChartRecognition"]
    _layout(config, model_dirs)
    _seal_recognition(config, model_dirs, text)
    _formula_recognition(config, model_dirs)

    ocr = config["SubPipelines"]["GeneralOCR"]
    modules = ocr["SubModules"]
    modules["TextDetection"].update(model_name=text.det, model_dir=model_dirs[text.det])
    modules["TextRecognition"].update(model_name=text.rec, model_dir=model_dirs[text.rec])
    if orientation.TEXTLINE_ORI_MODEL_NAME in model_dirs:
        modules["TextLineOrientation"]["model_dir"] = model_dirs[
            orientation.TEXTLINE_ORI_MODEL_NAME
        ]
    else:
        ocr["use_textline_orientation"] = False
        del modules["TextLineOrientation"]

    if not document_preprocessor(config["SubPipelines"]["DocPreprocessor"], model_dirs):
        # PP-StructureV3 builds its preprocessor unless all three switches are off.
        config.update(
            use_doc_preprocessor=False, use_doc_orientation_classify=False, use_doc_unwarping=False
        )
        del config["SubPipelines"]["DocPreprocessor"]
    _table_recognition(config, model_dirs, ocr)
    return config


def _layout(config: dict[str, Any], model_dirs: Mapping[str, str]) -> None:
    """PP-DocLayout_plus-L (and PP-DocBlockLayout's regions) with the stock settings where an
    administrator added them; else the CDLA model from its wheel, its settings keyed by label."""
    detection = config["SubModules"]["LayoutDetection"]
    if DOC_LAYOUT_MODEL in model_dirs:
        detection["model_dir"] = model_dirs[DOC_LAYOUT_MODEL]
        if REGION_MODEL in model_dirs:
            config["SubModules"]["RegionDetection"]["model_dir"] = model_dirs[REGION_MODEL]
            return
    else:
        labels = list(layout.LABELS.values())
        detection.update(
            model_name=layout.MODEL_NAME,
            model_dir=model_dirs[layout.MODEL_NAME],
            # The stock values are keyed by PP-DocLayout_plus-L's class ids; re-key them by label.
            threshold={i: _LAYOUT_THRESHOLDS.get(label, 0.5) for i, label in enumerate(labels)},
            layout_merge_bboxes_mode={
                i: "large" if label in _LAYOUT_MERGE_LARGE else "union"
                for i, label in enumerate(labels)
            },
        )
    config["use_region_detection"] = False
    del config["SubModules"]["RegionDetection"]


def _formula_recognition(config: dict[str, Any], model_dirs: Mapping[str, str]) -> None:
    """PaddleX's formula sub-pipeline on the layout's formula regions, with the largest
    PP-FormulaNet_plus an administrator added; off without one."""
    model = option_model("use_formula_recognition", model_dirs)
    if model is None:
        config["use_formula_recognition"] = False
        del config["SubPipelines"]["FormulaRecognition"]
        return
    config["use_formula_recognition"] = True  # builds the sub-pipeline; each call says whether
    formula = config["SubPipelines"]["FormulaRecognition"]["SubModules"]["FormulaRecognition"]
    formula.update(model_name=model, model_dir=model_dirs[model])


def _table_recognition(
    config: dict[str, Any], model_dirs: Mapping[str, str], ocr: dict[str, Any]
) -> None:
    """PP-StructureV3's own table sub-pipeline (table_recognition_v2) where an administrator added
    its four official models; else PaddleX's single-model table_recognition with SLANet_plus,
    which PP-StructureV3 calls the same way. Both re-use the page's OCR; their own OCR config is
    there only for use_ocr_results_with_table_cells=True, which re-reads each cell."""
    if table.MODEL_NAME not in model_dirs:
        config["use_table_recognition"] = False
        del config["SubPipelines"]["TableRecognition"]
        return
    if all(m in model_dirs for m in (*TABLE_V2_MODELS, orientation.DOC_ORI_MODEL_NAME)):
        tables = config["SubPipelines"]["TableRecognition"]
        for module in tables["SubModules"].values():
            module["model_dir"] = model_dirs[module["model_name"]]
    else:
        tables = {
            "pipeline_name": "table_recognition",
            "use_layout_detection": False,
            "use_doc_preprocessor": False,
            "use_ocr_model": False,
            "SubModules": {
                "TableStructureRecognition": {
                    "module_name": "table_structure_recognition",
                    "model_name": table.MODEL_NAME,
                    "model_dir": model_dirs[table.MODEL_NAME],
                }
            },
        }
        config["SubPipelines"]["TableRecognition"] = tables
    tables["SubPipelines"] = {"GeneralOCR": copy.deepcopy(ocr)}


def document_preprocessor(preprocessor: dict[str, Any], model_dirs: Mapping[str, str]) -> bool:
    """Point PaddleX's DocPreprocessor config (orientation, unwarping) at the installed models;
    False when neither is installed."""
    for switch, module, name in (
        ("use_doc_orientation_classify", "DocOrientationClassify", orientation.DOC_ORI_MODEL_NAME),
        ("use_doc_unwarping", "DocUnwarping", unwarping.MODEL_NAME),
    ):
        if name in model_dirs:
            preprocessor["SubModules"][module].update(model_name=name, model_dir=model_dirs[name])
        else:
            preprocessor[switch] = False
            del preprocessor["SubModules"][module]
    return bool(preprocessor["SubModules"])


def _seal_recognition(
    config: dict[str, Any], model_dirs: Mapping[str, str], text: TextModels
) -> None:
    """PaddleX's seal sub-pipeline (curved-text detection, then the text recogniser) on the
    regions labelled "seal", which seals.py adds to the layout."""
    if seal.MODEL_NAME not in model_dirs:
        config["use_seal_recognition"] = False
        del config["SubPipelines"]["SealRecognition"]
        return
    config["use_seal_recognition"] = (
        True  # builds the sub-pipeline; each call says whether to use it
    )
    modules = config["SubPipelines"]["SealRecognition"]["SubPipelines"]["SealOCR"]["SubModules"]
    modules["TextDetection"].update(
        model_name=seal.MODEL_NAME, model_dir=model_dirs[seal.MODEL_NAME]
    )
    modules["TextRecognition"].update(model_name=text.rec, model_dir=model_dirs[text.rec])

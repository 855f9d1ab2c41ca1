"""PP-StructureV3's pipeline config, pointed at the model folders built from PyPI wheels.

PaddleX's stock PP-StructureV3 config names models that are not on PyPI (PP-DocLayout_plus-L,
PP-DocBlockLayout, the five-model table sub-pipeline, seal/formula/chart models, UVDoc); with
those in it the pipeline tries a model hub and cannot start offline. This keeps PaddleX's own
config and pipeline classes and changes only what the offline models require.
"""

import copy
from collections.abc import Mapping
from typing import Any

from paddlex.inference.pipelines import load_pipeline_config

from . import layout, orientation, seal, table, text, unwarping

# Per label, as PP-StructureV3 sets them for its own layout model: titles and formulas are kept
# from a lower score, pictures and formulas swallow the boxes found inside them.
_LAYOUT_THRESHOLDS = {"paragraph_title": 0.3, "formula": 0.3, "text": 0.4}
_LAYOUT_MERGE_LARGE = {"paragraph_title", "image", "formula"}


def structure_pipeline_config(model_dirs: Mapping[str, str]) -> dict[str, Any]:
    """The config for `paddlex.create_pipeline(config=...)`.

    `model_dirs` maps PaddleX model names to folders. The text detection, text recognition and
    layout models are required; the document orientation, text line orientation and table models
    are optional: an absent one switches its feature off in the config, so the pipeline never
    looks for it.
    """
    config = load_pipeline_config("PP-StructureV3")
    # No offline model exists for these; the pipeline must not even try to create them.
    config.update(
        use_region_detection=False, use_formula_recognition=False, use_chart_recognition=False
    )
    for name in ("RegionDetection", "ChartRecognition"):
        del config["SubModules"][name]
    del config["SubPipelines"]["FormulaRecognition"]
    _seal_recognition(config, model_dirs)

    labels = list(layout.LABELS.values())
    config["SubModules"]["LayoutDetection"].update(
        model_name=layout.MODEL_NAME,
        model_dir=model_dirs[layout.MODEL_NAME],
        # The stock values are keyed by PP-DocLayout_plus-L's class ids; re-key them by label.
        threshold={i: _LAYOUT_THRESHOLDS.get(label, 0.5) for i, label in enumerate(labels)},
        layout_merge_bboxes_mode={
            i: "large" if label in _LAYOUT_MERGE_LARGE else "union"
            for i, label in enumerate(labels)
        },
    )

    ocr = config["SubPipelines"]["GeneralOCR"]
    modules = ocr["SubModules"]
    modules["TextDetection"].update(
        model_name=text.DET_MODEL_NAME, model_dir=model_dirs[text.DET_MODEL_NAME]
    )
    modules["TextRecognition"].update(
        model_name=text.REC_MODEL_NAME, model_dir=model_dirs[text.REC_MODEL_NAME]
    )
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

    # The stock table sub-pipeline (table_recognition_v2) creates five models, four of them not on
    # PyPI. PaddleX's single-model table_recognition pipeline takes SLANet_plus alone and is
    # called by PP-StructureV3 the same way. It re-uses the page's OCR; its own OCR config is
    # there only for use_ocr_results_with_table_cells=True, which re-reads each cell.
    if table.MODEL_NAME in model_dirs:
        config["SubPipelines"]["TableRecognition"] = {
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
            "SubPipelines": {"GeneralOCR": copy.deepcopy(ocr)},
        }
    else:
        config["use_table_recognition"] = False
        del config["SubPipelines"]["TableRecognition"]
    return config


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


def _seal_recognition(config: dict[str, Any], model_dirs: Mapping[str, str]) -> None:
    """PaddleX's seal sub-pipeline (curved-text detection, then PP-OCRv5 recognition) on the
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
    modules["TextRecognition"].update(
        model_name=text.REC_MODEL_NAME, model_dir=model_dirs[text.REC_MODEL_NAME]
    )

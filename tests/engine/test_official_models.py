"""Official PaddleOCR models that no wheel carries (registry.OFFICIAL_MODELS): what an
administrator adds with `ocr_models add` is used where PP-StructureV3 itself would use it, and a
model PaddleX cannot run on our backends is refused with the reason.

No official folder of these models is on this machine (none is on PyPI): the pipeline config is
checked for the folders it is given, and the refusal and the listing are run for real."""

from pathlib import Path

import pytest
from django.core.management import call_command
from paddlex.inference.models.bindings import get_binding

from documents.engine import EngineError
from documents.engine.builders import layout, orientation, table
from documents.engine.builders.structure_config import structure_pipeline_config
from documents.engine.provision import add_official_folder
from documents.engine.registry import (
    CHART_MODEL,
    DEFAULT_TEXT_MODELS,
    DOC_LAYOUT_MODEL,
    FORMULA_MODELS,
    NOT_ON_OUR_BACKENDS,
    OFFICIAL_MODELS,
    REGION_MODEL,
    TABLE_V2_MODELS,
    TEXT_MODELS,
    pipeline_models,
)

OUR_ENGINES = ("onnxruntime", "paddle_static")  # OpenVINO takes what PaddleX runs on ONNX Runtime


def runs_on(model: str, engine: str) -> bool:
    try:
        get_binding(model, engine)
    except Exception:
        return False
    return True


@pytest.mark.parametrize("model", OFFICIAL_MODELS)
def test_the_models_we_say_cannot_run_are_those_paddlex_binds_to_no_engine_of_ours(model):
    assert (model in NOT_ON_OUR_BACKENDS) == (not any(runs_on(model, e) for e in OUR_ENGINES))


def config_for(*official: str) -> dict:
    wheels = {*pipeline_models("structure"), table.MODEL_NAME, orientation.DOC_ORI_MODEL_NAME}
    return structure_pipeline_config(
        {name: f"/models/{name}" for name in (*wheels, *official)}, TEXT_MODELS[DEFAULT_TEXT_MODELS]
    )


def test_without_official_models_the_wheels_models_serve():
    config = config_for()
    assert config["SubModules"]["LayoutDetection"]["model_name"] == layout.MODEL_NAME
    assert "RegionDetection" not in config["SubModules"] and not config["use_region_detection"]
    assert "FormulaRecognition" not in config["SubPipelines"]
    assert not config["use_formula_recognition"] and not config["use_chart_recognition"]
    tables = config["SubPipelines"]["TableRecognition"]
    assert tables["pipeline_name"] == "table_recognition"
    assert tables["SubModules"]["TableStructureRecognition"]["model_name"] == table.MODEL_NAME


def test_the_official_layout_models_are_used_with_pp_structurev3s_own_settings():
    config = config_for(DOC_LAYOUT_MODEL, REGION_MODEL)
    detection = config["SubModules"]["LayoutDetection"]
    assert (detection["model_name"], detection["model_dir"]) == (
        DOC_LAYOUT_MODEL,
        f"/models/{DOC_LAYOUT_MODEL}",
    )
    assert len(detection["threshold"]) == 20  # keyed by its 20 classes, as PaddleX ships them
    assert detection["threshold"][15] == 0.45  # seal
    assert config["use_region_detection"] is True
    assert config["SubModules"]["RegionDetection"]["model_dir"] == f"/models/{REGION_MODEL}"


def test_the_largest_formula_model_added_is_used():
    config = config_for(*FORMULA_MODELS[1:])  # M and S
    formula = config["SubPipelines"]["FormulaRecognition"]["SubModules"]["FormulaRecognition"]
    assert (formula["model_name"], formula["model_dir"]) == (
        FORMULA_MODELS[1],
        f"/models/{FORMULA_MODELS[1]}",
    )
    assert config["use_formula_recognition"] is True


def test_the_stock_table_sub_pipeline_needs_all_four_official_models():
    assert (
        config_for(*TABLE_V2_MODELS[:3])["SubPipelines"]["TableRecognition"]["pipeline_name"]
        == "table_recognition"
    )
    tables = config_for(*TABLE_V2_MODELS)["SubPipelines"]["TableRecognition"]
    assert tables["pipeline_name"] == "table_recognition_v2"
    dirs = {m["model_name"]: m["model_dir"] for m in tables["SubModules"].values()}
    assert dirs == {
        name: f"/models/{name}"
        for name in (*TABLE_V2_MODELS, table.MODEL_NAME, orientation.DOC_ORI_MODEL_NAME)
    }


def test_adding_a_model_paddlex_cannot_run_here_is_refused_with_the_reason(tmp_path: Path):
    folder = tmp_path / "PP-Chart2Table"
    folder.mkdir()
    (folder / "inference.yml").write_text(f"Global:\n  model_name: {CHART_MODEL}\n")
    models = tmp_path / "models"
    with pytest.raises(EngineError, match="PaddlePaddle's dynamic graph"):
        add_official_folder(folder, models, log=lambda _: None)
    assert not models.exists()


def test_the_listing_says_for_each_option_which_model_and_how(capsys):
    call_command("ocr_models", "list")
    out = capsys.readouterr().out
    options = out.split("\noptions:")[1].splitlines()
    formulas = next(line for line in options if "use_formula_recognition" in line)
    assert " or ".join(FORMULA_MODELS) in formulas and "ocr_models add FOLDER" in formulas
    charts = next(line for line in options if "use_chart_recognition" in line)
    assert "not available: PaddleX runs PP-Chart2Table only" in charts
    assert f"{CHART_MODEL:33} cannot run here" in out

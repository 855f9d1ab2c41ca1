"""Which options a run gets: the engine's defaults, the caller's overrides, and refusals whose
message says what to do; and the services' check before anything is stored, decided by which
model folders are installed (registry.installed_models), never by building an engine."""

from __future__ import annotations

import pytest

from documents.engine.errors import EngineError, ModelMissingError
from documents.engine.pipeline import (
    FLAG_DEFAULTS,
    PIPELINE_FLAGS,
    OptionState,
    pipeline_options,
    resolve_options,
)
from documents.engine.registry import (
    CHART_MODEL,
    FORMULA_MODELS,
    OPTION_MODELS,
    TEXT_MODELS,
    pipeline_models,
)
from documents.errors import ApplicationError
from documents.services import uploads

EVERY_OPTION_MODEL = {m for models in OPTION_MODELS.values() for m in models}
(TABLE_MODEL,) = OPTION_MODELS["use_table_recognition"]
(UNWARPING_MODEL,) = OPTION_MODELS["use_doc_unwarping"]
INSTALL = "python manage.py ocr_models install"


def test_defaults_are_the_engines_for_the_flags_each_pipeline_takes():
    for pipeline, flags in PIPELINE_FLAGS.items():
        resolved = resolve_options(pipeline, None, EVERY_OPTION_MODEL)
        assert resolved == {name: FLAG_DEFAULTS[name] for name in flags}
    assert set(resolve_options("ocr", {}, set())) == {
        "use_doc_orientation_classify",
        "use_doc_unwarping",
        "use_textline_orientation",
    }


def test_a_default_whose_model_is_missing_is_turned_off_not_refused():
    resolved = resolve_options("structure", None, set())
    assert FLAG_DEFAULTS["use_table_recognition"] and FLAG_DEFAULTS["use_doc_orientation_classify"]
    assert not any(resolved.values())
    assert resolve_options("structure", None, {TABLE_MODEL})["use_table_recognition"] is True


def test_the_callers_options_override_the_defaults_and_text_options_are_converted():
    resolved = resolve_options(
        "structure",
        {
            "use_table_recognition": False,
            "use_doc_unwarping": True,
            "text_det_thresh": "0.4",
            "text_det_limit_side_len": 1280.0,
            "text_rec_score_thresh": None,  # left out: the engine's own
        },
        EVERY_OPTION_MODEL,
    )
    assert resolved["use_table_recognition"] is False
    assert resolved["use_doc_unwarping"] is True
    assert resolved["text_det_thresh"] == 0.4
    assert resolved["text_det_limit_side_len"] == 1280
    assert "text_rec_score_thresh" not in resolved


@pytest.mark.parametrize(
    ("pipeline", "options", "message"),
    [
        ("layout", {}, "unknown pipeline 'layout': choose one of ocr, structure, table"),
        ("ocr", {"use_tables": True}, "unknown option 'use_tables'"),
        (
            "ocr",
            {"use_table_recognition": True},
            "option use_table_recognition is for the structure pipeline, not ocr",
        ),
        (
            "table",
            {"use_textline_orientation": False},
            "option use_textline_orientation is for the ocr or structure pipeline, not table",
        ),
        ("ocr", {"use_doc_unwarping": "yes"}, "option use_doc_unwarping must be true or false"),
        ("ocr", {"use_doc_unwarping": 1}, "option use_doc_unwarping must be true or false"),
        ("ocr", {"text_det_thresh": "high"}, "option text_det_thresh must be a number"),
        (
            "ocr",
            {"text_det_limit_side_len": "wide"},
            "option text_det_limit_side_len must be a whole number",
        ),
    ],
)
def test_bad_options_are_refused_with_what_is_wrong(pipeline, options, message):
    with pytest.raises(EngineError) as refused:
        resolve_options(pipeline, options, EVERY_OPTION_MODEL)
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("option", "installed", "message"),
    [
        (
            "use_doc_unwarping",
            set(),
            f"option use_doc_unwarping needs the model {UNWARPING_MODEL}, which is not "
            f"installed: {INSTALL}",
        ),
        (
            "use_formula_recognition",
            set(),
            f"option use_formula_recognition needs the model {FORMULA_MODELS[0]}, which is not "
            f"installed: python manage.py ocr_models add FOLDER (an official PaddleOCR "
            f"{FORMULA_MODELS[0]} model folder)",
        ),
        (
            "use_chart_recognition",
            {CHART_MODEL},  # installed, but PaddleX cannot run it on our backends
            "option use_chart_recognition is not available: PaddleX runs PP-Chart2Table only on "
            "PaddlePaddle's dynamic graph or transformers, which none of ocrsite's backends "
            "(OpenVINO, ONNX Runtime, Paddle static) is",
        ),
    ],
)
def test_asking_for_an_option_whose_model_is_missing_says_how_to_add_it(option, installed, message):
    with pytest.raises(ModelMissingError) as refused:
        resolve_options("structure", {option: True}, installed)
    assert str(refused.value) == message
    # Asking for it to be off needs no model.
    assert resolve_options("structure", {option: False}, installed)[option] is False


def test_any_of_the_models_that_serve_an_option_makes_it_available():
    smallest = FORMULA_MODELS[-1]
    resolved = resolve_options("structure", {"use_formula_recognition": True}, {smallest})
    assert resolved["use_formula_recognition"] is True
    states = {s.name: s for s in pipeline_options("structure", {smallest})}
    assert states["use_formula_recognition"] == OptionState(
        "use_formula_recognition", default=False, model=smallest, installed=True
    )
    assert states["use_chart_recognition"] == OptionState(
        "use_chart_recognition", default=False, model=CHART_MODEL, installed=False
    )


def test_pipeline_options_list_each_pipelines_flags_with_the_model_it_needs():
    states = pipeline_options("table", {TABLE_MODEL})
    assert [s.name for s in states] == ["use_doc_orientation_classify", "use_doc_unwarping"]
    assert [s.installed for s in states] == [False, False]
    assert [s.model for s in states] == [
        OPTION_MODELS["use_doc_orientation_classify"][0],
        UNWARPING_MODEL,
    ]


def test_the_services_refuse_a_pipeline_whose_models_are_missing_naming_them(install):
    install(pipeline_models("ocr"))
    uploads.options_validate(pipeline="ocr", options={}, text_models="ppocrv6_small")

    (layout,) = set(pipeline_models("structure")) - set(pipeline_models("ocr"))
    with pytest.raises(ApplicationError) as refused:
        uploads.options_validate(pipeline="structure", options={}, text_models="ppocrv6_small")
    assert refused.value.code == "invalid_options"
    assert refused.value.message == (
        f"the structure pipeline needs {layout}, which is not installed: {INSTALL}"
    )

    # The other text model set needs its own detector and recogniser.
    other = TEXT_MODELS["ppocrv5_mobile"]
    with pytest.raises(ApplicationError) as refused:
        uploads.options_validate(pipeline="ocr", options={}, text_models="ppocrv5_mobile")
    assert refused.value.message == (
        f"the ocr pipeline needs {other.det}, {other.rec}, which is not installed: {INSTALL}"
    )


@pytest.mark.parametrize(
    ("pipeline", "options", "text_models", "message"),
    [
        ("ocr", {"use_doc_unwarping": True}, "ppocrv6_small", f"{UNWARPING_MODEL}, which is not"),
        ("ocr", {"colour": True}, "ppocrv6_small", "unknown option 'colour'"),
        ("layout", {}, "ppocrv6_small", "unknown pipeline 'layout'"),
        ("ocr", {}, "ppocrv7", "unknown text models 'ppocrv7': choose one of ppocrv5_mobile"),
    ],
)
def test_the_services_turn_every_engine_refusal_into_an_invalid_options_error(
    install, pipeline, options, text_models, message
):
    install(pipeline_models("ocr"))
    with pytest.raises(ApplicationError) as refused:
        uploads.options_validate(pipeline=pipeline, options=options, text_models=text_models)
    assert refused.value.code == "invalid_options" and refused.value.status == 400
    assert message in refused.value.message

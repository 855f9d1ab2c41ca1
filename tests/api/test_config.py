"""GET /api/config/: the pipelines and options an upload may ask for, only those whose models
are installed offered as available, with the admin's defaults; and an upload or reprocess that
asks for a missing model is a 400 that names it and the command that adds it.

What is installed is real: the models folder is a temporary one holding the model folders
each test chooses (a folder counts when it has inference.yml and inference.onnx)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from documents.engine.registry import (
    CHART_MODEL,
    DEFAULT_TEXT_MODELS,
    FORMULA_MODELS,
    OPTION_MODELS,
    TEXT_MODELS,
    how_to_add,
    pipeline_models,
)
from documents.models import Document, OcrRun, RuntimeSettings
from documents.services import uploads
from tests.documents import files

pytestmark = pytest.mark.django_db

(UNWARPING,) = OPTION_MODELS["use_doc_unwarping"]
(TABLE,) = OPTION_MODELS["use_table_recognition"]
(DOC_ORIENTATION,) = OPTION_MODELS["use_doc_orientation_classify"]
LAYOUT = next(m for m in pipeline_models("structure") if m not in pipeline_models("ocr"))
BOTH_PIPELINES = {*pipeline_models("ocr"), *pipeline_models("structure")}


def config(api: APIClient) -> dict:
    response = api.get("/api/config/")
    assert response.status_code == 200, response.content
    return response.json()


def by_name(items: list[dict]) -> dict[str, dict]:
    return {item["name"]: item for item in items}


def test_the_config_is_for_signed_in_users(client):
    assert client.get("/api/config/").status_code in (401, 403)


def test_only_options_whose_models_are_installed_are_available(api, install):
    install([*BOTH_PIPELINES, DOC_ORIENTATION])
    body = config(api)

    assert body["default_pipeline"] == "structure"
    assert body["pipelines"] == [
        {"name": "ocr", "available": True, "missing_models": []},
        {"name": "structure", "available": True, "missing_models": []},
        # The table pipeline reads its one table with the table model, which is missing here.
        {"name": "table", "available": False, "missing_models": [TABLE]},
    ]
    options = by_name(body["options"])
    assert set(options) == set(OPTION_MODELS)  # every flag, available or not
    assert {n for n, o in options.items() if o["available"]} == {"use_doc_orientation_classify"}
    assert options["use_doc_orientation_classify"] == {
        "name": "use_doc_orientation_classify",
        "pipelines": ["ocr", "structure", "table"],
        "default": True,
        "available": True,
        "model": DOC_ORIENTATION,
        "how_to_add": "",
    }
    # The engine defaults table recognition on, but its model is missing: off.
    assert options["use_table_recognition"]["pipelines"] == ["structure"]
    assert options["use_table_recognition"]["default"] is False
    unwarping = options["use_doc_unwarping"]
    assert (unwarping["available"], unwarping["model"]) == (False, UNWARPING)
    assert unwarping["how_to_add"] == how_to_add(UNWARPING)
    assert "python manage.py ocr_models" in unwarping["how_to_add"]


def test_the_admins_runtime_settings_are_the_defaults(api, install):
    install([*BOTH_PIPELINES, *(m for ms in OPTION_MODELS.values() for m in ms if m != UNWARPING)])
    RuntimeSettings.objects.create(
        default_pipeline="ocr",
        default_options={
            "use_doc_orientation_classify": False,
            "use_textline_orientation": True,
            "use_doc_unwarping": True,  # its model was removed since: it cannot be on
            "text_det_thresh": 0.4,  # not a flag: not listed
        },
    )
    body = config(api)

    assert body["default_pipeline"] == "ocr"
    defaults = {o["name"]: o["default"] for o in body["options"]}
    assert defaults["use_doc_orientation_classify"] is False
    assert defaults["use_textline_orientation"] is True
    assert defaults["use_doc_unwarping"] is False
    assert defaults["use_table_recognition"] is True  # the engine's own, the admin left it
    assert "text_det_thresh" not in defaults


def test_a_default_pipeline_whose_models_are_missing_is_not_offered_as_default(api, install):
    install(pipeline_models("ocr"))
    RuntimeSettings.objects.create(default_pipeline="structure")
    body = config(api)

    assert body["default_pipeline"] == "ocr"  # the first that can run
    assert by_name(body["pipelines"])["structure"] == {
        "name": "structure",
        "available": False,
        "missing_models": [LAYOUT],
    }


def test_with_no_pipeline_installed_the_admins_default_stays(api, install):
    install([])
    RuntimeSettings.objects.create(default_pipeline="structure")
    body = config(api)

    assert body["default_pipeline"] == "structure"
    assert not any(p["available"] for p in body["pipelines"])
    assert not any(o["available"] or o["default"] for o in body["options"])


def upload(api: APIClient, **fields: str):
    return api.post(
        "/api/documents/",
        {"file": [SimpleUploadedFile("a.png", files.png())], **fields},
        format="multipart",
    )


def assert_refused_naming(response, model: str) -> None:
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid_options"
    assert model in error["message"]
    assert how_to_add(model) in error["message"]


def test_an_upload_asking_for_a_missing_model_is_a_400_naming_it(api, install):
    install(BOTH_PIPELINES)
    response = upload(api, options='{"use_doc_unwarping": true}')
    assert_refused_naming(response, UNWARPING)
    assert not Document.objects.exists()

    response = upload(api, options='{"use_doc_unwarping": false}')
    assert response.status_code == 201, response.content


def test_an_upload_to_a_pipeline_whose_models_are_missing_is_a_400_naming_them(api, install):
    install(pipeline_models("ocr"))
    assert_refused_naming(upload(api, pipeline="structure"), LAYOUT)
    assert not Document.objects.exists()
    assert upload(api, pipeline="ocr").status_code == 201


def test_a_reprocess_asking_for_a_missing_model_is_a_400_naming_it(api, user, install):
    install(BOTH_PIPELINES)
    document = uploads.document_create(
        owner=user, upload=SimpleUploadedFile("a.png", files.png()), pipeline="ocr"
    )
    response = api.post(
        f"/api/documents/{document.pk}/reprocess/",
        {"options": {"use_doc_unwarping": True}},
        format="json",
    )
    assert_refused_naming(response, UNWARPING)
    assert OcrRun.objects.filter(document=document).count() == 1  # no new run


def test_the_admins_structure_only_defaults_do_not_refuse_a_text_only_upload(api, install):
    install([*BOTH_PIPELINES, TABLE])
    RuntimeSettings.objects.create(default_options={"use_table_recognition": False})
    response = upload(api, pipeline="ocr")
    assert response.status_code == 201, response.content
    run = OcrRun.objects.get()
    assert "use_table_recognition" not in run.options
    assert upload(api, pipeline="structure").status_code == 201
    assert OcrRun.objects.latest("pk").options["use_table_recognition"] is False


def test_an_official_formula_model_an_admin_added_makes_its_option_available(api, install):
    # The smallest of the three: any one of them serves the option.
    install([*BOTH_PIPELINES, FORMULA_MODELS[-1]])
    formulas = by_name(config(api)["options"])["use_formula_recognition"]
    assert (formulas["available"], formulas["model"]) == (True, FORMULA_MODELS[-1])
    assert upload(api, options='{"use_formula_recognition": true}').status_code == 201


def test_a_model_paddlex_cannot_run_on_our_backends_is_never_offered(api, install):
    install([*BOTH_PIPELINES, CHART_MODEL])  # even with its folder in place
    charts = by_name(config(api)["options"])["use_chart_recognition"]
    assert charts["available"] is False
    assert charts["how_to_add"].startswith("not available: PaddleX runs PP-Chart2Table only")
    response = upload(api, options='{"use_chart_recognition": true}')
    assert response.status_code == 400
    assert "PaddlePaddle's dynamic graph" in response.json()["error"]["message"]


def test_the_admins_text_models_decide_what_the_pipelines_need(api, install):
    other = next(name for name in TEXT_MODELS if name != DEFAULT_TEXT_MODELS)
    install(BOTH_PIPELINES)  # with the default set's models, not the other's
    RuntimeSettings.objects.create(text_models=other)
    body = config(api)
    assert not by_name(body["pipelines"])["ocr"]["available"]
    assert by_name(body["pipelines"])["ocr"]["missing_models"] == list(
        pipeline_models("ocr", other)
    )
    assert upload(api, pipeline="ocr").status_code == 400

    install(pipeline_models("ocr", other))
    assert upload(api, pipeline="ocr").status_code == 201
    assert OcrRun.objects.get().text_models == other  # the run records what reads it

"""The admin: document pages with their pages and runs, actions, the runtime settings row."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import openvino as ov
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_q.conf import Conf

from documents.exports import FORMATS
from documents.models import Document, Line, OcrRun, RuntimeSettings, Status
from documents.selectors import runtime_config
from documents.services import uploads
from tests.documents import files
from tests.pages import ENGLISH_LINES

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(user) -> Document:
    return uploads.document_create(owner=user, upload=SimpleUploadedFile("a.png", files.png()))


def test_admin_pages_open(admin_client, document):
    urls = [
        "/admin/documents/document/",
        f"/admin/documents/document/{document.pk}/change/",
        "/admin/documents/document/?status__exact=queued&q=a.png",
        "/admin/documents/page/",
        "/admin/documents/ocrrun/",
        "/admin/django_q/success/",
        "/admin/django_q/failure/",
        "/admin/django_q/schedule/",
        "/admin/authtoken/tokenproxy/",
    ]
    if Conf.ORM:
        urls.append("/admin/django_q/ormq/")  # the waiting messages, with the ORM broker only
    for url in urls:
        assert admin_client.get(url).status_code == 200, url


def test_cancel_and_reprocess_actions(admin_client, document):
    changelist = "/admin/documents/document/"
    admin_client.post(changelist, {"action": "cancel", "_selected_action": [document.pk]})
    document.refresh_from_db()
    assert document.status == Status.CANCELLED

    admin_client.post(changelist, {"action": "reprocess", "_selected_action": [document.pk]})
    document.refresh_from_db()
    assert document.status == Status.QUEUED
    assert list(OcrRun.objects.filter(document=document).values_list("attempt", "status")) == [
        (2, "queued"),
        (1, "cancelled"),
    ]


def test_the_runtime_settings_row_overrides_the_environment(admin_client, settings):
    assert runtime_config().pdf_dpi == settings.PDF_DPI
    response = admin_client.get("/admin/documents/runtimesettings/")
    assert response.status_code == 302  # straight to the one row
    form = {
        "default_pipeline": "ocr",
        "default_options": '{"use_textline_orientation": false}',
        "backend": "",
        "precision": "bf16",
        "pdf_dpi": "300",
        "max_page_pixels": "",
        "max_upload_mb": "5",
        "max_pages": "",
    }
    response = admin_client.post(response.url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    config = runtime_config()
    assert (config.pipeline, config.precision, config.pdf_dpi, config.max_upload_mb) == (
        "ocr",
        "bf16",
        300,
        5,
    )
    assert config.options == {"use_textline_orientation": False}
    assert config.backend == settings.OCR_ENGINE["BACKEND"]  # blank: the environment's

    bad = admin_client.post(
        f"/admin/documents/runtimesettings/{RuntimeSettings.load().pk}/change/",
        {**form, "default_options": '{"use_magic": true}'},
    )
    assert bad.status_code == 200 and "unknown option" in bad.content.decode()

    assert runtime_config().text_models == settings.OCR_ENGINE["TEXT_MODELS"]
    response = admin_client.post(
        f"/admin/documents/runtimesettings/{RuntimeSettings.load().pk}/change/",
        {**form, "text_models": "ppocrv6_small"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert runtime_config().text_models == "ppocrv6_small"


def test_text_models_whose_models_are_missing_are_refused(admin_client, settings, tmp_path):
    settings.OCR_ENGINE = {**settings.OCR_ENGINE, "MODELS_DIR": str(tmp_path)}  # nothing in it
    response = admin_client.post(
        f"/admin/documents/runtimesettings/{RuntimeSettings.load().pk}/change/",
        {"default_options": "{}", "text_models": "ppocrv6_small"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "needs PP-OCRv6_small_det, PP-OCRv6_small_rec: python manage.py ocr_models install" in html
    )
    assert RuntimeSettings.load().text_models == ""


def test_the_runtime_settings_row_shows_the_precision_auto_gives_here(admin_client, settings):
    settings.OCR_ENGINE = {**settings.OCR_ENGINE, "PRECISION": "f32", "DEVICE": "CPU"}
    capabilities = ov.Core().get_property("CPU", "OPTIMIZATION_CAPABILITIES")
    expected = "bf16" if "BF16" in capabilities else "f32"
    RuntimeSettings.objects.create(precision="auto")  # over the environment's f32
    config = runtime_config()
    assert (config.precision, config.precision_setting) == (expected, "auto")
    page = admin_client.get(f"/admin/documents/runtimesettings/{RuntimeSettings.load().pk}/change/")
    html = page.content.decode()
    assert "Precision in force" in html and f"{expected} (auto on CPU)" in html


def test_export_action_returns_the_selected_documents_as_a_zip(admin_client, user, read_now):
    first = read_now(user, "first.png", files.png(ENGLISH_LINES[:2]))
    second = read_now(user, "second.png", files.png(ENGLISH_LINES[2:]))
    uploads.document_create(owner=user, upload=SimpleUploadedFile("other.png", files.png()))

    response = admin_client.post(
        "/admin/documents/document/",
        {"action": "export_zip", "_selected_action": [first.pk, second.pk]},
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    bundle = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    manifest = json.loads(bundle.read("manifest.json"))
    assert [d["id"] for d in manifest["documents"]] == [first.pk, second.pk]  # not "other"
    assert manifest["complete"] is True
    for entry, document in zip(manifest["documents"], [first, second], strict=True):
        assert {f["format"] for f in entry["files"]} == set(FORMATS)
        for file in entry["files"]:
            assert bundle.read(file["path"]), file["path"]
        text = bundle.read(f"{entry['folder']}/{Path(document.name).stem}.txt").decode()
        lines = Line.objects.filter(page__document=document).order_by("page__number", "order")
        assert lines and all(line.text in text for line in lines)
    assert "Revenue" in bundle.read(f"{manifest['documents'][0]['folder']}/first.txt").decode()

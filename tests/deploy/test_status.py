"""The admins' status API: versions, OpenVINO's devices, the engine settings in force,
the queue, and the last finished run with its speed (a page read by the real engine)."""

from importlib import metadata

import openvino as ov
import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from documents import tasks
from documents.models import RuntimeSettings
from documents.services import uploads
from tests import pages

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def api(settings, tmp_path, models_dir) -> APIClient:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.OCR_ENGINE = {**settings.OCR_ENGINE, "MODELS_DIR": str(models_dir)}
    user = User.objects.create_user("admin", password="pw", is_staff=True)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    api.user = user
    return api


def test_status_is_for_admins_only():
    assert APIClient().get("/api/status/").status_code in (401, 403)
    clerk = APIClient()
    clerk.force_authenticate(User.objects.create_user("clerk"))
    assert clerk.get("/api/status/").status_code == 403


def test_status_reports_versions_devices_settings_queue_and_the_last_run(
    api, django_capture_on_commit_callbacks
):
    # The admin's choice wins over the env's ("auto"): f32, which every CPU runs.
    RuntimeSettings.objects.create(precision="f32")
    # Messages other tests of the session left unread on Redis count too.
    before = api.get("/api/status/").json()["queue"]["queued"]
    # With Redis the message is sent when the upload commits.
    with django_capture_on_commit_callbacks(execute=True):
        document = uploads.document_create(
            owner=api.user,
            upload=ContentFile(pages.encode(pages.render_lines(pages.ENGLISH_LINES)), name="a.png"),
            pipeline="ocr",
        )
    queued = api.get("/api/status/").json()
    assert queued["queue"]["queued"] == before + 1
    assert queued["last_finished_run"] is None

    page = document.pages.get()
    assert tasks.ocr_page(page.pk, str(page.token)) == "done"
    status = api.get("/api/status/").json()

    assert status["versions"]["paddleocr"] == metadata.version("paddleocr")
    assert status["versions"]["openvino"] == metadata.version("openvino")
    assert set(status["versions"]) >= {"paddlex", "paddlepaddle", "onnxruntime"}
    assert "CPU" in status["openvino_devices"]
    assert (status["engine"]["precision"], status["engine"]["precision_setting"]) == ("f32", "f32")
    assert status["engine"]["backend"] == "openvino"
    run = status["last_finished_run"]
    assert run["document"] == document.pk
    assert run["pages"] == 1
    assert run["seconds_per_page"] > 0
    assert run["ocr_seconds"] > 0
    assert status["ready"] == {"database": "ok", "models": "ok"}
    assert isinstance(status["clusters"], list)


def test_status_and_new_runs_show_the_precision_auto_gives_here(api, settings):
    settings.OCR_ENGINE = {**settings.OCR_ENGINE, "PRECISION": "auto", "DEVICE": "CPU"}
    core = ov.Core()
    expected = "bf16" if "BF16" in core.get_property("CPU", "OPTIMIZATION_CAPABILITIES") else "f32"
    document = uploads.document_create(
        owner=api.user,
        upload=ContentFile(pages.encode(pages.render_lines(pages.ENGLISH_LINES)), name="a.png"),
        pipeline="ocr",
    )
    assert document.runs.get().precision == expected  # what the run is read with, not "auto"

    status = api.get("/api/status/").json()
    assert status["openvino_devices"] == core.available_devices
    engine = status["engine"]
    assert (engine["precision"], engine["precision_setting"]) == (expected, "auto")
    assert (engine["device"], engine["error"]) == ("CPU", None)


def test_status_names_a_missing_device_and_the_devices_present(api, settings):
    available = ov.Core().available_devices
    if any(name.startswith("GPU") for name in available):
        pytest.skip("this machine has a GPU")
    settings.OCR_ENGINE = {**settings.OCR_ENGINE, "DEVICE": "GPU"}
    status = api.get("/api/status/").json()
    assert status["openvino_devices"] == available
    assert status["engine"]["device"] == "GPU" and status["engine"]["precision"] is None
    assert "device GPU is not available" in status["engine"]["error"]
    assert all(name in status["engine"]["error"] for name in available)


def test_status_shows_the_quick_reader_in_force(api, settings):
    assert api.get("/api/status/").json()["engine"]["quick_reader"] == "PP-OCRv6_tiny_rec"
    settings.OCR_ENGINE = {**settings.OCR_ENGINE, "QUICK_READ": False}
    assert api.get("/api/status/").json()["engine"]["quick_reader"] is None
    settings.OCR_ENGINE = {**settings.OCR_ENGINE, "QUICK_READ": True}
    RuntimeSettings.objects.create(backend="paddle")  # the stock reference reads without it
    assert api.get("/api/status/").json()["engine"]["quick_reader"] is None


def test_status_shows_the_text_models_in_force(api, settings):
    engine = api.get("/api/status/").json()["engine"]
    assert engine["text_models"] == settings.OCR_ENGINE["TEXT_MODELS"]
    RuntimeSettings.objects.create(text_models="ppocrv6_small")
    assert api.get("/api/status/").json()["engine"]["text_models"] == "ppocrv6_small"

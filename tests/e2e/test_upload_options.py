"""The upload screen offers only what the server can run: the options whose models are in the
models folder, ticked as the admin's runtime settings say; and it sends only what the user
changed, so the admin's defaults hold for the rest (the run records both)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from documents.engine.registry import OPTION_MODELS, pipeline_models
from documents.models import Document, RuntimeSettings
from tests.documents import files
from tests.e2e.helpers import screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def models_dir(settings, tmp_path: Path) -> Path:
    """Both pipelines with document orientation and tables; no other option's model. The live
    server runs in this process, so it reads this folder too."""
    folder = tmp_path / "models"
    models = {
        *pipeline_models("ocr"),
        *pipeline_models("structure"),
        *OPTION_MODELS["use_doc_orientation_classify"],
        *OPTION_MODELS["use_table_recognition"],
    }
    for name in models:
        (folder / name).mkdir(parents=True)
        for file in ("inference.yml", "inference.onnx"):
            (folder / name / file).write_bytes(b"")
    settings.OCR_ENGINE = {**settings.OCR_ENGINE, "MODELS_DIR": str(folder)}
    return folder


def test_the_upload_screen_offers_what_can_run_and_sends_what_changed(
    page: Page, user, models_dir: Path, tmp_path: Path
) -> None:
    RuntimeSettings.objects.create(
        default_pipeline="structure", default_options={"use_doc_orientation_classify": False}
    )
    scan = tmp_path / "scan.png"
    scan.write_bytes(files.png())
    sign_in(page, "alice", "alice-pass-123")
    page.get_by_role("navigation").get_by_role("link", name="Upload").click()

    expect(page.get_by_label("Full structure: layout and tables")).to_be_checked()
    options = page.get_by_role("group", name="Options").get_by_role("checkbox")
    expect(options).to_have_count(2)
    expect(page.get_by_label("Detect rotated pages (0/90/180/270°)")).not_to_be_checked()
    expect(page.get_by_label("Recognise tables (rows and cells)")).to_be_checked()
    expect(page.get_by_text("Flatten curved or photographed pages")).to_have_count(0)
    screenshot(page, "upload-options")

    page.get_by_label("Recognise tables (rows and cells)").uncheck()
    page.get_by_test_id("file-input").set_input_files(str(scan))
    # The server's first upload asks OpenVINO about the device (a child process): seconds.
    row = page.get_by_test_id("upload-item").filter(has_text="scan.png")
    expect(row).to_contain_text("Uploaded", timeout=60_000)

    run = Document.objects.get(name="scan.png").runs.get()
    assert run.pipeline == "structure"
    # The user's change, and the admin's default the screen did not send.
    assert run.options == {"use_doc_orientation_classify": False, "use_table_recognition": False}


def test_a_table_for_excel_is_offered_with_the_options_that_pipeline_takes(
    page: Page, user, models_dir: Path, tmp_path: Path
) -> None:
    RuntimeSettings.objects.create(default_options={"use_doc_orientation_classify": False})
    scan = tmp_path / "table.png"
    scan.write_bytes(files.png())
    sign_in(page, "alice", "alice-pass-123")
    page.get_by_role("navigation").get_by_role("link", name="Upload").click()

    page.get_by_label("Table → Excel (the whole page is one table)").check()
    # The table pipeline reads the whole image as a table: no table or seal switches.
    options = page.get_by_role("group", name="Options").get_by_role("checkbox")
    expect(options).to_have_count(1)
    expect(page.get_by_label("Detect rotated pages (0/90/180/270°)")).not_to_be_checked()
    page.get_by_test_id("file-input").set_input_files(str(scan))
    row = page.get_by_test_id("upload-item").filter(has_text="table.png")
    expect(row).to_contain_text("Uploaded", timeout=60_000)

    run = Document.objects.get(name="table.png").runs.get()
    assert (run.pipeline, run.options) == ("table", {"use_doc_orientation_classify": False})

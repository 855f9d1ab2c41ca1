"""The text model set as a runtime setting (OCRSITE_TEXT_MODELS, or the admin's row): new runs
record it and their pages are read with it, even after the admin changes it; an unknown set
stops the web server and workers from starting."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from documents import tasks
from documents.models import RuntimeSettings
from documents.services import runs, uploads
from tests.documents import files
from tests.pages import ENGLISH_LINES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("queued, changed", [("ppocrv5_mobile", "ppocrv6_small"),
                                             ("ppocrv6_small", "ppocrv5_mobile")])  # fmt: skip
def test_a_run_is_read_with_the_text_models_it_was_queued_with(user, queued, changed):
    RuntimeSettings.objects.create(text_models=queued)
    document = uploads.document_create(
        owner=user, upload=SimpleUploadedFile("a.png", files.png(ENGLISH_LINES)), pipeline="ocr"
    )
    RuntimeSettings.objects.filter(pk=1).update(text_models=changed)  # changed since

    page = document.pages.get()
    assert tasks.ocr_page(page.pk, str(page.token)) == "done"
    run = document.runs.get()
    assert run.text_models == queued
    assert run.engine_info["text_models"] == queued
    assert [line.text for line in page.lines.order_by("order")] == list(ENGLISH_LINES)

    rerun = runs.document_reprocess(document=document)
    assert rerun.text_models == changed  # a new run takes the setting in force


def test_an_unknown_text_model_set_fails_the_system_check(settings):
    settings.OCR_ENGINE = {**settings.OCR_ENGINE, "TEXT_MODELS": "ppocrv9"}
    with pytest.raises(SystemCheckError, match=r"documents.E002.*ppocrv9"):
        call_command("check")

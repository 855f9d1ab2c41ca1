"""A worker reading one page (tasks.ocr_page, called here in the test's process): the limits in
force are the admin's, and a failure's reason is the engine's own."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile

from documents import tasks
from documents.models import OcrRun, Page, RuntimeSettings, Status
from documents.services import uploads
from tests.pages import ENGLISH_LINES, encode, render_lines

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _queue_of_its_own(make_cluster):
    """The test is the worker: its messages go to a queue no cluster reads (a cluster left
    running by an earlier test would take the page first)."""


def _read_the_waiting_page() -> Page:
    page = Page.objects.get(status=Status.QUEUED)
    tasks.ocr_page(page.pk, str(page.token))
    return Page.objects.get(pk=page.pk)


def test_the_admins_pixel_limit_holds_for_the_engine_too(user, settings):
    """Raised by the admin above the environment's: rendering and the engine both allow it."""
    image = render_lines(ENGLISH_LINES)
    pixels = image.width * image.height
    settings.MAX_PAGE_PIXELS = pixels // 2
    RuntimeSettings.objects.create(pk=1, max_page_pixels=pixels * 2)
    upload = SimpleUploadedFile("page.png", encode(image))
    uploads.document_create(owner=user, upload=upload, pipeline="ocr")

    page = _read_the_waiting_page()

    assert page.status == Status.DONE, page.error
    assert ENGLISH_LINES[0] in [line.text for line in page.lines.all()]


def test_an_engine_failure_is_the_reason_even_when_the_page_image_cannot_be_written(user):
    document = uploads.document_create(
        owner=user, upload=SimpleUploadedFile("page.png", encode(render_lines(["Hello"])))
    )
    # Two real faults at once: options the engine refuses (changed after the upload's check)
    # and a page folder that cannot be made, since a file holds its name.
    OcrRun.objects.filter(document=document).update(options={"use_magic": True})
    folder = Path(django_settings.MEDIA_ROOT) / "pages" / str(document.uid)
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.write_bytes(b"")

    page = _read_the_waiting_page()

    assert page.status == Status.FAILED
    assert "use_magic" in page.error  # the engine's reason, not the write's
    assert not page.image

"""Unit tests: the real service functions on real database rows (pytest-django, SQLite), with
no OCR models and no front-end build, so that `make test-fast` runs on a fresh clone.

Every test here sees an empty models folder of its own (tests that need a model to count as
installed make its folder with `install`), whatever OCRSITE_MODELS_DIR names."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from documents.engine.registry import pipeline_models
from documents.models import Document
from documents.services import uploads


@pytest.fixture(autouse=True)
def _no_models(settings: Any, install: Callable[..., None]) -> None:
    """An empty models folder (install() adds to it); and precision f32, which is what `auto`
    resolves to here: `auto` asks OpenVINO in a child process what the CPU runs (seconds), and
    no unit test depends on the answer."""
    install(())
    settings.OCR_ENGINE = {**settings.OCR_ENGINE, "PRECISION": "f32"}


def blank_pdf(pages: int) -> bytes:
    """A scanned-style PDF of blank pages (what is on them is no concern of the queue)."""
    out = io.BytesIO()
    first, *rest = [Image.new("RGB", (400, 300), "white") for _ in range(pages)]
    first.save(out, "PDF", save_all=True, append_images=rest, resolution=100.0)
    return out.getvalue()


@pytest.fixture
def upload(db: None, user: Any, install: Callable[..., None]) -> Callable[..., Document]:
    """upload(pages=1): a PDF queued for the text-only pipeline through the real
    uploads.document_create, its text models counted as installed."""
    install(pipeline_models("ocr"))

    def make(pages: int = 1) -> Document:
        return uploads.document_create(
            owner=user,
            upload=SimpleUploadedFile("scan.pdf", blank_pdf(pages)),
            pipeline="ocr",
        )

    return make

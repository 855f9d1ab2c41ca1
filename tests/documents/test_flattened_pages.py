"""A curved, photographed page read with unwarping: the stored page image is the flattened page
its boxes refer to, and a later run without unwarping puts the rendered page back."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from PIL import Image

from documents.models import Page
from tests.documents.test_queue import upload
from tests.pages import ENGLISH_LINES, encode, photographed, render_lines

pytestmark = pytest.mark.django_db(transaction=True)


def _image(page: Page) -> np.ndarray:
    with page.image.open("rb") as f:
        return np.asarray(Image.open(io.BytesIO(f.read())).convert("RGB"))


def test_the_page_image_is_the_flattened_page_while_unwarping_is_on(cluster, api, wait_finished):
    photo = photographed(render_lines(ENGLISH_LINES))
    options = json.dumps({"use_doc_unwarping": True})
    created = upload(api, "photo.png", encode(photo), pipeline="ocr", options=options)
    document = wait_finished(created["id"])
    page = Page.objects.get(document=document)
    assert page.status == "done" and page.flattened
    flat = _image(page)
    assert flat.shape == (photo.height, photo.width, 3)
    assert not np.array_equal(flat, np.asarray(photo))  # not the photo as rendered
    detail = api.get(f"/api/documents/{document.pk}/pages/1/").json()
    assert detail["flattened"] is True
    assert "Quarterly report for the board" in [ln["text"] for ln in detail["lines"]]
    old_file = page.image.name

    response = api.post(
        f"/api/documents/{document.pk}/reprocess/",
        {"pipeline": "ocr", "options": {"use_doc_unwarping": False}},
        format="json",
    )
    assert response.status_code == 202, response.json()
    page = Page.objects.get(document=wait_finished(document.pk))
    assert not page.flattened
    assert np.array_equal(_image(page), np.asarray(photo))
    assert not page.image.storage.exists(old_file)  # the flattened file went with it

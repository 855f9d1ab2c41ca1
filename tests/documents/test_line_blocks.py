"""A line's block is decided once, when the page's results are saved: the first block in
reading order holding the centre of the line's box. The review screen (through the API) and the
exports read it from there."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents import tasks
from documents.exports.from_models import export_from_model
from documents.geometry import centre, holds
from documents.models import Page, Status
from documents.services import uploads
from tests.pages import encode, render_report

pytestmark = pytest.mark.django_db(transaction=True)


def test_lines_are_saved_with_their_block_and_everyone_reads_it(make_cluster, user, api):
    # The test is the worker: its queue is one no cluster reads (make_cluster, none started).
    upload = SimpleUploadedFile("report.png", encode(render_report()))
    document = uploads.document_create(owner=user, upload=upload, pipeline="structure")
    page = Page.objects.get(document=document)
    tasks.ocr_page(page.pk, str(page.token))
    page.refresh_from_db()
    assert page.status == Status.DONE, page.error
    assert document.runs.get().engine_info["backend"] == "openvino"  # recorded by the first page

    blocks = list(page.blocks.order_by("order"))
    lines = list(page.lines.order_by("order"))
    for line in lines:
        holding = [b for b in blocks if holds(b.box, centre(line.box))]
        assert line.block_id == (holding[0].pk if holding else None), line.text
    title = next(line for line in lines if line.text == "Office supplies order")
    assert title.block is not None and title.block.label.endswith("title")
    assert any(line.block and line.block.label == "table" for line in lines)

    detail = api.get(f"/api/documents/{document.pk}/pages/1/").json()
    assert {ln["id"]: ln["block"] for ln in detail["lines"]} == {
        line.pk: line.block_id for line in lines
    }

    exported = export_from_model(document).pages[0]
    order_of = {b.pk: b.order for b in blocks}
    assert [ln.block for ln in exported.lines] == [order_of.get(ln.block_id) for ln in lines]
    title_block = next(b for b in exported.blocks if b.order == title.block.order)
    assert title_block.text == "Office supplies order"

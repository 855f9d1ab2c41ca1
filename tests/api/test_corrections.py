"""Staff corrections keep the engine's text beside them; review flags; the page view."""

from __future__ import annotations

import pytest

from documents.models import Block, Document, Line, TableCell
from tests.pages import encode, render_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(user, read_now) -> Document:
    return read_now(user, "order.png", encode(render_report()))


def test_a_line_correction_keeps_the_engine_text(report, api):
    line = Line.objects.filter(page__document=report, text__contains="Office").get()
    engine_text = line.text

    response = api.patch(f"/api/lines/{line.pk}/", {"text": "Office supplies ORDER"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["text"], body["corrected_text"], body["effective_text"]) == (
        engine_text,
        "Office supplies ORDER",
        "Office supplies ORDER",
    )
    # The correction is searchable, the engine's text still too.
    found = api.get("/api/documents/", {"q": "supplies ORDER"}).json()["results"]
    assert [d["id"] for d in found] == [report.pk]
    assert api.get("/api/documents/", {"q": engine_text}).json()["count"] == 1

    # Null, or the engine's own text, removes the correction.
    for undo in (None, engine_text):
        api.patch(f"/api/lines/{line.pk}/", {"text": "x"}, format="json")
        body = api.patch(f"/api/lines/{line.pk}/", {"text": undo}, format="json").json()
        assert (body["corrected_text"], body["effective_text"]) == (None, engine_text)


def test_block_and_table_cell_corrections(report, api):
    block = Block.objects.filter(page__document=report, label="table").get()
    cell = TableCell.objects.get(table__block=block, row=2, col=0)
    assert cell.text == "Toner"

    body = api.patch(f"/api/table-cells/{cell.pk}/", {"text": "Toner (black)"}, format="json")
    assert body.status_code == 200
    assert (body.json()["text"], body.json()["effective_text"]) == ("Toner", "Toner (black)")

    title = Block.objects.filter(page__document=report).order_by("order").first()
    body = api.patch(f"/api/blocks/{title.pk}/", {"text": "A new title"}, format="json").json()
    assert (body["content"], body["corrected_content"]) == (title.content, "A new title")

    page = api.get(f"/api/documents/{report.pk}/pages/1/").json()
    (table,) = page["tables"]
    corrected = [c for c in table["cells"] if c["corrected_text"] is not None]
    assert [(c["row"], c["col"], c["effective_text"]) for c in corrected] == [
        (2, 0, "Toner (black)")
    ]
    assert table["block_id"] == block.pk

    missing = api.patch("/api/lines/999999/", {"text": "x"}, format="json")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    invalid = api.patch(f"/api/blocks/{title.pk}/", {"wrong": "x"}, format="json")
    assert invalid.status_code == 400 and "text" in invalid.json()["error"]["fields"]


def test_review_flags_per_page_and_document(user, read_now, api):
    from tests.documents import files

    document = read_now(user, "two.pdf", files.pdf([files.text_page(), files.text_page()]))
    base = f"/api/documents/{document.pk}"

    assert api.post(f"{base}/pages/1/reviewed/", {"reviewed": True}, format="json").json()[
        "reviewed"
    ]
    assert api.get(f"{base}/").json()["reviewed"] is False  # page 2 is not reviewed yet
    api.post(f"{base}/pages/2/reviewed/", {}, format="json")
    detail = api.get(f"{base}/").json()
    assert detail["reviewed"] is True and detail["reviewed_at"]

    detail = api.post(f"{base}/reviewed/", {"reviewed": False}, format="json").json()
    assert detail["reviewed"] is False
    detail = api.post(f"{base}/reviewed/", format="json").json()
    assert detail["reviewed"] is True and all(p["reviewed"] for p in detail["pages"])
    assert [
        d["id"] for d in api.get("/api/documents/", {"reviewed": "true"}).json()["results"]
    ] == [document.pk]


def test_list_filters_and_pagination(user, api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from documents.services import uploads
    from tests.documents import files

    for n in range(5):
        uploads.document_create(owner=user, upload=SimpleUploadedFile(f"{n}.png", files.png()))
    page = api.get("/api/documents/", {"page_size": 2}).json()
    assert page["count"] == 5 and len(page["results"]) == 2 and page["next"]
    assert [d["name"] for d in page["results"]] == ["4.png", "3.png"]  # newest first
    assert api.get("/api/documents/", {"status": "queued"}).json()["count"] == 5
    assert api.get("/api/documents/", {"status": "done"}).json()["count"] == 0
    today = Document.objects.first().created_at.date().isoformat()
    assert api.get("/api/documents/", {"created_after": today}).json()["count"] == 5
    assert api.get("/api/documents/", {"created_before": "2000-01-01"}).json()["count"] == 0
    bad = api.get("/api/documents/", {"created_after": "yesterday"})
    assert bad.status_code == 400 and bad.json()["error"]["fields"]["created_after"]
    bad = api.get("/api/documents/", {"status": "lost"})
    assert bad.status_code == 400

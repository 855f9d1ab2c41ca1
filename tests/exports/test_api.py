"""The export endpoints over documents read by the real engine (the page task run here, as
tests/conftest.py's `read_now` does): corrections reach every format, a document part-way
through OCR exports what is done and says so, nobody exports someone else's document."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pypdfium2 as pdfium
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from documents import tasks
from documents.exports import FORMATS
from documents.exports.from_models import export_from_model
from documents.models import Document, Line, TableCell
from documents.services import uploads
from tests.conftest import client_for
from tests.documents import files
from tests.exports.pdftext import assert_placed
from tests.exports.readers import body, text_of
from tests.pages import encode, font, render_report

pytestmark = pytest.mark.django_db

CHINESE = "关于加强文件管理的通知"
LINE_FIX = "Deliveries arrive on Friday and are counted against this list."
CHINESE_FIX = "关于加强档案管理的通知"
CELL_FIX = "Toner (black)"


def _report_with_chinese() -> Image.Image:
    page = render_report()
    ImageDraw.Draw(page).text((100, 900), CHINESE, font=font(40, cjk=True), fill="black")
    return page


def test_corrections_made_through_the_api_appear_in_every_format(user, read_now, api):
    document = read_now(user, "订单 order.png", encode(_report_with_chinese()))
    line = Line.objects.get(page__document=document, text__startswith="Deliveries arrive")
    # A correction of the Chinese line whatever was read (PP-OCRv5 mobile read 强 as 強 here).
    chinese = Line.objects.get(page__document=document, text__startswith=CHINESE[:3])
    cell = TableCell.objects.get(table__page__document=document, text="Toner")
    for path, text in [
        (f"/api/lines/{line.pk}/", LINE_FIX),
        (f"/api/lines/{chinese.pk}/", CHINESE_FIX),
        (f"/api/table-cells/{cell.pk}/", CELL_FIX),
    ]:
        assert api.patch(path, {"text": text}, format="json").status_code == 200

    for fmt, (content_type, extension, _) in FORMATS.items():
        response = api.get(f"/api/documents/{document.pk}/export/", {"format": fmt})
        assert response.status_code == 200, (fmt, response.content[:300])
        assert response["X-Export-Incomplete"] == "false"
        assert response["X-Export-Pages"] == "1/1"
        assert "attachment" in response["Content-Disposition"]
        text = text_of(fmt, body(response))
        # CSV holds the tables: the cell's correction; every other format holds all three.
        expected = [CELL_FIX] if fmt == "csv" else [LINE_FIX, CHINESE_FIX, CELL_FIX]
        for fix in expected:
            assert fix in text, (fmt, fix, text[:2000])
        if fmt == "json":  # the engine's text stays only in the list of corrections
            corrections = json.loads(text)["pages"][0]["corrections"]
            assert sorted(c["target"] for c in corrections) == ["line", "line", "table_cell"]
        else:
            assert "arrive on Tuesday" not in text and "文件管理" not in text, fmt
        if fmt == "pdf":  # every line, the corrected ones too, lies in its box on the scan
            page = export_from_model(document).pages[0]
            assert_placed(pdfium.PdfDocument(body(response))[0], page, list(page.lines))
        if fmt != "csv":
            assert response["Content-Type"] == content_type
            assert extension in response["Content-Disposition"]

    bundle = api.get("/api/documents/export/", {"ids": str(document.pk), "formats": "txt,pdf,csv"})
    assert bundle.status_code == 200 and bundle["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(body(bundle)))
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["complete"] is True
    (entry,) = manifest["documents"]
    assert [f["format"] for f in entry["files"]] == ["txt", "pdf", "csv"]
    txt_path = entry["files"][0]["path"]
    assert txt_path == f"{document.pk}-订单 order/订单 order.txt"
    assert LINE_FIX in archive.read(txt_path).decode()


def test_an_in_progress_document_exports_what_is_done_and_says_so(user, api):
    pages = [files.text_page([f"Page number {n}"]) for n in (1, 2, 3)]
    document = uploads.document_create(
        owner=user, upload=SimpleUploadedFile("three.pdf", files.pdf(pages))
    )
    first = document.pages.get(number=1)
    assert tasks.ocr_page(first.pk, str(first.token)) == "done"  # the queue has done page 1
    document.refresh_from_db()
    assert document.status in ("queued", "running")

    url = f"/api/documents/{document.pk}/export/"
    response = api.get(url, {"format": "json"})
    assert response["X-Export-Incomplete"] == "true" and response["X-Export-Pages"] == "1/3"
    data = json.loads(response.content)
    assert data["document"]["complete"] is False
    assert [p["done"] for p in data["pages"]] == [True, False, False]
    assert "Page number 1" in data["pages"][0]["overall_ocr_res"]["rec_texts"]
    assert data["pages"][1]["overall_ocr_res"]["rec_texts"] == []

    text = api.get(url, {"format": "txt"}).content.decode()
    assert text.startswith("[Incomplete export: OCR has finished 1 of 3 pages")
    assert "=== Page 3 (not processed yet) ===" in text

    pdf = pdfium.PdfDocument(api.get(url, {"format": "pdf"}).content)
    assert len(pdf) == 3  # every page image, text where OCR is done
    assert "Page number 1" in pdf[0].get_textpage().get_text_range()
    assert pdf[2].get_textpage().get_text_range().strip() == ""

    bundle = api.get("/api/documents/export/", {"ids": str(document.pk), "formats": "md"})
    assert bundle["X-Export-Incomplete"] == "true"
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(body(bundle))).read("manifest.json"))
    assert manifest["complete"] is False and manifest["documents"][0]["pages_done"] == 1


def test_another_users_document_cannot_be_exported(user, other_user, admin_user, api, other_api):
    mine = uploads.document_create(owner=user, upload=SimpleUploadedFile("a.png", files.png()))
    theirs = uploads.document_create(
        owner=other_user, upload=SimpleUploadedFile("b.png", files.png())
    )
    assert other_api.get(f"/api/documents/{mine.pk}/export/", {"format": "txt"}).status_code == 404
    many = other_api.get(
        "/api/documents/export/", {"ids": f"{theirs.pk},{mine.pk}", "formats": "txt"}
    )
    assert many.status_code == 404 and many.json()["error"]["code"] == "not_found"
    assert api.get(f"/api/documents/{mine.pk}/export/", {"format": "txt"}).status_code == 200
    admin = client_for(admin_user)
    both = admin.get("/api/documents/export/", {"ids": f"{mine.pk},{theirs.pk}", "formats": "txt"})
    assert both.status_code == 200
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(body(both))).read("manifest.json"))
    assert [d["id"] for d in manifest["documents"]] == [mine.pk, theirs.pk]

    from rest_framework.test import APIClient

    anonymous = APIClient().get(f"/api/documents/{mine.pk}/export/", {"format": "txt"})
    assert anonymous.status_code in (401, 403)


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("{pk}/export/", {"format": "doc"}, "format"),
        ("{pk}/export/", {}, "format"),
        ("export/", {"ids": "1,x", "formats": "txt"}, "ids"),
        ("export/", {"ids": "{pk}", "formats": "txt,rtf"}, "formats"),
        ("export/", {"ids": ",".join(str(i) for i in range(1, 60)), "formats": "txt"}, "ids"),
    ],
)
def test_bad_export_requests_get_a_clear_400(user, api, path, params, field):
    document = uploads.document_create(owner=user, upload=SimpleUploadedFile("a.png", files.png()))
    params = {k: v.format(pk=document.pk) for k, v in params.items()}
    response = api.get(f"/api/documents/{path.format(pk=document.pk)}", params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and field in error["fields"]


def test_csv_of_a_document_without_tables_is_its_text(user, read_now, api):
    document: Document = read_now(user, "note.png", files.png())
    response = api.get(f"/api/documents/{document.pk}/export/", {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["page", "order", "label", "text"]
    assert any("Quarterly report" in row[3] for row in rows[1:])

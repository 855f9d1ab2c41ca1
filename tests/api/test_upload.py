"""POST /api/documents/: every supported format goes in; every bad file gets a 400 that says
why; the good files of a batch still go in, and nothing is kept of a refused file."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.models import Document, Page, RuntimeSettings
from tests.documents import files
from tests.pages import encode

pytestmark = pytest.mark.django_db


def post(api, *uploads: tuple[str, bytes], **fields):
    return api.post(
        "/api/documents/",
        {"file": [SimpleUploadedFile(name, data) for name, data in uploads], **fields},
        format="multipart",
    )


def stored_files() -> set[Path]:
    return {p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()}


def test_every_supported_format_becomes_a_queued_document(api, user):
    page = files.text_page()
    uploads = [
        ("a.png", encode(page, "PNG")),
        ("b.jpg", encode(page, "JPEG")),
        ("c.bmp", encode(page, "BMP")),
        ("d.webp", encode(page, "WEBP")),
        ("e.tif", files.tiff([page, page, page])),
        ("f.pdf", files.pdf([page, page])),
        ("named-wrongly.txt", encode(page, "PNG")),
    ]
    response = post(api, *uploads)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["rejected"] == []
    got = {d["name"]: (d["file_type"], d["pages_total"], d["status"]) for d in body["documents"]}
    assert got == {
        "a.png": ("png", 1, "queued"),
        "b.jpg": ("jpeg", 1, "queued"),
        "c.bmp": ("bmp", 1, "queued"),
        "d.webp": ("webp", 1, "queued"),
        "e.tif": ("tiff", 3, "queued"),
        "f.pdf": ("pdf", 2, "queued"),
        "named-wrongly.txt": ("png", 1, "queued"),
    }
    for name, data in uploads:
        document = Document.objects.get(name=name)
        assert document.owner == user and document.size == len(data)
        assert document.sha256 == hashlib.sha256(data).hexdigest()
        assert Path(document.original.path).read_bytes() == data
    assert Page.objects.filter(document__name="e.tif").count() == 3


BAD_FILES = [
    ("empty.pdf", b"", "empty_file", "empty"),
    ("nothing.pdf", files.pdf_without_pages(), "empty_file", "no pages"),
    ("locked.pdf", files.encrypted_pdf(), "encrypted_file", "password"),
    ("broken.pdf", files.corrupt_pdf(), "corrupt_file", "damaged"),
    ("half.png", files.truncated_png(), "corrupt_file", "damaged"),
    ("scan.gif", files.gif(), "unsupported_file", "not a supported file type"),
    ("notes.png", b"These are notes, not a scan.", "unsupported_file", "not a supported"),
]


@pytest.mark.parametrize(
    ("name", "data", "code", "words"), BAD_FILES, ids=[b[0] for b in BAD_FILES]
)
def test_a_bad_file_is_refused_with_a_400_that_says_why(api, name, data, code, words):
    before = stored_files()
    response = post(api, (name, data))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code
    assert name in error["message"] and words in error["message"]
    assert error["files"] == [{"name": name, "code": code, "message": error["message"]}]
    assert not Document.objects.exists()
    assert stored_files() == before


def test_the_good_files_of_a_batch_still_go_in(api):
    good = files.png()
    before = stored_files()
    response = post(api, ("good.png", good), *[(name, data) for name, data, *_ in BAD_FILES])
    assert response.status_code == 201
    body = response.json()
    assert [d["name"] for d in body["documents"]] == ["good.png"]
    assert [(r["name"], r["code"]) for r in body["rejected"]] == [
        (name, code) for name, _, code, _ in BAD_FILES
    ]
    assert all(r["message"] for r in body["rejected"])
    (document,) = Document.objects.all()
    assert stored_files() - before == {Path(document.original.path)}


def test_limits_from_the_runtime_settings_row(api):
    RuntimeSettings.objects.create(max_upload_mb=1, max_pages=2)
    big = encode(files.text_page().resize((3000, 3000)), "BMP")  # 27 MB of pixels
    response = post(api, ("big.bmp", big))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert "over the limit of 1 MB" in response.json()["error"]["message"]

    response = post(api, ("long.tif", files.tiff([files.text_page()] * 3)))
    assert response.status_code == 400
    assert "more than 2 pages" in response.json()["error"]["message"]


def test_options_are_checked_before_anything_is_stored(api):
    before = stored_files()
    response = post(api, ("a.png", files.png()), options='{"use_magic": true}')
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_options"
    assert "unknown option 'use_magic'" in response.json()["error"]["message"]

    response = post(api, ("a.png", files.png()), options="not json")
    assert response.status_code == 400 and response.json()["error"]["fields"]["options"]

    response = post(api, ("a.png", files.png()), pipeline="magic")
    assert response.status_code == 400 and "pipeline" in response.json()["error"]["fields"]
    assert not Document.objects.exists() and stored_files() == before

    response = post(
        api, ("a.png", files.png()), pipeline="ocr", options='{"use_textline_orientation": false}'
    )
    assert response.status_code == 201
    run = response.json()["documents"][0]["run"]
    assert (run["pipeline"], run["options"]) == ("ocr", {"use_textline_orientation": False})


def test_no_file_at_all(api):
    response = api.post("/api/documents/", {}, format="multipart")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["file"]

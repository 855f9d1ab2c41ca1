"""POST /ocr, the old Flask service's endpoint: same request, same answer, plus a token; read
by the queue's worker (the session's real cluster), ahead of other users' documents."""

from __future__ import annotations

import base64

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.documents import files
from tests.pages import encode, render_report

pytestmark = pytest.mark.django_db(transaction=True)


def ocr(client, payload, **headers):
    return client.post("/ocr", payload, format="json", **headers)


def test_an_image_is_read_synchronously_into_paddleocr_page_results(cluster, api):
    image = base64.b64encode(encode(render_report())).decode()
    response = ocr(api, {"image": image, "use_doc_orientation_classify": False})
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    (page,) = body["result"]
    texts = [b["block_content"] for b in page["parsing_res_list"]]
    assert any("Office supplies order" in t for t in texts)
    assert any("<table" in t and "Toner" in t for t in texts)
    assert page["model_settings"]["use_doc_preprocessor"] is False  # orientation was off


def test_a_pdf_gives_one_result_per_page(cluster, api):
    data = files.pdf([files.text_page(["First page here"]), files.text_page(["Second page"])])
    body = ocr(api, {"image": "data:application/pdf;base64," + base64.b64encode(data).decode()})
    assert body.status_code == 200 and len(body.json()["result"]) == 2


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        ({}, '{"image": "<base64>"}'),
        ({"image": "@@not base64@@"}, "not valid base64"),
        ({"image": base64.b64encode(b"plain text").decode()}, "not a supported file type"),
        ({"image": base64.b64encode(files.encrypted_pdf()).decode()}, "password"),
        ({"image": base64.b64encode(files.png()).decode(), "use_magic": True}, "unknown option"),
    ],
    ids=["no-image", "bad-base64", "not-an-image", "encrypted", "unknown-flag"],
)
def test_bad_requests_get_the_old_error_shape(api, payload, words):
    response = ocr(api, payload)
    assert response.status_code == 400
    body = response.json()
    assert body["success"] is False and words in body["error"]["message"]


def test_a_token_is_needed(client):
    response = client.post(
        "/ocr", {"image": base64.b64encode(files.png()).decode()}, content_type="application/json"
    )
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {
        "success": False,
        "error": {
            "code": "not_authenticated",
            "message": "Authentication credentials were not provided.",
            "fields": {},
        },
    }


def test_a_request_is_read_ahead_of_another_users_batch_and_leaves_nothing(
    cluster, api, other_user, wait_until
):
    from documents.models import Document, Status
    from documents.services import uploads

    # The request's image is made first and the batch is long: its pages waiting when the
    # request arrives must not all be read meanwhile on a busy machine.
    image = base64.b64encode(encode(render_report())).decode()
    batch = uploads.document_create(
        owner=other_user,
        upload=SimpleUploadedFile("batch.pdf", files.pdf([files.text_page()] * 16)),
        pipeline="ocr",
    )
    wait_until(lambda: batch.pages.filter(status=Status.DONE).exists(), what="the batch started")
    response = ocr(api, {"image": image})
    assert response.status_code == 200 and response.json()["success"] is True
    # The single worker took the request's page next: the batch had pages still waiting.
    assert batch.pages.filter(status=Status.QUEUED).exists()
    assert not Document.objects.filter(ephemeral=True).exists()  # answered, then deleted
    assert api.get("/api/documents/").json()["count"] == 0  # never listed


def test_more_pages_than_the_endpoint_reads_at_once_are_refused(api, settings):
    settings.SYNC_OCR_MAX_PAGES = 2
    data = files.pdf([files.text_page()] * 3)
    response = ocr(api, {"image": base64.b64encode(data).decode()})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "too_many_pages" and "3 pages, over the limit of 2" in error["message"]
    from documents.models import Document

    assert not Document.objects.exists()

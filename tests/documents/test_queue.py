"""The real queue: uploads through the API, a real `qcluster` running the real engine, results
in the database; cancel, reprocess, and a cluster killed with SIGKILL in the middle of a
document."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django_q.conf import Conf
from django_q.models import Schedule

from documents.models import Document, OcrRun, Page, Status
from documents.services import uploads
from tests.documents import files
from tests.pages import CHINESE_LINES, ENGLISH_LINES, encode, render_report, scanned

pytestmark = pytest.mark.django_db(transaction=True)


def upload(api, name: str, data: bytes, **fields) -> dict:
    response = api.post(
        "/api/documents/",
        {"file": SimpleUploadedFile(name, data), **fields},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    (document,) = response.json()["documents"]
    return document


def page_texts(document_id: int) -> list[str]:
    return [
        " ".join(line.text for line in page.lines.order_by("order"))
        for page in Page.objects.filter(document_id=document_id).order_by("number")
    ]


def test_pdf_upload_is_read_page_by_page_into_the_database(cluster, api, wait_finished):
    images = [files.text_page(ENGLISH_LINES[:2]), scanned(files.text_page(ENGLISH_LINES[2:]))]
    created = upload(api, "report.pdf", files.pdf(images))
    assert created["status"] == "queued" and created["pages_total"] == 2

    document = wait_finished(created["id"])
    assert document.status == Status.DONE, document.error
    texts = page_texts(document.pk)
    for words in ("Quarterly", "Revenue", "March"):
        assert words in texts[0]
    for words in ("warehouse", "Leeds", "48213"):
        assert words in texts[1]

    detail = api.get(f"/api/documents/{document.pk}/").json()
    assert (detail["status"], detail["pages_done"], detail["pages_total"]) == ("done", 2, 2)
    assert detail["queue_position"] is None and detail["error"] == ""
    assert [p["status"] for p in detail["pages"]] == ["done", "done"]
    run = detail["run"]
    assert run["engine_info"]["backend"] and run["engine_info"]["versions"]["paddleocr"]
    assert run["duration"] is not None and run["ocr_seconds"] > 0

    page = api.get(f"/api/documents/{document.pk}/pages/1/").json()
    assert page["lines"] and page["blocks"]
    assert all(len(line["box"]) == 4 and line["polygon"] for line in page["lines"])
    assert (page["width"], page["dpi"]) == (2000, 200)  # 10 inches at the settings' 200 DPI
    image = api.get(page["image_url"])
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert b"".join(image.streaming_content).startswith(b"\x89PNG")
    raw = api.get(f"/api/documents/{document.pk}/pages/1/raw/").json()["raw"]
    assert raw and "parsing_res_list" in raw  # PP-StructureV3's own page result


def test_tables_and_chinese_text_are_stored_and_searchable(cluster, api, wait_finished):
    report = upload(api, "order.png", encode(render_report()))
    chinese = upload(api, "notice.png", files.png(CHINESE_LINES, cjk=True))
    for created in (report, chinese):
        assert wait_finished(created["id"]).status == Status.DONE

    page = Page.objects.get(document_id=report["id"])
    table = page.tables.get()
    cells = {(c.row, c.col): c.text for c in table.cells.all()}
    assert cells[(1, 0)] == "Paper" and cells[(2, 1)] == "3"
    assert "<table" in table.html and table.block.label == "table"
    assert "北京市海淀区人民政府" in page_texts(chinese["id"])[0]

    def search(term: str) -> list[int]:
        return [d["id"] for d in api.get("/api/documents/", {"q": term}).json()["results"]]

    assert search("海淀区") == [chinese["id"]]
    assert search("toner") == [report["id"]]  # case-insensitive, found in a table cell
    assert search("nowhere to be found") == []


def test_reprocess_with_other_options_replaces_results_once(cluster, api, wait_finished):
    created = upload(api, "page.png", files.png(), pipeline="structure")
    first = wait_finished(created["id"])
    assert first.status == Status.DONE and Page.objects.get(document=first).blocks.exists()

    response = api.post(f"/api/documents/{first.pk}/reprocess/", {"pipeline": "ocr"}, format="json")
    assert response.status_code == 202 and response.json()["status"] == "queued"
    again = wait_finished(first.pk)
    assert again.status == Status.DONE
    page = Page.objects.get(document=again)
    assert not page.blocks.exists()  # the text pipeline has no layout blocks
    assert [line.text for line in page.lines.order_by("order")] == list(ENGLISH_LINES[:2])
    runs = OcrRun.objects.filter(document=again).order_by("attempt")
    assert [(r.attempt, r.pipeline, r.status) for r in runs] == [
        (1, "structure", "done"),
        (2, "ocr", "done"),
    ]


def test_cancel_a_queued_document_and_reprocess_it(make_cluster, api, wait_finished):
    # No cluster runs: the document waits in the queue with its position.
    created = upload(api, "wait.png", files.png())
    waiting = upload(api, "later.png", files.png())
    assert (created["queue_position"], waiting["queue_position"]) == (1, 2)

    cancelled = api.post(f"/api/documents/{created['id']}/cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert api.get(f"/api/documents/{waiting['id']}/").json()["queue_position"] == 1
    again = api.post(f"/api/documents/{created['id']}/cancel/")
    assert again.status_code == 409 and again.json()["error"]["code"] == "not_active"

    make_cluster()
    assert wait_finished(waiting["id"]).status == Status.DONE
    document = Document.objects.get(pk=created["id"])
    assert document.status == Status.CANCELLED  # its stale message changed nothing
    assert not Page.objects.get(document=document).lines.exists()

    assert api.post(f"/api/documents/{document.pk}/reprocess/").status_code == 202
    assert wait_finished(document.pk).status == Status.DONE
    assert page_texts(document.pk) == [" ".join(ENGLISH_LINES[:2])]


def test_a_page_that_cannot_be_read_fails_with_its_reason(make_cluster, user, wait_finished):
    """A PDF whose second page pdfium cannot render: page 1 is read, page 2 fails, and the
    document says which page failed and why instead of waiting forever."""
    data = files.pdf([files.text_page(), files.text_page()])
    document = uploads.document_create(owner=user, upload=SimpleUploadedFile("two.pdf", data))
    # The stored original loses its second page after the upload was checked.
    second = Page.objects.get(document=document, number=2)
    path = document.original.path
    with open(path, "wb") as f:
        f.write(files.pdf([files.text_page()]))

    make_cluster()
    finished = wait_finished(document.pk)
    assert finished.status == Status.FAILED
    assert "1 of 2 pages failed" in finished.error and "page 2: " in finished.error
    second.refresh_from_db()
    assert second.status == Status.FAILED and "no page 2" in second.error
    assert Page.objects.get(document=document, number=1).status == Status.DONE


def test_cluster_killed_mid_document_completes_every_page_exactly_once(
    make_cluster, user, wait_until, wait_finished
):
    """SIGKILL to the whole cluster while it reads a document; after a restart every page is
    read, none twice, none lost (ORM broker: the lost message comes back after `retry`;
    Redis: the recovery schedule sends it again)."""
    # The test database is flushed between tests: apply the schedule's migration again.
    call_command("migrate", "documents", "0001", verbosity=0)
    call_command("migrate", "documents", verbosity=0)
    # Run by this test's clusters only (the session's cluster has the long default timeout).
    recovery = Schedule.objects.filter(func="documents.tasks.recover_stalled")
    assert recovery.update(cluster=Conf.CLUSTER_NAME) == 1
    short = {
        "OCRSITE_TASK_TIMEOUT": "20",
        "OCRSITE_TASK_RETRY": "25",
        "OCRSITE_PIPELINE": "ocr",
    }
    names = ("Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel")
    cities = ("Paris", "Berlin", "Madrid", "Vienna", "Prague", "Dublin", "Lisbon", "Oslo")
    lines = [
        [f"Chapter {n} of the contract", f"Signed in {c}"]
        for n, c in zip(names, cities, strict=True)
    ]
    data = files.pdf([files.text_page(page) for page in lines])
    document = uploads.document_create(
        owner=user, upload=SimpleUploadedFile("contract.pdf", data), pipeline="ocr"
    )
    first = make_cluster(**short)
    wait_until(
        lambda: (
            Page.objects.filter(document=document, status=Status.DONE).count() >= 2
            and Page.objects.filter(document=document, status=Status.RUNNING).exists()
        ),
        timeout=180,
        what="the cluster to be in the middle of the document",
    )
    first.kill()
    running = list(Page.objects.filter(document=document, status=Status.RUNNING))
    done_before = Page.objects.filter(document=document, status=Status.DONE).count()
    assert running and done_before < len(lines)

    make_cluster(**short)
    finished = wait_finished(document.pk, timeout=300)
    assert finished.status == Status.DONE, finished.error
    run = OcrRun.objects.get(document=document)
    assert (run.pages_done, run.pages_failed, run.pages_total) == (8, 0, 8)
    for page, words in zip(
        Page.objects.filter(document=document).order_by("number"), lines, strict=True
    ):
        assert page.status == Status.DONE
        assert [line.text for line in page.lines.order_by("order")] == words
    killed = Page.objects.get(pk=running[0].pk)
    assert killed.attempts == 2  # claimed again after the kill, once

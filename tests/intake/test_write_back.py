"""A folder document's results land in the output folder under the original's name, read by
the real queue: searchable PDF and text when done (or once reviewed, where the folder says so),
again after a correction, and the reason when the OCR failed."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from documents import worker
from documents.models import Document, IntakeFile, IntakeFolder, Line, Status
from documents.services import corrections, review
from tests.documents import files
from tests.intake.conftest import settle, tree
from tests.pages import ENGLISH_LINES

pytestmark = pytest.mark.django_db(transaction=True)


def pdf_text(path: Path) -> str:
    pdf = pdfium.PdfDocument(path)
    try:
        return " ".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


def test_results_are_written_back_and_rewritten_after_a_correction(
    cluster, intake, watcher, wait_finished
):
    scans, out = Path(intake.path), Path(intake.output_path)
    (scans / "invoice.png").write_bytes(files.png(ENGLISH_LINES[:2]))
    settle(watcher)
    document = wait_finished(Document.objects.get().pk)
    assert document.status == Status.DONE, document.error

    watcher.pass_once(now=100)
    assert tree(out) == ["invoice.pdf", "invoice.txt"]
    text = (out / "invoice.txt").read_text()
    assert "Revenue" in text, text
    assert "Revenue" in pdf_text(out / "invoice.pdf")
    written = IntakeFile.objects.get().written_at

    watcher.pass_once(now=101)  # nothing changed: nothing written
    assert IntakeFile.objects.get().written_at == written

    line = Line.objects.filter(page__document=document, text__contains="Revenue").first()
    corrections.correct(line, "Corrected by staff", user=document.owner)
    watcher.pass_once(now=102)
    assert "Corrected by staff" in (out / "invoice.txt").read_text()
    assert "Corrected by staff" in pdf_text(out / "invoice.pdf")
    assert tree(out) == ["invoice.pdf", "invoice.txt"]  # no temporary file left behind


def test_a_folder_that_waits_for_review_writes_once_the_document_is_reviewed(
    cluster, intake, watcher, wait_finished
):
    IntakeFolder.objects.filter(pk=intake.pk).update(
        write_when=IntakeFolder.WriteWhen.REVIEWED, output_formats=["txt"]
    )
    scans, out = Path(intake.path), Path(intake.output_path)
    (scans / "letter.png").write_bytes(files.png(ENGLISH_LINES[2:4]))
    settle(watcher)
    document = wait_finished(Document.objects.get().pk)
    watcher.pass_once(now=100)
    assert not out.exists()

    review.document_mark_reviewed(document=document)
    watcher.pass_once(now=101)
    assert tree(out) == ["letter.txt"]


def fail_the_scan(intake, watcher) -> None:
    """Take scan.png; no cluster reads this test's queue, so its page fails as a worker would
    fail it."""
    (Path(intake.path) / "scan.png").write_bytes(files.png())
    settle(watcher)
    page = Document.objects.get().pages.get()
    assert worker.page_claim(page_id=page.pk, token=str(page.token))
    worker.page_fail(page_id=page.pk, token=str(page.token), reason="the engine gave up")


def test_a_document_whose_ocr_failed_leaves_the_reason_in_the_output(make_cluster, intake, watcher):
    fail_the_scan(intake, watcher)
    watcher.pass_once(now=100)
    out = Path(intake.output_path)
    assert tree(out) == ["scan.error.txt"]
    assert "the engine gave up" in (out / "scan.error.txt").read_text()


def test_an_output_folder_that_cannot_be_written_is_reported(make_cluster, intake, watcher):
    Path(intake.output_path).write_text("a file where the folder should be")
    fail_the_scan(intake, watcher)
    watcher.pass_once(now=100)
    record = IntakeFile.objects.get()
    assert record.write_error.startswith(f"cannot write to {intake.output_path}")
    written = record.written_at

    watcher.pass_once(now=101)  # not tried again until the results change
    assert IntakeFile.objects.get().written_at == written

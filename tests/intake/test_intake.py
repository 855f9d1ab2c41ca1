"""Files dropped into an intake folder become documents once their size has settled; the
originals move to done/ (or failed/ with the reason beside them), never before the database
holds them, never deleted, and the same content is read once per folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from documents.models import Document, IntakeFile, IntakeFolder, RuntimeSettings
from tests.documents import files
from tests.intake.conftest import STABLE_S, settle, tree

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_file_is_taken_once_its_size_has_settled(intake, watcher, user):
    scans = Path(intake.path)
    data = files.png()
    (scans / "scan.png").write_bytes(data[: len(data) // 2])  # the scanner is still writing

    watcher.pass_once(now=0)
    watcher.pass_once(now=STABLE_S - 1)
    intake.refresh_from_db()
    assert intake.files_waiting == 1 and not Document.objects.exists()

    (scans / "scan.png").write_bytes(data)  # it grew: the wait starts again
    watcher.pass_once(now=STABLE_S + 1)
    assert not Document.objects.exists()
    watcher.pass_once(now=2 * STABLE_S + 1)

    document = Document.objects.get()
    assert (document.name, document.owner, document.size) == ("scan.png", user, len(data))
    assert document.runs.get().pipeline == "ocr"
    assert tree(scans) == ["done/scan.png"]
    assert (scans / "done" / "scan.png").read_bytes() == data
    record = IntakeFile.objects.get()
    assert (record.state, record.name, record.moved_to) == ("ingested", "scan.png", "done/scan.png")
    assert record.document == document
    intake.refresh_from_db()
    assert (intake.files_waiting, intake.last_error) == (0, "")
    assert intake.scanned_at is not None


def test_the_same_content_is_read_once_and_a_copy_goes_to_done_as_a_duplicate(intake, watcher):
    scans = Path(intake.path)
    data = files.png()
    (scans / "scan.png").write_bytes(data)
    settle(watcher)
    (scans / "scan.png").write_bytes(data)  # the same page scanned to the same name again
    (scans / "copy.png").write_bytes(data)
    settle(watcher, start=100)

    assert Document.objects.count() == 1
    assert tree(scans) == ["done/copy.png", "done/scan (2).png", "done/scan.png"]
    states = sorted(IntakeFile.objects.values_list("name", "state"))
    assert states == [
        ("copy.png", "duplicate"),
        ("scan.png", "duplicate"),
        ("scan.png", "ingested"),
    ]


def test_a_file_that_cannot_be_read_goes_to_failed_with_the_reason(intake, watcher):
    scans = Path(intake.path)
    (scans / "notes.pdf").write_bytes(b"these are notes, not a PDF\n")
    (scans / "locked.pdf").write_bytes(files.encrypted_pdf())
    settle(watcher)

    assert not Document.objects.exists()
    assert tree(scans) == [
        "failed/locked.pdf",
        "failed/locked.pdf.error.txt",
        "failed/notes.pdf",
        "failed/notes.pdf.error.txt",
    ]
    assert "password" in (scans / "failed" / "locked.pdf.error.txt").read_text()
    reason = (scans / "failed" / "notes.pdf.error.txt").read_text()
    assert reason.startswith("notes.pdf: ") and "not a supported" in reason, reason
    assert (scans / "failed" / "notes.pdf").read_bytes() == b"these are notes, not a PDF\n"
    record = IntakeFile.objects.get(name="notes.pdf")
    assert record.state == "failed" and record.error in reason


def test_a_crash_before_the_move_neither_loses_the_file_nor_reads_it_twice(intake, watcher):
    """`done` is a file here, so the move fails after the document is committed (as a crash
    between the two would leave it); the next pass only moves the original."""
    scans = Path(intake.path)
    (scans / "done").write_text("in the way")
    (scans / "scan.png").write_bytes(files.png())
    settle(watcher)

    assert Document.objects.count() == 1
    assert (scans / "scan.png").exists()
    record = IntakeFile.objects.get()
    assert record.moved_to == ""
    intake.refresh_from_db()
    assert intake.files_waiting == 1 and "scan.png" in intake.last_error

    (scans / "done").unlink()
    watcher.pass_once(now=100)
    assert Document.objects.count() == 1
    assert tree(scans) == ["done/scan.png"]
    record.refresh_from_db()
    assert record.moved_to == "done/scan.png"
    intake.refresh_from_db()
    assert (intake.files_waiting, intake.last_error) == (0, "")


def test_owner_subfolders_give_each_user_their_files(intake, watcher, user, other_user):
    scans = Path(intake.path)
    IntakeFolder.objects.filter(pk=intake.pk).update(owner_subfolders=True)
    for folder in ("bob", "nobody"):
        (scans / folder).mkdir()
    (scans / "bob" / "scan.png").write_bytes(files.png(["Bob's own page"]))
    (scans / "nobody" / "scan.png").write_bytes(files.png(["Nobody's page"]))
    (scans / "scan.png").write_bytes(files.png())
    settle(watcher)

    owners = dict(Document.objects.values_list("owner__username", "intake_files__name"))
    assert owners == {"alice": "scan.png", "bob": "bob/scan.png"}
    assert tree(scans) == [
        "bob/done/scan.png",
        "done/scan.png",
        "nobody/failed/scan.png",
        "nobody/failed/scan.png.error.txt",
    ]
    reason = (scans / "nobody" / "failed" / "scan.png.error.txt").read_text()
    assert "no active user is named 'nobody'" in reason


def test_links_and_files_of_other_programs_are_left_alone(intake, watcher, tmp_path):
    scans = Path(intake.path)
    secret = tmp_path / "secret.png"
    secret.write_bytes(files.png(["not for the intake"]))
    (scans / "link.png").symlink_to(secret)
    for name in ("~$report.docx", ".hidden.png", "Thumbs.db", "desktop.ini", "scan.pdf.part"):
        (scans / name).write_bytes(b"x")
    before = tree(scans)
    settle(watcher)

    assert not Document.objects.exists() and not IntakeFile.objects.exists()
    assert tree(scans) == before


def test_a_file_over_the_users_waiting_limit_waits_in_the_folder(intake, watcher):
    settings = RuntimeSettings.load()
    settings.max_waiting_pages = 1
    settings.save()
    scans = Path(intake.path)
    (scans / "scan.pdf").write_bytes(files.pdf([files.text_page(), files.text_page()]))
    settle(watcher)

    assert not Document.objects.exists() and tree(scans) == ["scan.pdf"]
    intake.refresh_from_db()
    assert intake.files_waiting == 1 and "pages waiting" in intake.last_error

    settings.max_waiting_pages = 10
    settings.save()
    watcher.pass_once(now=100)
    assert Document.objects.count() == 1 and tree(scans) == ["done/scan.pdf"]


def test_a_folder_that_is_gone_is_reported(intake, watcher):
    Path(intake.path).rmdir()
    watcher.pass_once(now=0)
    intake.refresh_from_db()
    assert "cannot read the folder" in intake.last_error and intake.last_error_at is not None

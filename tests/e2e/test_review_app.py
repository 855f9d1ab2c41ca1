"""Issue 5 end to end: sign in, upload a page rendered with real fonts, follow it to done in the
list, find its words in the review screen, correct a line and get the correction back in the
TXT export; switch the language; see a rejected file's reason; fail to reach another user's
document. Screenshots of the upload, list and review screens land in test-artifacts/."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect

from documents.models import Document
from documents.services import runs, uploads
from tests.e2e.helpers import screenshot, sign_in
from tests.pages import CHINESE_LINES, ENGLISH_LINES, encode, font, render_lines, render_report

pytestmark = pytest.mark.django_db(transaction=True)

ALICE = ("alice", "alice-pass-123")
OCR_TIMEOUT_MS = 300_000


def order_page() -> Image.Image:
    """An office page: title, paragraphs and a table (tests/pages.py), and a Chinese line."""
    page = render_report()
    ImageDraw.Draw(page).text((100, 900), CHINESE_LINES[2], font=font(40, cjk=True), fill="black")
    return page


def test_sign_in_says_when_the_password_is_wrong(page: Page, user) -> None:
    page.goto("/documents")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("not-her-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Wrong username or password.")

    page.get_by_label("Password").fill(ALICE[1])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Documents")).to_be_visible()
    expect(page.get_by_text("No documents yet. Upload some to start.")).to_be_visible()
    expect(page.get_by_role("link", name="Admin")).to_have_count(0)  # alice is not staff

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert page.request.get("/api/auth/me/").json() == {"user": None}


def test_upload_follow_review_correct_and_export(page: Page, user, cluster, tmp_path: Path) -> None:
    order, memo = tmp_path / "order.png", tmp_path / "memo.png"
    order_page().save(order)
    render_lines(ENGLISH_LINES).save(memo)
    sign_in(page, *ALICE)

    page.get_by_role("navigation").get_by_role("link", name="Upload").click()
    page.get_by_test_id("file-input").set_input_files([str(order), str(memo)])
    for name in ("order.png", "memo.png"):
        upload_row = page.get_by_test_id("upload-item").filter(has_text=name)
        expect(upload_row).to_contain_text("Uploaded")
        expect(upload_row.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    screenshot(page, "upload")

    # The list follows the server's figures by itself (no reload) until both are done; one
    # worker reads one page at a time, so whichever upload arrived second waits its turn first.
    page.get_by_role("link", name="Go to documents").click()
    rows = page.get_by_test_id("document-row")
    seen: dict[str, set[str]] = {"order.png": set(), "memo.png": set()}
    shot = False
    deadline = time.monotonic() + OCR_TIMEOUT_MS / 1000
    while any("Done" not in s for s in seen.values()) and time.monotonic() < deadline:
        now = {}
        for name, statuses in seen.items():
            now[name] = rows.filter(has_text=name).get_by_role("cell").nth(2).inner_text().strip()
            statuses.add(now[name])
        if not shot and "Waiting" in now.values():
            screenshot(page, "list-in-progress")
            shot = True
        time.sleep(0.3)
    assert all("Done" in s for s in seen.values()), f"statuses seen: {seen}"
    assert any("Waiting" in s for s in seen.values()), f"the list never showed the queue: {seen}"
    row = rows.filter(has_text="order.png")
    expect(row.get_by_text("1 of 1 page", exact=True)).to_be_visible()  # one page, not "pages"
    expect(row.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "1")

    # Full-text search over the recognised text.
    page.get_by_role("searchbox").fill("purchasing")
    expect(rows).to_have_count(1)
    expect(row).to_be_visible()
    page.get_by_role("searchbox").fill("zebra crossing")
    expect(page.get_by_text("No documents match these filters.")).to_be_visible()
    page.get_by_role("searchbox").fill("")
    expect(row).to_be_visible()
    screenshot(page, "list")

    row.get_by_role("link", name="order.png").click()
    text = page.get_by_label("Text", exact=True)
    expect(text).to_contain_text("purchasing")
    expect(text).to_contain_text("Toner")
    expect(page.locator("[data-line-id]").first).to_be_attached()
    screenshot(page, "review")

    # Correct a line in place; the original stays one click away.
    line = text.locator(".text-line", has_text="Tuesday")
    line.click()
    page.keyboard.press("Enter")
    field = page.get_by_role("textbox", name="Edit")
    field.fill("Deliveries arrive on Thursday and are checked against this list.")
    field.press("Enter")
    corrected = text.locator(".text-line", has_text="Thursday")
    expect(corrected).to_contain_text("Corrected")
    corrected.get_by_role("button", name="Corrected").click()
    expect(corrected).to_contain_text("Original: Deliveries arrive on Tuesday")
    screenshot(page, "review-corrected")

    with page.expect_download() as download:
        page.get_by_role("group", name="Export").get_by_role("button", name="TXT").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Deliveries arrive on Thursday" in exported
    assert "Tuesday" not in exported
    assert "purchasing" in exported

    # The whole document reviewed, as the list shows.
    page.get_by_role("button", name="Mark document reviewed").click()
    expect(page.get_by_role("button", name="Document reviewed ✓ (undo)")).to_be_visible()


def test_the_language_follows_the_browser_and_the_choice_is_kept(new_page, user) -> None:
    page = new_page(locale="zh-CN")
    page.goto("/")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    page.get_by_label("语言").select_option("en")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()

    sign_in(page, *ALICE)
    page.get_by_label("Language").select_option("zh-Hans")
    expect(page.get_by_role("heading", name="文档")).to_be_visible()
    expect(page.get_by_role("navigation").get_by_role("link", name="上传")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="文档")).to_be_visible()
    expect(page.get_by_text("还没有文档。请先上传。")).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "zh-Hans"
    page.get_by_role("navigation").get_by_role("link", name="上传").click()
    expect(page.get_by_text("将图片或 PDF 拖放到这里")).to_be_visible()
    screenshot(page, "upload-zh")


def test_a_rejected_file_shows_its_reason(page: Page, user, tmp_path: Path) -> None:
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    notes = tmp_path / "notes.pdf"
    notes.write_bytes(b"These are meeting notes, not a PDF at all.\n" * 20)
    sign_in(page, *ALICE)
    page.get_by_role("navigation").get_by_role("link", name="Upload").click()
    page.get_by_test_id("file-input").set_input_files([str(empty), str(notes)])

    for name in ("empty.png", "notes.pdf"):
        reason = page.get_by_test_id("upload-item").filter(has_text=name).get_by_role("alert")
        expect(reason).to_contain_text("Rejected:")
        assert len(reason.inner_text()) > len("Rejected: ") + 10, reason.inner_text()
    expect(page.get_by_role("link", name="Open")).to_have_count(0)
    screenshot(page, "upload-rejected")
    assert not Document.objects.exists()


def test_another_users_document_is_not_reachable(page: Page, user, other_user) -> None:
    png = encode(order_page().resize((620, 877)))
    secret = uploads.document_create(
        owner=other_user, upload=SimpleUploadedFile("bob-secret.png", png, "image/png")
    )
    sign_in(page, *ALICE)
    expect(page.get_by_text("bob-secret.png")).to_have_count(0)

    page.goto(f"/documents/{secret.pk}")
    expect(page.get_by_role("alert")).to_have_text("This page does not exist.")
    expect(page.get_by_text("bob-secret.png")).to_have_count(0)
    for url in (
        f"/api/documents/{secret.pk}/",
        f"/api/documents/{secret.pk}/pages/1/",
        f"/api/documents/{secret.pk}/original/",
        f"/api/documents/{secret.pk}/export/?format=txt",
    ):
        assert page.request.get(url).status == 404, url


def test_a_correction_the_new_run_could_not_place_is_reapplied(
    page: Page, user, cluster, wait_finished
) -> None:
    """Reprocessing keeps corrections: the one whose line moved is listed on its page, and staff
    put it on the line they select; the history shows every edit."""
    from documents.models import Correction, Line
    from documents.services import corrections

    upload = SimpleUploadedFile("order.png", encode(render_report()))
    document = uploads.document_create(owner=user, upload=upload)
    assert wait_finished(document.pk).status == "done"
    fix = "Please report missing items to the front desk at once."
    line = Line.objects.get(page__document=document, text__startswith="Please report")
    corrections.correct(line, fix, user)
    # As if the line had been elsewhere on the page when it was corrected.
    Correction.objects.filter(after=fix).update(place=[0.1, 0.9, 0.5, 0.92])
    runs.document_reprocess(document=document)
    assert wait_finished(document.pk).status == "done"

    sign_in(page, *ALICE)
    page.goto(f"/documents/{document.pk}?page=1")
    unplaced = page.get_by_role("region", name="Not placed on the new run: 1")
    expect(unplaced).to_contain_text(fix)
    apply = unplaced.get_by_role("button", name="Apply to the selected line")
    expect(apply).to_be_disabled()
    text = page.get_by_label("Text", exact=True)
    text.locator(".text-line", has_text="Please report").click()
    expect(apply).to_be_enabled()
    screenshot(page, "review-unplaced")
    apply.click()

    expect(unplaced).to_have_count(0)
    expect(text.locator(".text-line", has_text="at once")).to_contain_text("Corrected")
    page.get_by_text("History of corrections (2)").click()
    expect(page.get_by_text("alice", exact=False).first).to_be_visible()
    assert (
        Line.objects.get(page__document=document, text__startswith="Please report").corrected_text
        == fix
    )

"""Issue 12: the app in Chinese says nothing in English. A zh-CN browser walks the sign-in form,
the document list (with its export bar), the upload screen and a structured document's review
screen, and every word left on screen, once file names and the document's own text are taken
out, is Chinese."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Page, expect

from documents.models import Block, Line, TableCell
from documents.services import uploads
from tests.e2e.helpers import screenshot
from tests.pages import encode, render_report

pytestmark = pytest.mark.django_db(transaction=True)

# Latin words a Chinese screen rightly shows, each for its reason.
ALLOWED = {
    "ocrsite",  # the product's name, in the top bar
    "English",  # the language switch names each language in itself
    # File formats, as their names are written in Chinese too (upload hint, export buttons).
    *("PNG", "JPEG", "TIFF", "BMP", "WebP", "PDF", "TXT", "MD", "JSON", "DOCX", "XLSX", "CSV"),
    "ZIP",
    "LaTeX",  # the formula option's output format
    "Excel",  # the table pipeline's target program
    *("Enter", "Esc"),  # key caps, in the review screen's keyboard help
}
LATIN = re.compile(r"[A-Za-z]{2,}")


def english_on_screen(page: Page, user_data: list[str]) -> set[str]:
    text = page.evaluate("document.body.innerText")
    # Longest first, so a line is taken out whole before a shorter text inside it.
    for data in sorted(filter(None, user_data), key=len, reverse=True):
        text = text.replace(data, " ")
    return set(LATIN.findall(text)) - ALLOWED


def test_the_chinese_ui_shows_no_english(new_page, user, cluster, wait_finished) -> None:
    upload = SimpleUploadedFile("quarterly-order.png", encode(render_report()), "image/png")
    document = uploads.document_create(owner=user, upload=upload, pipeline="structure")
    assert wait_finished(document.pk).status == "done"
    blocks = Block.objects.filter(page__document=document)
    assert blocks.filter(label="table").exists(), list(blocks.values_list("label", flat=True))
    user_data = [
        document.name,
        user.username,
        *Line.objects.filter(page__document=document).values_list("text", flat=True),
        *blocks.values_list("content", flat=True),
        *TableCell.objects.filter(table__page__document=document).values_list("text", flat=True),
    ]

    page = new_page(locale="zh-CN")
    page.goto("/")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    assert english_on_screen(page, user_data) == set()

    page.get_by_label("用户名").fill("alice")
    page.get_by_label("密码").fill("alice-pass-123")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="文档")).to_be_visible()
    row = page.get_by_test_id("document-row").filter(has_text=document.name)
    expect(row).to_contain_text("已完成")
    expect(row.get_by_text("1 / 1 页", exact=True)).to_be_visible()
    assert english_on_screen(page, user_data) == set()

    # The actions and exports of the selected document.
    row.get_by_role("checkbox").check()
    expect(page.get_by_text("已选择 1 个")).to_be_visible()
    expect(page.get_by_role("group", name="导出").get_by_role("button", name="PDF")).to_be_visible()
    assert english_on_screen(page, user_data) == set()
    screenshot(page, "list-zh")

    page.get_by_role("navigation").get_by_role("link", name="上传").click()
    expect(page.get_by_text("将图片或 PDF 拖放到这里")).to_be_visible()
    expect(page.get_by_role("radio").first).to_be_visible()
    assert english_on_screen(page, user_data) == set()

    page.goto(f"/documents/{document.pk}?page=1")
    text = page.get_by_label("文字", exact=True)
    expect(text.locator(".block-label").first).to_be_visible()
    expect(text.locator(".block-label", has_text="表格").first).to_be_visible()
    expect(page.get_by_role("group", name="导出")).to_be_visible()
    assert english_on_screen(page, user_data) == set()
    screenshot(page, "review-zh")

    # The same screen in English does have English words: the check can see them.
    page.get_by_label("语言").select_option("en")
    expect(page.get_by_label("Text", exact=True)).to_be_visible()
    assert {"Documents", "Fit", "Blocks"} <= english_on_screen(page, user_data)

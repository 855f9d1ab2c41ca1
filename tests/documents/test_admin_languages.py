"""The admin in the staff's language: signed in with Accept-Language: zh-Hans, the document
pages (the list with its filters and actions, a document, its OCR runs and pages) carry no English
word but file names and what users and the engine wrote; the actions' messages count in English
with the right plural."""

from __future__ import annotations

import re

import lxml.html
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from documents.models import Document
from documents.services import uploads
from tests.documents import files

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-Hans"}
# Words left in English on purpose, each for its reason.
ALLOWED = {
    "OCR",  # the trade's own term, kept as is in Chinese software
    "ID",  # Django labels every model's primary key "ID", untranslated in its own catalogue
    "Django",  # the admin's title, "Django 管理": a product name
    "PDF",  # file formats' names ("PDF 分辨率", "导出所选文档（ZIP）")
    "PNG",
    "ZIP",
    "Excel",  # a product name, in the table pipeline's label ("表格转 Excel")
    "PaddleOCR",  # a product name, in the raw result's help text
}
# Names, not words: the engine's models and pipelines (PP-StructureV3, ppocrv6_small), anything
# else with a digit or an underscore, and the site's paths (/ocr, /layout-parsing).
NAMES = re.compile(r"PP-[\w-]+|\w*[\d_]\w*|/[\w/-]+")
# A Latin word: what a leftover English label, header or message would contain.
WORD = re.compile(r"[A-Za-z]{2,}")


def visible_text(html: str) -> str:
    """What the page shows: its text, tooltips, placeholders and button captions."""
    tree = lxml.html.fromstring(html)
    # Django's own screen-reader headers of the app list (.visually-hidden: "Model name", "Add
    # link") are missing from its zh_Hans catalogue, and are not on the screen.
    hidden_parts = "//script | //style | //head | //*[contains(@class, 'visually-hidden')]"
    for hidden in tree.xpath(hidden_parts):
        hidden.drop_tree()
    shown = [tree.text_content()]
    shown += tree.xpath("//@title | //@placeholder | //input[@type='submit']/@value")
    return "\n".join(shown)


def english_words(html: str, data: list[str]) -> set[str]:
    """The Latin words on the page that are neither user data nor allowed."""
    text = visible_text(html)
    for value in sorted(data, key=len, reverse=True):  # longest first: a path before its name
        text = text.replace(value, " ")
    text = NAMES.sub(" ", text)
    return set(WORD.findall(text)) - ALLOWED


def document_data(document: Document) -> list[str]:
    """What users and the engine wrote about a document, which the admin shows as it is."""
    run = document.runs.get()
    return [
        document.name,
        document.original.name,
        document.sha256,
        str(document.uid),
        document.mime_type,
        document.file_type,
        document.owner.get_username(),
        run.backend,
        run.precision,
        run.text_models,
        *[str(page.token) for page in document.pages.all()],
    ]


@pytest.fixture
def document(user) -> Document:
    return uploads.document_create(
        owner=user, upload=SimpleUploadedFile("invoice.png", files.png())
    )


def test_the_document_pages_of_the_admin_carry_no_english_in_chinese(admin_user, document):
    client = Client(**ZH)
    login = client.get("/admin/login/")
    assert "用户名" in login.content.decode()  # the form itself is Chinese
    signed_in = client.post(
        "/admin/login/",
        {"username": "root", "password": "root-pass-123", "next": "/admin/"},
        follow=True,
    )
    assert signed_in.redirect_chain[-1][0] == "/admin/"

    run, page = document.runs.get(), document.pages.get()
    data = [*document_data(document), admin_user.get_username()]
    pages = {
        "/admin/documents/document/": ["文档", "状态", "已审阅", "排队中", "重新识别所选文档"],
        "/admin/documents/document/?status__exact=queued": ["排队中"],
        f"/admin/documents/document/{document.pk}/change/": ["原始文件", "OCR 识别任务"],
        "/admin/documents/ocrrun/": ["OCR 识别任务", "流程", "已完成页数"],
        f"/admin/documents/ocrrun/{run.pk}/change/": ["轮次", "总页数"],
        "/admin/documents/page/": ["页面", "尝试次数"],
        f"/admin/documents/page/{page.pk}/change/": ["识别宽度", "更正"],
    }
    for url, chinese in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert all(words in html for words in chinese), url
        assert english_words(html, data) == set(), url


def test_the_english_admin_is_as_it_was(admin_client, document):
    html = admin_client.get("/admin/documents/document/").content.decode()
    assert "Reprocess the selected documents (same options)" in html
    assert "Queued" in html and "By status" in html
    assert "OCR runs" in admin_client.get("/admin/documents/").content.decode()


def _action(client: Client, action: str, documents: list[Document], **headers: str) -> list[str]:
    """The messages the changelist shows after the action."""
    response = client.post(
        "/admin/documents/document/",
        {"action": action, "_selected_action": [d.pk for d in documents]},
        follow=True,
        **headers,
    )
    tree = lxml.html.fromstring(response.content.decode())
    return [item.text_content().strip() for item in tree.xpath("//ul[@class='messagelist']/li")]


def test_the_actions_count_with_the_right_plural(admin_client, user, document):
    second = uploads.document_create(
        owner=user, upload=SimpleUploadedFile("second.png", files.png())
    )
    assert _action(admin_client, "cancel", [document]) == ["1 document cancelled."]
    assert _action(admin_client, "reprocess", [document, second]) == ["2 documents queued again."]
    assert _action(admin_client, "cancel", [document, second], **ZH) == ["已取消 2 个文档。"]
